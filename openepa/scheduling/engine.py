"""One entry point for a plan: the greedy plan first, then the CP-SAT optimiser warm-started
from it, the better of the two (never fewer methods placed than greedy), checked by the
independent checker before anyone sees it (issue 16 §5, issue 19)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from openepa.scheduling.check import Violation, check_plan
from openepa.scheduling.greedy import greedy, unplaced_reason
from openepa.scheduling.instance import Instance
from openepa.scheduling.plan import Assignment, Plan, Unplaced, max_load, sort_plan, travel_minutes

if TYPE_CHECKING:
    from openepa.scheduling.cpsat import PartResult


class PlanRejected(Exception):
    """The checker found violations in every plan the engines made: a bug, never shown."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(v.message for v in violations[:5]))
        self.violations = violations


def build_plan(instance: Instance, assignments: list[Assignment]) -> Plan:
    placed = {a.method for a in assignments}
    days = {e.method: e.day for e in instance.existing}
    days.update({a.method: a.day for a in assignments})
    unplaced = [
        Unplaced(m.id, unplaced_reason(instance, m, days))
        for m in instance.methods.values()
        if m.id not in placed
    ]
    return sort_plan(instance, Plan(list(assignments), unplaced))


def schedule(
    instance: Instance,
    *,
    engine: str = "cp-sat",
    seconds: float | None = None,
    workers: int = 2,
    parts: list[PartResult] | None = None,
) -> Plan:
    """`seconds` bounds the whole run, model building included (the instance's
    `time_limit_s` by default); `parts`, when given, receives the optimiser's report per
    part (for the benchmark)."""
    started = time.perf_counter()
    limit = instance.time_limit_s if seconds is None else seconds
    greedy_assignments, _ = greedy(instance)
    greedy_plan = build_plan(instance, greedy_assignments)
    chosen, used, bound = greedy_plan, "greedy", None
    if engine == "cp-sat":
        from openepa.scheduling import cpsat  # OR-Tools loads only when a plan is asked for

        # A tenth of the time is kept back for the last part's model and the checks.
        remaining = max(0.5, 0.9 * limit - (time.perf_counter() - started))
        result = cpsat.solve(instance, greedy_assignments, remaining, workers)
        if parts is not None:
            parts.extend(result.parts)
        optimised = build_plan(instance, result.assignments)
        bound = result.travel_bound
        if len(optimised.assignments) >= len(greedy_assignments) and not check_plan(
            instance, optimised
        ):
            chosen, used = optimised, "cp-sat"
    violations = check_plan(instance, chosen)
    if violations:
        raise PlanRejected(violations)
    chosen.summary = {
        "methods": len(instance.methods),
        "placed": len(chosen.assignments),
        "travel_minutes": travel_minutes(instance, chosen.assignments),
        "max_assessor_load": max_load(chosen.assignments),
        "greedy": {
            "placed": len(greedy_assignments),
            "travel_minutes": travel_minutes(instance, greedy_assignments),
        },
        "bound": {"travel_minutes": bound},
        "seconds": round(time.perf_counter() - started, 2),
        "engine": used,
    }
    return chosen
