"""The independent checker: every rule of the instance format, re-derived from the
instance alone and applied to a plan (issue 19; issue 16 §5 "Engine").

Written apart from the planners on purpose: it shares no helper with `greedy` or `cpsat`
beyond reading the instance, so a mistake in a planner's model is not repeated here.
Preferred dates and times are wishes, not rules: missing them is no violation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from openepa.scheduling.instance import GRID_MIN, IN_PERSON, Instance, clock
from openepa.scheduling.plan import Assignment, Plan


@dataclass(frozen=True)
class Violation:
    method: str
    rule: str
    message: str


@dataclass(frozen=True)
class _Booked:
    """One occupied stretch of an assessor's day: a planned method or an existing booking."""

    label: str
    planned: bool
    start: int
    end: int
    region: str | None  # set only for in-person work, where travel gaps apply


def check_plan(instance: Instance, plan: Plan) -> list[Violation]:
    out: list[Violation] = []
    placed = _check_coverage(instance, plan, out)
    per_day: dict[tuple[str, date], list[_Booked]] = defaultdict(list)
    for e in instance.existing:
        region = e.region if e.mode == IN_PERSON else None
        per_day[(e.assessor, e.day)].append(_Booked(e.method, False, e.start, e.end, region))
    for a in placed:
        _check_assignment(instance, a, out)
        m = instance.methods[a.method]
        if a.assessor in instance.assessors:
            region = m.region if m.mode == IN_PERSON else None
            per_day[(a.assessor, a.day)].append(
                _Booked(a.method, True, a.start, a.start + m.duration, region)
            )
    for (assessor, day), booked in per_day.items():
        if any(b.planned for b in booked):
            _check_day(instance, assessor, day, booked, out)
    _check_after(instance, placed, out)
    _check_summary(instance, plan, placed, out)
    return out


def _check_coverage(instance: Instance, plan: Plan, out: list[Violation]) -> list[Assignment]:
    """Each method of the instance appears exactly once: assigned or unplaced."""
    seen: dict[str, int] = defaultdict(int)
    placed: list[Assignment] = []
    for a in plan.assignments:
        seen[a.method] += 1
        if a.method not in instance.methods:
            out.append(
                Violation(a.method, "unknown-method", f"{a.method} is not a method of the instance")
            )
            continue
        if seen[a.method] == 1:
            placed.append(a)
    for u in plan.unplaced:
        seen[u.method] += 1
        if u.method not in instance.methods:
            out.append(
                Violation(u.method, "unknown-method", f"{u.method} is not a method of the instance")
            )
    for mid in instance.methods:
        if seen[mid] == 0:
            out.append(
                Violation(mid, "missing", f"{mid} is neither assigned nor listed as unplaced")
            )
        elif seen[mid] > 1:
            out.append(Violation(mid, "duplicate", f"{mid} appears {seen[mid]} times in the plan"))
    return placed


def _check_assignment(instance: Instance, a: Assignment, out: list[Violation]) -> None:
    m = instance.methods[a.method]
    assessor = instance.assessors.get(a.assessor)

    def bad(rule: str, message: str) -> None:
        out.append(Violation(a.method, rule, message))

    if assessor is None:
        bad("unknown-assessor", f"{a.method}: {a.assessor} is not an assessor of the instance")
        return
    if a.assessor not in m.eligible:
        bad("eligibility", f"{a.method}: {a.assessor} is not on its eligible list")
    if m.apprentice in assessor.conflicts:
        bad("conflict", f"{a.method}: {a.assessor} has a conflict of interest with {m.apprentice}")
    if m.mode == IN_PERSON and m.region not in assessor.regions:
        bad("region", f"{a.method}: {a.assessor} does not cover {m.region} in person")
    if m.mode != IN_PERSON and not assessor.remote:
        bad("remote", f"{a.method}: {a.assessor} does not assess remotely")
    if not m.earliest <= a.day <= m.latest:
        bad(
            "window",
            f"{a.method}: {a.day.isoformat()} is outside its window "
            f"{m.earliest.isoformat()} to {m.latest.isoformat()}",
        )
    if a.start % GRID_MIN:
        bad("grid", f"{a.method}: start {clock(a.start)} is not on the {GRID_MIN}-minute grid")
    end = a.start + m.duration
    if not any(w.day == a.day and w.start <= a.start and end <= w.end for w in assessor.available):
        bad(
            "availability",
            f"{a.method}: {a.assessor} is not available {a.day.isoformat()} "
            f"{clock(a.start)}–{clock(end)} (it must fit inside one availability window)",
        )


def _check_day(
    instance: Instance, assessor_id: str, day: date, booked: list[_Booked], out: list[Violation]
) -> None:
    assessor = instance.assessors[assessor_id]
    booked = sorted(booked, key=lambda b: (b.start, b.end))
    when = f"{assessor_id} on {day.isoformat()}"
    for i, first in enumerate(booked):
        for second in booked[i + 1 :]:
            if not (first.planned or second.planned):
                continue  # two existing bookings are the instance's business, not the plan's
            blame = second.label if second.planned else first.label
            if second.start < first.end:
                out.append(
                    Violation(blame, "overlap", f"{when}: {first.label} and {second.label} overlap")
                )
            elif first.region and second.region and first.region != second.region:
                need = instance.travel[first.region][second.region]
                if second.start - first.end < need:
                    out.append(
                        Violation(
                            blame,
                            "travel",
                            f"{when}: {second.start - first.end} minutes between {first.label} "
                            f"({first.region}) and {second.label} ({second.region}); "
                            f"travel needs {need}",
                        )
                    )
    label = next(b.label for b in booked if b.planned)
    if len(booked) > assessor.max_per_day:
        out.append(
            Violation(
                label,
                "daily-count",
                f"{when}: {len(booked)} assessments, more than the limit of {assessor.max_per_day}",
            )
        )
    total = sum(b.end - b.start for b in booked)
    if total > assessor.max_minutes_per_day:
        out.append(
            Violation(
                label,
                "daily-minutes",
                f"{when}: {total} minutes of assessment, more than the limit of "
                f"{assessor.max_minutes_per_day}",
            )
        )


def _check_after(instance: Instance, placed: list[Assignment], out: list[Violation]) -> None:
    """`after` names a method that must end on an earlier day (the practical observation
    before the professional discussion)."""
    days = {e.method: e.day for e in instance.existing}
    days.update({a.method: a.day for a in placed})
    for a in placed:
        before = instance.methods[a.method].after
        if before is None:
            continue
        if before not in days:
            out.append(
                Violation(
                    a.method,
                    "after",
                    f"{a.method} is placed but {before}, which must come first, is not",
                )
            )
        elif days[before] >= a.day:
            out.append(
                Violation(
                    a.method,
                    "after",
                    f"{a.method} on {a.day.isoformat()} must be on a later day than {before} "
                    f"({days[before].isoformat()})",
                )
            )


def _check_summary(
    instance: Instance, plan: Plan, placed: list[Assignment], out: list[Violation]
) -> None:
    """The summary's counts, when given, must be those of the plan."""
    expected = {
        "methods": len(instance.methods),
        "placed": len(placed),
        "travel_minutes": _travel(instance, placed),
    }
    for key, value in expected.items():
        if key in plan.summary and plan.summary[key] != value:
            out.append(
                Violation(
                    "",
                    "summary",
                    f"summary.{key} is {plan.summary[key]} but the plan gives {value}",
                )
            )


def _travel(instance: Instance, placed: list[Assignment]) -> int:
    """Home to the method's region and back, per in-person assignment (issue 19)."""
    total = 0
    for a in placed:
        m = instance.methods[a.method]
        assessor = instance.assessors.get(a.assessor)
        if m.mode == IN_PERSON and m.region is not None and assessor is not None:
            home = assessor.home_region
            total += instance.travel[home][m.region] + instance.travel[m.region][home]
    return total
