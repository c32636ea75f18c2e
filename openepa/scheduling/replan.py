"""Re-planning after an assessor cancels a day (issue 16 §5 "Re-planning"): only the
displaced methods are placed again, and other bookings move only when a displaced method
fits nowhere else, one booking per displaced method at most.

Every other booking stays where it was; the result is checked by the checker like any
plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, timedelta

from openepa.scheduling.diary import Diary
from openepa.scheduling.engine import build_plan
from openepa.scheduling.greedy import edf_order, place_one
from openepa.scheduling.instance import Instance, Method
from openepa.scheduling.plan import Assignment, Plan


@dataclass(frozen=True)
class Replanned:
    instance: Instance
    plan: Plan
    displaced: int
    moved: int
    unplaced: int
    seconds: float


def cancel_day(instance: Instance, assessor_id: str, day: date) -> Instance:
    """The instance with the assessor's availability on `day` removed."""
    assessor = instance.assessors[assessor_id]
    kept = replace(assessor, available=tuple(w for w in assessor.available if w.day != day))
    return replace(instance, assessors={**instance.assessors, assessor_id: kept})


def _bounded(instance: Instance, diary: Diary, method: Method) -> Method:
    """The method with its latest day brought before any placed method that must follow it."""
    latest = method.latest
    for other in instance.methods.values():
        if other.after == method.id and other.id in diary.days:
            latest = min(latest, diary.days[other.id] - timedelta(days=1))
    return replace(method, latest=latest)


def replan(
    instance: Instance, plan: Plan, assessor_id: str, day: date, seconds: float = 5.0
) -> Replanned:
    started = time.perf_counter()
    changed = cancel_day(instance, assessor_id, day)
    diary = Diary(changed)
    current: dict[str, Assignment] = {}
    displaced: list[Method] = []
    for a in plan.assignments:
        if a.assessor == assessor_id and a.day == day:
            displaced.append(changed.methods[a.method])
        else:
            diary.add(changed.methods[a.method], a.assessor, a.day, a.start)
            current[a.method] = a
    for method in edf_order(changed, displaced):
        placed = place_one(changed, diary, _bounded(changed, diary, method))
        if placed is None and time.perf_counter() - started < seconds:
            placed = _with_one_move(changed, diary, method, current)
        if placed is not None:
            current[method.id] = placed
    moved = sum(
        1
        for a in plan.assignments
        if a.method in current
        and current[a.method] != a
        and not (a.assessor == assessor_id and a.day == day)
    )
    new_plan = build_plan(changed, list(current.values()))
    return Replanned(
        changed,
        new_plan,
        len(displaced),
        moved,
        sum(1 for m in displaced if m.id not in current),
        time.perf_counter() - started,
    )


def _with_one_move(
    instance: Instance, diary: Diary, method: Method, current: dict[str, Assignment]
) -> Assignment | None:
    """Free room for `method` by moving one booking of a capable assessor elsewhere."""
    bounded = _bounded(instance, diary, method)
    first = bounded.earliest
    if method.after is not None:
        before = diary.days.get(method.after)
        if before is None:
            return None
        first = max(first, before + timedelta(days=1))
    for a_id in method.eligible:
        assessor = instance.assessors[a_id]
        if not instance.can_assess(assessor, method):
            continue
        d = first
        while d <= bounded.latest:
            for slot in list(diary.slots.get((a_id, d), [])):
                other = current.get(slot.label)
                if other is None:
                    continue  # an existing booking: never moved
                other_method = instance.methods[other.method]
                diary.remove(other_method, a_id, d)
                start = diary.first_start(assessor, d, method)
                if start is not None:
                    diary.add(method, a_id, d, start)
                    moved = place_one(instance, diary, _bounded(instance, diary, other_method))
                    if moved is not None:
                        current[other.method] = moved
                        return Assignment(method.id, a_id, d, start)
                    diary.remove(method, a_id, d)
                diary.add(other_method, a_id, d, other.start)
            d += timedelta(days=1)
    return None
