"""Applying a proposal in the worker: each proposed line booked through the booking form's
own action (openepa.bookings.actions.do_book_assessment, or do_reschedule_booking for a
re-plan's moves), one transaction per booking, every rule checked again; a refusal is kept
on its line and the others stand. Lines already booked or refused are not tried again, so
running it twice has one effect."""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.bookings.actions import do_book_assessment, do_reschedule_booking
from openepa.bookings.rules import Proposal as BookingProposal
from openepa.core.refusals import ActionRefused
from openepa.domain.dates import long_date
from openepa.planner.models import Proposal, ProposalLine


def _book(actor: User, proposal: Proposal, line: ProposalLine) -> None:
    assert line.starts_at is not None
    assert line.assessor_id is not None
    if line.moves_id is not None:
        booking = do_reschedule_booking(
            actor=actor,
            booking_id=line.moves_id,
            starts_at=line.starts_at,
            duration_minutes=line.duration_minutes,
            assessor_id=line.assessor_id,
            remote=line.remote,
            venue=line.venue,
            reason=_replan_reason(proposal, line),
        )
    else:
        booking = do_book_assessment(
            actor=actor,
            enrolment_id=line.enrolment_id,
            proposal=BookingProposal(
                method=line.method,
                kind="first",
                starts_at=line.starts_at,
                duration_minutes=line.duration_minutes,
                assessor_id=line.assessor_id,
                remote=line.remote,
                venue=line.venue,
            ),
        )
    line.booking = booking
    line.status = ProposalLine.Status.BOOKED
    line.outcome = f"Booked: {booking}."


def _replan_reason(proposal: Proposal, line: ProposalLine) -> str:
    assert proposal.cancelled_day is not None
    who = proposal.cancelled_assessor
    day = long_date(proposal.cancelled_day)
    if line.displaced:
        return f"Re-planned: {who} cannot work on {day}."
    return f"Re-planned to make room after {who} cannot work on {day}."


def book_lines(proposal: Proposal) -> tuple[int, int]:
    """Book every line still proposed, in time order (so each observation is booked before
    its discussion; a re-plan's moves to make room go before the displaced bookings), each
    in its own transaction through the booking action. Returns (booked, refused)."""
    actor = proposal.applied_by
    assert actor is not None
    lines = list(
        proposal.lines.filter(status=ProposalLine.Status.PROPOSED)
        .select_related("moves")
        .order_by("displaced", "starts_at", "id")
    )
    booked = refused = 0
    for line in lines:
        try:
            _book(actor, proposal, line)
            booked += 1
        except ActionRefused as refusal:
            line.status = ProposalLine.Status.REFUSED
            line.outcome = refusal.message
            refused += 1
        line.save(update_fields=["status", "outcome", "booking"])
    return booked, refused
