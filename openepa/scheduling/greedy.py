"""The greedy earliest-deadline-first planner (issue 16 §5 "Engine"): the optimiser's warm
start and its fallback.

Methods are taken by their latest date (then earliest, then input order), a method's
`after` first; each goes on the first day it can (a preferred date first), with the
capable assessor who travels least and, on a tie, has the least work so far.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from openepa.scheduling.diary import Diary
from openepa.scheduling.instance import Instance, Method
from openepa.scheduling.plan import Assignment


def edf_order(instance: Instance, methods: Iterable[Method]) -> list[Method]:
    return sorted(methods, key=lambda m: (m.latest, m.earliest, instance.order.get(m.id, 0)))


def candidate_days(method: Method, first: date) -> list[date]:
    """Preferred dates first, then every day of the window from `first` on."""
    days = [p.day for p in method.preferred if first <= p.day <= method.latest]
    span = (method.latest - first).days + 1
    days += [first + timedelta(days=i) for i in range(max(span, 0))]
    return list(dict.fromkeys(days))


def first_day(diary: Diary, method: Method) -> date | None:
    """The first day the method may take: after its `after` method's day. None when that
    method is not placed (so this one cannot be)."""
    if method.after is None:
        return method.earliest
    before = diary.days.get(method.after)
    if before is None:
        return None
    return max(method.earliest, before + timedelta(days=1))


def place_one(instance: Instance, diary: Diary, method: Method) -> Assignment | None:
    first = first_day(diary, method)
    if first is None:
        return None
    capable = [
        instance.assessors[a]
        for a in method.eligible
        if instance.can_assess(instance.assessors[a], method)
    ]
    preferred = {p.day: p.start for p in method.preferred}
    for day in candidate_days(method, first):
        ranked = sorted(
            capable,
            key=lambda a: (
                instance.round_trip(a, method.region) if method.in_person and method.region else 0,
                diary.load[a.id],
                a.id,
            ),
        )
        for assessor in ranked:
            start = diary.first_start(assessor, day, method, preferred.get(day))
            if start is not None:
                diary.add(method, assessor.id, day, start)
                return Assignment(method.id, assessor.id, day, start)
    return None


def greedy(
    instance: Instance, methods: Iterable[Method] | None = None, diary: Diary | None = None
) -> tuple[list[Assignment], Diary]:
    """Place `methods` (all by default) into `diary` (a fresh one by default)."""
    diary = diary if diary is not None else Diary(instance)
    todo = edf_order(instance, instance.methods.values() if methods is None else methods)
    wanted = {m.id for m in todo}
    done: set[str] = set()
    out: list[Assignment] = []

    def visit(method: Method) -> None:
        if method.id in done:
            return
        done.add(method.id)
        if method.after in wanted:
            visit(instance.methods[method.after])
        placed = place_one(instance, diary, method)
        if placed is not None:
            out.append(placed)

    for method in todo:
        visit(method)
    return out, diary


#: how the reason for a method unplaced for want of time begins (others have no capable
#: assessor available at all, or follow such a method)
CROWDED = "every eligible assessor's available time"


def unplaced_reason(instance: Instance, method: Method, days: dict[str, date]) -> str:
    """Why a method could not be placed, in the admin's words."""
    window = f"between {method.earliest.isoformat()} and {method.latest.isoformat()}"
    if method.after is not None and method.after not in days:
        return f"{method.after}, which must come first, could not be placed"
    eligible = [instance.assessors[a] for a in method.eligible]
    free = [a for a in eligible if method.apprentice not in a.conflicts]
    if not free:
        return f"every eligible assessor has a conflict of interest with {method.apprentice}"
    if method.in_person:
        free = [a for a in free if method.region in a.regions]
        if not free:
            return f"no eligible assessor covers {method.region} in person"
    else:
        free = [a for a in free if a.remote]
        if not free:
            return "no eligible assessor assesses remotely"
    first = method.earliest
    if method.after is not None:
        first = max(first, days[method.after] + timedelta(days=1))
        if first > method.latest:
            return f"{method.after} is on {days[method.after].isoformat()}, too late to follow it {window}"
    if not any(
        first <= w.day <= method.latest and w.end - w.start >= method.duration
        for a in free
        for w in a.available
    ):
        return f"no eligible assessor is available {window}"
    return f"{CROWDED} {window} is taken (other bookings or daily limits)"
