"""Making a proposal's lines in the worker: the engine's plan (or re-plan) for the EPAO's
real data, checked by the independent checker, each placement explained.

Also the check an admin's edit must pass: the proposal's lines as a plan, with the edit,
checked against the instance as the database stands now."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from openepa.planner.explain import humanise, why_assessor, why_day
from openepa.planner.models import Proposal, ProposalLine
from openepa.planner.planning import (
    Built,
    MethodInfo,
    build_instance,
    build_replan_instance,
)
from openepa.scheduling.check import Violation, check_plan
from openepa.scheduling.engine import build_plan, schedule
from openepa.scheduling.instance import Instance
from openepa.scheduling.plan import Assignment, Plan
from openepa.scheduling.replan import cancel_day, replan


def weekly_overflow(
    instance: Instance,
    assignments: list[Assignment],
    caps: dict[str, tuple[int, int]],
    last: str = "",
) -> set[str]:
    """The placements beyond an assessor's weekly number of assessments or minutes (issue
    16 §1: a daily and weekly capacity), counting the bookings already made first and the
    placements in time order (`last`, an edited line, after all the others); a discussion
    whose observation is taken out goes with it."""
    used: dict[tuple[str, date], list[int]] = {}
    for e in instance.existing:
        week = e.day - timedelta(days=e.day.weekday())
        slot = used.setdefault((e.assessor, week), [0, 0])
        slot[0], slot[1] = slot[0] + 1, slot[1] + e.duration
    out: set[str] = set()
    for a in sorted(assignments, key=lambda a: (a.method == last, a.day, a.start, a.method)):
        if a.assessor not in caps:
            continue
        count, minutes = caps[a.assessor]
        week = a.day - timedelta(days=a.day.weekday())
        slot = used.setdefault((a.assessor, week), [0, 0])
        duration = instance.methods[a.method].duration
        if slot[0] + 1 > count or slot[1] + duration > minutes:
            out.add(a.method)
            continue
        slot[0], slot[1] = slot[0] + 1, slot[1] + duration
    for a in assignments:
        if instance.methods[a.method].after in out:
            out.add(a.method)
    return out


WEEK_FULL = "the assessor's weekly capacity is full that week, and no other place was found"


class CheckerRefused(Exception):
    """The independent checker found violations: the proposal is never shown."""


def moment(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


def _line(proposal: Proposal, info: MethodInfo, **fields: object) -> ProposalLine:
    return ProposalLine(
        proposal=proposal,
        key=info.key,
        enrolment_id=info.enrolment_id,
        method=info.method,
        duration_minutes=info.duration,
        remote=info.remote,
        venue=info.venue,
        region=info.region or "",
        moves_id=info.booking_id,
        **fields,
    )


def _placed_lines(
    proposal: Proposal, built: Built, assignments: list[Assignment], **extra: object
) -> list[ProposalLine]:
    days = {a.method: a.day for a in assignments}
    days.update({e.method: e.day for e in built.instance.existing})
    load: Counter[str] = Counter()
    out = []
    for a in sorted(assignments, key=lambda a: (a.day, a.start, a.assessor)):
        info = built.methods[a.method]
        load[a.assessor] += 1
        after = built.instance.methods[a.method].after
        out.append(
            _line(
                proposal,
                info,
                assessor_id=int(a.assessor),
                starts_at=moment(a.day, a.start),
                why_assessor=why_assessor(built, a, load),
                why_day=why_day(info, a.day, days.get(after) if after else None, a.start),
                **extra,
            )
        )
    return out


def _not_plannable_lines(proposal: Proposal, built: Built) -> list[ProposalLine]:
    return [
        ProposalLine(
            proposal=proposal,
            key=f"e{n.enrolment_id}-{n.method}",
            enrolment_id=n.enrolment_id,
            method=n.method,
            duration_minutes=0,
            remote=n.remote,
            region=n.region or "",
            reason=n.reason[:1].upper() + n.reason[1:] + ".",
            moves_id=n.booking_id,
            status=ProposalLine.Status.UNPLACED,
        )
        for n in built.not_plannable
    ]


def make_plan(proposal: Proposal) -> tuple[list[ProposalLine], dict[str, object]]:
    built = build_instance(
        proposal.epao_id, proposal.first_day, proposal.last_day, proposal.time_limit_s
    )
    if not built.instance.methods:
        plan = Plan([], [], {"methods": 0, "placed": 0, "engine": "none"})
    else:
        plan = schedule(built.instance, seconds=float(proposal.time_limit_s), workers=1)
    over = weekly_overflow(built.instance, plan.assignments, built.week_caps)
    kept = [a for a in plan.assignments if a.method not in over]
    lines = _placed_lines(proposal, built, kept)
    for key in sorted(over):
        lines.append(
            _line(
                proposal,
                built.methods[key],
                status=ProposalLine.Status.UNPLACED,
                reason=WEEK_FULL[:1].upper() + WEEK_FULL[1:] + ".",
            )
        )
    for u in plan.unplaced:
        info = built.methods[u.method]
        reason = humanise(u.reason, built)
        lines.append(
            _line(
                proposal,
                info,
                status=ProposalLine.Status.UNPLACED,
                reason=reason[:1].upper() + reason[1:] + ".",
            )
        )
    lines += _not_plannable_lines(proposal, built)
    summary = {
        **plan.summary,
        "ready": len(built.instance.methods) + len(built.not_plannable),
        "placed": len(kept),
    }
    return lines, summary


def _replan_instance(proposal: Proposal) -> tuple[Built, dict[str, tuple[str, date, int]]]:
    return build_replan_instance(proposal.epao_id, proposal.first_day, proposal.last_day)


def make_replan(proposal: Proposal) -> tuple[list[ProposalLine], dict[str, object]]:
    assert proposal.cancelled_assessor_id is not None
    assert proposal.cancelled_day is not None
    built, current = _replan_instance(proposal)
    aid, day = str(proposal.cancelled_assessor_id), proposal.cancelled_day
    before = Plan([Assignment(k, a, d, s) for k, (a, d, s) in current.items()], [])
    result = replan(built.instance, before, aid, day, seconds=5.0)
    now = {a.method: a for a in result.plan.assignments}
    changed = [
        a for a in result.plan.assignments if (a.assessor, a.day, a.start) != current[a.method]
    ]
    keys = {a.method for a in changed} | {u.method for u in result.plan.unplaced}
    violations = [v for v in check_plan(result.instance, result.plan) if v.method in keys]
    if violations:
        raise CheckerRefused("; ".join(v.message for v in violations[:5]))
    displaced = {k for k, (a, d, _) in current.items() if a == aid and d == day}
    built.instance = result.instance
    lines = []
    for a in changed:
        lines += _placed_lines(proposal, built, [a], displaced=a.method in displaced)
    for k in sorted(displaced - set(now)):
        reason = next(
            (u.reason for u in result.plan.unplaced if u.method == k), "no other place found"
        )
        reason = humanise(reason, built)
        lines.append(
            _line(
                proposal,
                built.methods[k],
                status=ProposalLine.Status.UNPLACED,
                displaced=True,
                reason=reason[:1].upper() + reason[1:] + ": reschedule or cancel it by hand.",
            )
        )
    summary: dict[str, object] = {
        "displaced": result.displaced,
        "moved": result.moved,
        "unplaced": result.unplaced,
        "seconds": round(result.seconds, 2),
        "engine": "re-plan",
    }
    return lines, summary


@dataclass(frozen=True)
class Edit:
    line_id: int
    assessor_id: int
    starts_at: datetime


def _instance_and_base(
    proposal: Proposal,
) -> tuple[Instance, dict[str, Assignment], dict[str, tuple[int, int]]]:
    """The instance the proposal's lines are checked against, the bookings that stay where
    they are (re-planning only) and the assessors' weekly capacities."""
    if proposal.kind == Proposal.Kind.PLAN:
        built = build_instance(proposal.epao_id, proposal.first_day, proposal.last_day)
        return built.instance, {}, built.week_caps
    built, current = _replan_instance(proposal)
    assert proposal.cancelled_assessor_id is not None
    assert proposal.cancelled_day is not None
    instance = cancel_day(
        built.instance, str(proposal.cancelled_assessor_id), proposal.cancelled_day
    )
    base = {k: Assignment(k, a, d, s) for k, (a, d, s) in current.items()}
    return instance, base, built.week_caps


def check_with_edit(proposal: Proposal, lines: list[ProposalLine], edit: Edit) -> list[Violation]:
    """The independent checker's verdict on the edited line, given every other proposed
    line and the bookings as they stand now."""
    instance, base, caps = _instance_and_base(proposal)
    chosen = dict(base)
    edited_key = ""
    for line in lines:
        if line.status != ProposalLine.Status.PROPOSED and line.pk != edit.line_id:
            continue
        when, assessor = line.starts_at, line.assessor_id
        if line.pk == edit.line_id:
            when, assessor, edited_key = edit.starts_at, edit.assessor_id, line.key
        if when is None or assessor is None or line.key not in instance.methods:
            continue
        local = timezone.localtime(when)
        chosen[line.key] = Assignment(
            line.key, str(assessor), local.date(), local.hour * 60 + local.minute
        )
    if edited_key not in instance.methods:
        return [Violation(edited_key, "gone", "this method is no longer ready to book")]
    plan = build_plan(instance, list(chosen.values()))
    found = [v for v in check_plan(instance, plan) if v.method == edited_key]
    if not found and edited_key in weekly_overflow(
        instance, list(chosen.values()), caps, last=edited_key
    ):
        found.append(Violation(edited_key, "weekly", "weekly capacity"))
    return found
