"""Writes for scheduling proposals: ask for a plan or a re-plan (run in the worker), edit
or drop a line, and apply the proposal.

Applying books each line through the booking form's own action
(openepa.bookings.actions.do_book_assessment, or do_reschedule_booking for a re-plan's
moves): one transaction per booking, every rule checked again, every refusal kept on its
line; a refused line leaves nothing behind, and the lines booked stand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.accounts.roles import is_epao_admin
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.dates import long_date
from openepa.planner.models import Proposal, ProposalLine
from openepa.planner.run import Edit, check_with_edit
from openepa.planner.tasks import apply_proposal, make_proposal
from openepa.scheduling.check import Violation

MAX_DAYS = 92
MAX_SECONDS = 120
#: Re-planning looks this far past the cancelled day for new places.
REPLAN_DAYS = 21

RULE_WORDS = {
    "eligibility": "the assessor cannot be allocated on that day (competence, qualification, standardisation or availability)",
    "conflict": "the assessor has declared a conflict of interest with the apprentice, employer or provider",
    "region": "the assessor does not cover the workplace's region in person",
    "remote": "the assessor does not assess remotely",
    "window": "the day is outside the method's window (notice, EPA window or the horizon)",
    "grid": "start times are on a 5-minute boundary",
    "availability": "the assessor is not working for the whole assessment at that time",
    "overlap": "the assessor has another assessment at that time",
    "travel": "there is not enough time to travel between the assessor's in-person assessments",
    "daily-count": "the assessor would have more assessments that day than their capacity",
    "daily-minutes": "the assessor would have more minutes of assessment that day than their capacity",
    "weekly": "the assessor would have more assessments or minutes that week than their capacity",
    "after": "the practical observation must come on an earlier day than the professional discussion",
    "gone": "this method is no longer ready to book (booked since, or its enrolment changed)",
}


def _require_admin(actor: User, epao_id: int) -> None:
    if not is_epao_admin(actor, epao_id):
        raise ActionRefused("Only the EPAO's admins schedule assessments.")


def _queue(proposal: Proposal) -> None:
    transaction.on_commit(partial(make_proposal.enqueue, proposal.pk))


def do_request_plan(
    *, actor: User, epao_id: int, first: date, last: date, seconds: int
) -> Proposal:
    """Queue the optimiser for the methods ready to book between `first` and `last`."""
    _require_admin(actor, epao_id)
    if first <= timezone.localdate():
        raise ActionRefused("The horizon starts tomorrow at the earliest.", field="first_day")
    if last < first:
        raise ActionRefused("The last day must not be before the first day.", field="last_day")
    if (last - first).days >= MAX_DAYS:
        raise ActionRefused(
            f"Plan at most {MAX_DAYS} days at a time (about 3 months).", field="last_day"
        )
    if not 5 <= seconds <= MAX_SECONDS:
        raise ActionRefused(
            f"Give the time limit in seconds, from 5 to {MAX_SECONDS}.", field="seconds"
        )
    with transaction.atomic():
        proposal = Proposal.objects.create(
            epao_id=epao_id, first_day=first, last_day=last, time_limit_s=seconds, created_by=actor
        )
        _queue(proposal)
    return proposal


def do_request_replan(*, actor: User, epao_id: int, assessor_id: int, day: date) -> Proposal:
    """The assessor cannot work on `day`: queue a re-plan of their bookings that day,
    moving as few others as possible."""
    _require_admin(actor, epao_id)
    if day <= timezone.localdate():
        raise ActionRefused("Choose a day from tomorrow on.", field="day")
    if not Membership.objects.filter(
        user_id=assessor_id, organisation_id=epao_id, role=Role.ASSESSOR
    ).exists():
        raise ActionRefused("Choose one of the EPAO's assessors.", field="assessor")
    first = max(timezone.localdate() + timedelta(days=1), day - timedelta(days=REPLAN_DAYS))
    with transaction.atomic():
        proposal = Proposal.objects.create(
            epao_id=epao_id,
            kind=Proposal.Kind.REPLAN,
            first_day=first,
            last_day=day + timedelta(days=REPLAN_DAYS),
            time_limit_s=5,
            cancelled_assessor_id=assessor_id,
            cancelled_day=day,
            created_by=actor,
        )
        _queue(proposal)
    return proposal


def _locked(actor: User, proposal_id: int, expected_version: int | None) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    _require_admin(actor, proposal.epao_id)
    check_version(proposal.version, expected_version)
    if proposal.status != Proposal.Status.READY:
        raise ActionRefused(
            f"This proposal is {proposal.get_status_display().lower()}: only a proposal "
            "ready to review can be changed or applied."
        )
    return proposal


def _bump(proposal: Proposal) -> None:
    proposal.version += 1
    proposal.save(update_fields=["version", "status", "finished_at"])


def violation_words(violations: list[Violation]) -> str:
    reasons = list(dict.fromkeys(RULE_WORDS.get(v.rule, v.message) for v in violations))
    return "; ".join(reasons)


def do_edit_line(
    *,
    actor: User,
    line_id: int,
    assessor_id: int,
    starts_at: datetime,
    expected_version: int | None = None,
) -> ProposalLine:
    """Give a line another assessor, day or time: accepted only when the independent
    checker finds nothing wrong with it among the other lines and today's bookings."""
    with transaction.atomic():
        proposal_id = ProposalLine.objects.values_list("proposal_id", flat=True).get(pk=line_id)
        proposal = _locked(actor, proposal_id, expected_version)
        lines = list(proposal.lines.all())
        line = next(x for x in lines if x.pk == line_id)
        if line.status not in {ProposalLine.Status.PROPOSED, ProposalLine.Status.DROPPED}:
            raise ActionRefused("Only a proposed or dropped line can be changed.")
        violations = check_with_edit(proposal, lines, Edit(line_id, assessor_id, starts_at))
        if violations:
            raise ActionRefused(
                f"The checker refuses this change: {violation_words(violations)}.",
                field="starts_at",
            )
        line.assessor_id = assessor_id
        line.starts_at = starts_at
        line.status = ProposalLine.Status.PROPOSED
        line.why_assessor = "Chosen by an admin; the checker accepted it."
        line.why_day = f"Chosen by an admin: {long_date(timezone.localdate(starts_at))}."
        line.save()
        _bump(proposal)
    return line


def do_drop_line(*, actor: User, line_id: int, expected_version: int | None = None) -> ProposalLine:
    """Leave a line out when the proposal is applied (it can be changed back in)."""
    with transaction.atomic():
        proposal_id = ProposalLine.objects.values_list("proposal_id", flat=True).get(pk=line_id)
        proposal = _locked(actor, proposal_id, expected_version)
        line = proposal.lines.select_for_update().get(pk=line_id)
        if line.status != ProposalLine.Status.PROPOSED:
            raise ActionRefused("Only a proposed line can be dropped.")
        line.status = ProposalLine.Status.DROPPED
        line.save(update_fields=["status"])
        _bump(proposal)
    return line


def do_apply(*, actor: User, proposal_id: int, expected_version: int | None = None) -> Proposal:
    """Queue the booking of every proposed line (openepa.planner.tasks.apply_proposal): the
    proposal is marked as being applied at once, so it can never be applied twice."""
    with transaction.atomic():
        proposal = _locked(actor, proposal_id, expected_version)
        proposal.status = Proposal.Status.APPLYING
        proposal.applied_by = actor
        proposal.version += 1
        proposal.save(update_fields=["status", "applied_by", "version"])
        transaction.on_commit(partial(apply_proposal.enqueue, proposal.pk))
    return proposal
