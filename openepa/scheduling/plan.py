"""A plan: one assessor, day and start time per placed method, a reason per unplaced one,
and the published JSON format both ways (issue 19, "Output")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openepa.domain.jsontypes import Json, as_json_object
from openepa.scheduling.instance import (
    Instance,
    InstanceError,
    _date,
    _list,
    _obj,
    _str,
    _time,
    clock,
)


@dataclass(frozen=True)
class Assignment:
    method: str
    assessor: str
    day: date
    start: int


@dataclass(frozen=True)
class Unplaced:
    method: str
    reason: str


@dataclass
class Plan:
    assignments: list[Assignment]
    unplaced: list[Unplaced]
    summary: dict[str, Any] = field(default_factory=dict)  # read by tests and the benchmark


def travel_minutes(instance: Instance, assignments: list[Assignment]) -> int:
    """The round trip from home to the method's region and back, for each in-person
    assignment (issue 19)."""
    total = 0
    for a in assignments:
        method = instance.methods[a.method]
        if method.in_person and method.region is not None:
            total += instance.round_trip(instance.assessors[a.assessor], method.region)
    return total


def max_load(assignments: list[Assignment]) -> int:
    counts = Counter(a.assessor for a in assignments)
    return max(counts.values(), default=0)


def sort_plan(instance: Instance, plan: Plan) -> Plan:
    order = instance.order
    plan.assignments.sort(key=lambda a: (a.day, a.assessor, a.start, order.get(a.method, 0)))
    plan.unplaced.sort(key=lambda u: order.get(u.method, 0))
    return plan


def plan_json(plan: Plan) -> dict[str, Json]:
    return {
        "assignments": [
            {
                "method": a.method,
                "assessor": a.assessor,
                "date": a.day.isoformat(),
                "start": clock(a.start),
            }
            for a in plan.assignments
        ],
        "unplaced": [{"method": u.method, "reason": u.reason} for u in plan.unplaced],
        "summary": plan.summary,
    }


def read_plan(raw: object) -> Plan:
    """Read a plan in the output format (for `--check`); only its shape is checked here,
    the rules are the checker's."""
    data = _obj(raw, "plan")
    assignments: list[Assignment] = []
    for i, item in enumerate(_list(data.get("assignments", []), "assignments")):
        where = f"assignments[{i}]"
        item = _obj(item, where)
        assignments.append(
            Assignment(
                method=_str(item, "method", where),
                assessor=_str(item, "assessor", where),
                day=_date(item.get("date"), f"{where}.date"),
                start=_time(item.get("start"), f"{where}.start"),
            )
        )
    unplaced: list[Unplaced] = []
    for i, item in enumerate(_list(data.get("unplaced", []), "unplaced")):
        where = f"unplaced[{i}]"
        item = _obj(item, where)
        reason = item.get("reason", "")
        if not isinstance(reason, str):
            raise InstanceError(f"{where}.reason", "must be a string")
        unplaced.append(Unplaced(_str(item, "method", where), reason))
    summary = data.get("summary", {})
    try:
        checked = as_json_object(summary, "summary") if summary is not None else {}
    except TypeError:
        raise InstanceError("summary", "must be an object") from None
    return Plan(assignments, unplaced, checked)
