"""Writes for planning and bookings: record the planning meeting, book, reschedule and
cancel assessments, and the assessor's conflict confirmations and declarations.

History is never rewritten: rescheduling cancels the old booking and creates a new one that
`replaces` it; cancelling frees the assessor's slots but keeps the row. Every write is one
transaction on the locked enrolment with a JourneyEvent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.bookings import hooks, reallocation, rules
from openepa.bookings.models import (
    SLOT_MINUTES,
    AssessorSlot,
    Booking,
    ConflictDeclaration,
    PlanningMeeting,
    PreferredSlot,
)
from openepa.bookings.queries import active_conflicts
from openepa.bookings.rules import Proposal
from openepa.core.refusals import ActionRefused
from openepa.domain.journey import Event, State
from openepa.domain.steps import BookingStep
from openepa.enrolments.journey import lock_enrolment, record, transition
from openepa.enrolments.models import Apprentice, Enrolment
from openepa.gateway.queries import rules_for
from openepa.organisations.models import Organisation

#: The checks each remote observation setting needs (seed 002 "Practical observation").
REMOTE_CHECKS = {
    "remote_desk": {
        "remote_camera": "a connected device with a camera",
        "remote_microphone": "a microphone",
        "remote_screen_sharing": "screen and audio sharing by web conferencing",
        "remote_two_way_interaction": "a way to show two-way interaction with customers",
        "remote_private_room": "a private room where they will not be disturbed",
    },
    "remote_non_desk": {
        "remote_camera": "a connected device with a forward-facing camera",
        "remote_microphone": "earphones or a microphone",
        "remote_reliable_internet": "a reliable internet connection where the observation happens",
        "remote_camera_person": "a workplace representative to act as camera person",
    },
}


def _require_admin(actor: User, enrolment: Enrolment) -> None:
    if not is_epao_admin(actor, enrolment.epao_id):
        raise ActionRefused("Only the EPAO's admins can plan and book assessments.")


@dataclass(frozen=True)
class PreferredTime:
    """A method's preferred date and start time as agreed at the planning meeting; either
    may be None (left empty)."""

    method: str
    day: date | None = None
    start: time | None = None


@dataclass(frozen=True)
class PlanningDetails:
    held_on: date
    arrangements: str
    facilities: str = ""
    resources: str = ""
    method_requirements_explained: bool = False
    feedback_certification_appeals_explained: bool = False
    observation_setting: str = "workplace"
    checks: frozenset[str] = frozenset()
    notes: str = ""
    preferred: tuple[PreferredTime, ...] = ()


def _check_planning(details: PlanningDetails) -> None:
    """Seed 000 §2.3: the meeting states each method's requirements and the arrangements,
    and explains feedback, certification and appeals. Seed 002: remote observation checks."""
    if details.held_on > timezone.localdate():
        raise ActionRefused("The planning meeting date cannot be in the future.", field="held_on")
    if not details.arrangements.strip():
        raise ActionRefused(
            "Record the access arrangements agreed (write 'none needed' if there are none).",
            field="arrangements",
        )
    if not details.method_requirements_explained:
        raise ActionRefused(
            "Confirm that each assessment method's requirements were explained.",
            field="method_requirements_explained",
        )
    if not details.feedback_certification_appeals_explained:
        raise ActionRefused(
            "Confirm that feedback, certification and the appeals process were explained.",
            field="feedback_certification_appeals_explained",
        )
    needed = REMOTE_CHECKS.get(details.observation_setting, {})
    missing = [words for code, words in needed.items() if code not in details.checks]
    if missing:
        raise ActionRefused(
            "A remote observation needs " + "; ".join(missing) + ". Confirm each, "
            "or plan the observation in person at the workplace.",
            field=next(code for code in needed if code not in details.checks),
        )


def _check_preferred(enrolment: Enrolment, preferred: tuple[PreferredTime, ...]) -> None:
    """Each preferred date (issue 16 §5) is today or later, inside the policy's EPA window
    when the window is binding (openepa.bookings.rules.epa_window_problem; an advisory one,
    seed 002, only warns when booking), and a start time comes with its date, on the
    booking grid."""
    _, policy = rules_for(enrolment)
    window = policy.epa_window
    for p in preferred:
        words = rules.METHOD_WORDS[p.method]
        if p.day is None:
            if p.start is not None:
                raise ActionRefused(
                    f"Give the preferred date for the {words} as well as its start time, "
                    "or leave the time empty.",
                    field=f"preferred_{p.method}_day",
                )
            continue
        if p.day < timezone.localdate():
            raise ActionRefused(
                f"The preferred date for the {words} cannot be in the past.",
                field=f"preferred_{p.method}_day",
            )
        moment = timezone.make_aware(datetime.combine(p.day, p.start or time(9)))
        problem = (
            rules.epa_window_problem(enrolment, policy, Proposal(p.method, "first", moment, 1, 0))
            if window is not None and not window.advisory
            else None
        )
        if problem:
            raise ActionRefused(
                f"The preferred date for the {words} must fall inside the EPA window: {problem}.",
                field=f"preferred_{p.method}_day",
            )
        if p.start is not None and (p.start.minute % SLOT_MINUTES or p.start.second):
            raise ActionRefused(
                f"Start times must be on a {SLOT_MINUTES}-minute boundary (for example 10:00 "
                f"or 10:05); {p.start:%H:%M} is not.",
                field=f"preferred_{p.method}_start",
            )


def do_record_planning_meeting(
    *,
    actor: User,
    enrolment_id: int,
    details: PlanningDetails,
    expected_version: int | None = None,
) -> PlanningMeeting:
    """Record the planning meeting after gateway is accepted (seed 000 §2.3)."""
    _check_planning(details)
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        _require_admin(actor, enrolment)
        accepted = enrolment.gateway_accepted_on
        if accepted is not None and details.held_on < accepted:
            raise ActionRefused(
                f"The planning meeting takes place once gateway is accepted: "
                f"gateway was accepted on {rules.day_words(accepted)}.",
                field="held_on",
            )
        _check_preferred(enrolment, details.preferred)
        all_checks = {code for checks in REMOTE_CHECKS.values() for code in checks}
        meeting = PlanningMeeting.objects.create(
            enrolment=enrolment,
            held_on=details.held_on,
            recorded_by=actor,
            arrangements=details.arrangements.strip(),
            facilities=details.facilities.strip(),
            resources=details.resources.strip(),
            method_requirements_explained=True,
            feedback_certification_appeals_explained=True,
            observation_setting=details.observation_setting,
            remote_observation_checked=details.observation_setting in REMOTE_CHECKS,
            notes=details.notes.strip(),
            **{code: code in details.checks for code in all_checks},
        )
        PreferredSlot.objects.bulk_create(
            PreferredSlot(meeting=meeting, method=p.method, day=p.day, start=p.start)
            for p in details.preferred
            if p.day is not None
        )
        transition(enrolment, Event.RECORD_PLANNING, actor=actor, data={"meeting": meeting.pk})
    return meeting


def _assessor_name(assessor_id: int) -> str:
    user = get_user_model().objects.filter(pk=assessor_id).first()
    return str(user) if user is not None else "The assessor"


def _create(
    actor: User, enrolment: Enrolment, p: Proposal, replaces: Booking | None
) -> tuple[Booking, str | None]:
    """Every rule, then the booking and its slots. Runs inside the caller's transaction on
    the locked enrolment; the first refusal rolls everything back. Returns the booking and
    the advisory EPA-window warning, if any (Highfield's window is a suggestion, seed 002)."""
    _, policy = rules_for(enrolment)
    rules.check_state(enrolment)
    name = _assessor_name(p.assessor_id)
    rules.check_assessor(enrolment, p, name)
    rules.check_diary(enrolment, p, name)
    rules.check_allocation(enrolment, p, name)
    rules.check_duration(policy, p)
    number = replaces.attempt_number if replaces else rules.attempt_number(enrolment, p, policy)
    if replaces is None:  # a reschedule keeps the attempt it was booked as
        rules.check_funded_attempts(enrolment, p, number)
    rules.check_resit_window(enrolment, policy, p)
    rules.check_one_pending(enrolment, p)
    problem = rules.epa_window_problem(enrolment, policy, p)
    window = policy.epa_window
    if problem and not (window and window.advisory):
        raise ActionRefused(f"{problem[:1].upper()}{problem[1:]}.", field="starts_at")
    rules.check_notice(enrolment, policy, p)
    rules.check_order(enrolment, p)
    rules.check_remote_observation(enrolment, p)
    rules.check_assessor_free(p, name)
    booking = Booking.objects.create(
        enrolment=enrolment,
        method=p.method,
        attempt_number=number,
        kind=p.kind,
        starts_at=p.starts_at,
        duration_minutes=p.duration_minutes,
        remote=p.remote,
        venue=p.venue.strip(),
        assessor_id=p.assessor_id,
        replaces=replaces,
        # The calendar event of a rescheduled booking keeps the chain's UID, one sequence on.
        series_id=replaces.series_id_or_own if replaces else None,
        sequence=replaces.sequence + 1 if replaces else 0,
        retake_checklist_confirmed=p.retake_checklist_confirmed,
        further_learning_summary=p.further_learning_summary.strip(),
        created_by=actor,
    )
    try:
        # A savepoint, so that on PostgreSQL the failed insert leaves the transaction usable
        # until the refusal below rolls the whole action back.
        with transaction.atomic():
            AssessorSlot.objects.bulk_create(
                AssessorSlot(assessor_id=p.assessor_id, starts_at=start, booking=booking)
                for start in rules.slot_starts(p)
            )
    except IntegrityError as exc:  # another booking took the slot since the check above
        raise ActionRefused(
            f"{name} is already booked at that time: choose another time or assessor.",
            field="assessor",
        ) from exc
    return booking, problem


def _event_data(booking: Booking, warning: str | None = None, **extra: object) -> dict[str, object]:
    data = {
        "booking": booking.pk,
        "method": booking.method,
        "kind": booking.kind,
        "attempt": booking.attempt_number,
        "starts_at": booking.starts_at.isoformat(),
        "assessor": booking.assessor_id,
    }
    if warning:
        data["epa_window_warning"] = warning
    return {**data, **extra}


def do_book_assessment(
    *, actor: User, enrolment_id: int, proposal: Proposal, expected_version: int | None = None
) -> Booking:
    """Book one method with a date, time, duration, place and assessor. The first booking
    moves planning → in assessment; a resit or retake moves resit due → in assessment."""
    rules.check_input(proposal)
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        _require_admin(actor, enrolment)
        booking, warning = _create(actor, enrolment, proposal, replaces=None)
        data = _event_data(booking, warning)
        if enrolment.journey_state in {State.PLANNING, State.RESIT_DUE}:
            transition(enrolment, Event.BOOK_ASSESSMENT, actor=actor, data=data)
        else:
            record(enrolment, actor=actor, action=BookingStep.BOOK, data=data)
    return booking


def _cancel(booking: Booking, reason: str) -> None:
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_reason = reason
    booking.save(update_fields=["status", "cancelled_reason"])
    booking.slots.all().delete()  # the assessor's time is free again


def _locked_booking(actor: User, booking_id: int) -> tuple[Enrolment, Booking]:
    enrolment_id = Booking.objects.values_list("enrolment_id", flat=True).get(pk=booking_id)
    enrolment = lock_enrolment(enrolment_id)
    _require_admin(actor, enrolment)
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.status != Booking.Status.ACTIVE:
        raise ActionRefused(
            f"This booking is {booking.get_status_display().lower()}; only a current booking can be changed."
        )
    if hasattr(booking, "attempt") and booking.attempt.status == "submitted":
        raise ActionRefused("This assessment has been marked; it can no longer be changed.")
    return enrolment, booking


def do_reschedule_booking(
    *,
    actor: User,
    booking_id: int,
    starts_at: datetime,
    duration_minutes: int,
    assessor_id: int,
    remote: bool,
    venue: str,
    reason: str,
) -> Booking:
    """Move a booking: the old row is cancelled (its slots freed) and a new one replaces it,
    checked by every booking rule (seed 000 §5: rescheduling comes first)."""
    if not reason.strip():
        raise ActionRefused("Give the reason for rescheduling.", field="reason")
    with transaction.atomic():
        enrolment, old = _locked_booking(actor, booking_id)
        proposal = Proposal(
            method=old.method,
            kind=old.kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            assessor_id=assessor_id,
            remote=remote,
            venue=venue,
            retake_checklist_confirmed=old.retake_checklist_confirmed,
            further_learning_summary=old.further_learning_summary,
        )
        rules.check_input(proposal)
        _cancel(old, f"Rescheduled: {reason.strip()}")
        new, warning = _create(actor, enrolment, proposal, replaces=old)
        record(
            enrolment,
            actor=actor,
            action=BookingStep.RESCHEDULE,
            reason=reason.strip(),
            data=_event_data(new, warning, replaces=old.pk),
        )
    return new


def do_cancel_booking(*, actor: User, booking_id: int, reason: str) -> Booking:
    """Cancel a booking, keeping its row and freeing the assessor's slots."""
    if not reason.strip():
        raise ActionRefused("Give the reason for cancelling.", field="reason")
    with transaction.atomic():
        enrolment, booking = _locked_booking(actor, booking_id)
        _cancel(booking, reason.strip())
        record(
            enrolment,
            actor=actor,
            action=BookingStep.CANCEL,
            reason=reason.strip(),
            data=_event_data(booking),
        )
    return booking


def _allocated_and_current(actor: User, booking_id: int, verb: str) -> tuple[Enrolment, Booking]:
    """The booking and its enrolment, locked, when `actor` is its allocated assessor and it
    is still current; refused otherwise ("Only the allocated assessor can <verb> …")."""
    enrolment_id = Booking.objects.values_list("enrolment_id", flat=True).get(pk=booking_id)
    enrolment = lock_enrolment(enrolment_id)
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.assessor_id != actor.pk or enrolment.epao_id not in roles_of(actor).orgs(
        Role.ASSESSOR
    ):
        raise ActionRefused(f"Only the allocated assessor can {verb} this booking.")
    if booking.status != Booking.Status.ACTIVE:
        raise ActionRefused("This booking is no longer current.")
    return enrolment, booking


def do_confirm_no_conflict(*, actor: User, booking_id: int) -> Booking:
    """The allocated assessor confirms they have no conflict of interest with the
    apprentice, their employer or provider (seed 003 §6)."""
    with transaction.atomic():
        enrolment, booking = _allocated_and_current(actor, booking_id, "confirm")
        if active_conflicts(actor.pk, enrolment):
            raise ActionRefused(
                "You have declared a conflict of interest with this apprentice, their employer "
                "or provider: ask the EPAO admin to allocate another assessor (ST0072 assessment plan (IfATE) — §6)."
            )
        if booking.no_conflict_confirmed_at is None:
            now = timezone.now()
            booking.no_conflict_confirmed_at = now
            booking.response, booking.responded_at = Booking.Response.ACCEPTED, now
            if booking.reallocation_reason.startswith(reallocation.UNANSWERED):
                # Answered after all: no longer waiting for the admin to re-allocate.
                booking.reallocation_reason, booking.flagged_at = "", None
            booking.save(
                update_fields=[
                    "no_conflict_confirmed_at",
                    "response",
                    "responded_at",
                    "reallocation_reason",
                    "flagged_at",
                ]
            )
            record(
                enrolment,
                actor=actor,
                action=BookingStep.CONFIRM_NO_CONFLICT,
                data={"booking": booking.pk},
            )
    return booking


def do_decline_allocation(*, actor: User, booking_id: int, reason: str) -> Booking:
    """The allocated assessor declines the allocation, giving the reason; the booking goes
    back to the admin's queue to re-allocate (openepa.bookings.reallocation). It stands
    until the admin re-allocates or cancels it, so the apprentice's date is not lost."""
    if not reason.strip():
        raise ActionRefused("Give the reason for declining.", field="reason")
    with transaction.atomic():
        enrolment, booking = _allocated_and_current(actor, booking_id, "decline")
        if booking.response == Booking.Response.ACCEPTED:
            raise ActionRefused(
                "You have accepted this booking: ask the EPAO admin to re-allocate it."
            )
        if booking.response == Booking.Response.DECLINED:
            return booking
        booking.response, booking.responded_at = Booking.Response.DECLINED, timezone.now()
        booking.decline_reason = reason.strip()
        booking.reallocation_reason = ""  # the decline is the reason now
        booking.save(
            update_fields=["response", "responded_at", "decline_reason", "reallocation_reason"]
        )
        reallocation.flag_booking(booking, f"Declined by {actor}: {reason.strip()}")
        record(
            enrolment,
            actor=actor,
            action=BookingStep.DECLINE_ALLOCATION,
            reason=reason.strip(),
            data=_event_data(booking),
        )
    return booking


def do_declare_conflict(
    *, actor: User, description: str, uln: str = "", organisation_id: int | None = None
) -> ConflictDeclaration:
    """An assessor declares a relationship with an apprentice (by ULN) or an employer or
    provider (seed 003 §6). Only parties the assessor's EPAOs work with can be named, so
    the form reveals nothing about other EPAOs' apprentices."""
    epaos = roles_of(actor).orgs(Role.ASSESSOR)
    if not epaos:
        raise ActionRefused("Only assessors declare conflicts of interest here.")
    if not description.strip():
        raise ActionRefused("Describe the relationship.", field="description")
    uln = uln.strip()
    if bool(uln) == (organisation_id is not None):
        raise ActionRefused(
            "Name either an apprentice (by ULN) or an employer or provider.", field="uln"
        )
    apprentice = organisation = None
    if uln:
        apprentice = Apprentice.objects.filter(uln=uln, enrolments__epao_id__in=epaos).first()
        if apprentice is None:
            raise ActionRefused(
                f"No apprentice with ULN {uln} is registered with your EPAO.", field="uln"
            )
    else:
        organisation = (
            Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None
        )
        if organisation is None or organisation.kind == Organisation.Kind.EPAO:
            raise ActionRefused("Choose an employer or a provider.", field="organisation")
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            assessor=actor,
            apprentice=apprentice,
            organisation=organisation,
            description=description.strip(),
        )
        # The assessor's upcoming bookings it touches go back to the admin's queue.
        reallocation.flag_for_conflict(declaration)
        return declaration


def do_withdraw_conflict(*, actor: User, declaration_id: int) -> ConflictDeclaration:
    """The assessor withdraws a declaration that no longer holds; it stays in the record
    with the date it was withdrawn, and allocation no longer refuses on it."""
    with transaction.atomic():
        declaration = (
            ConflictDeclaration.objects.select_for_update()
            .filter(pk=declaration_id, assessor_id=actor.pk)
            .first()
        )
        if declaration is None:
            raise ActionRefused("Only the assessor who declared a conflict can withdraw it.")
        if declaration.withdrawn_at is None:
            declaration.withdrawn_at = timezone.now()
            declaration.save(update_fields=["withdrawn_at"])
    return declaration


#: What the assessor records when an assessment did not take place as booked.
MISSED_REASONS = {
    "did_not_attend": "The apprentice did not attend",
    "could_not_go_ahead": "The assessment could not go ahead",
}


def do_record_missed_assessment(
    *, actor: User, booking_id: int, outcome: str, reason: str
) -> Booking:
    """The allocated assessor records that the apprentice did not attend, or that the
    assessment could not go ahead (with the reason). The booking waits for an admin's
    decision on whether it counts as an attempt (issue 16, item 4)."""
    if outcome not in MISSED_REASONS:
        raise ActionRefused("Choose what happened.", field="outcome")
    if outcome == "could_not_go_ahead" and not reason.strip():
        raise ActionRefused("Give the reason the assessment could not go ahead.", field="reason")
    with transaction.atomic():
        enrolment_id = Booking.objects.values_list("enrolment_id", flat=True).get(pk=booking_id)
        enrolment = lock_enrolment(enrolment_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.assessor_id != actor.pk:
            raise ActionRefused("Only the allocated assessor can record this.")
        if booking.status != Booking.Status.ACTIVE or booking.outcome:
            raise ActionRefused("This booking's outcome is already recorded.")
        if timezone.localdate(booking.starts_at) > timezone.localdate():
            raise ActionRefused(
                "You can record this from the day of the assessment.", field="outcome"
            )
        if hasattr(booking, "attempt") and booking.attempt.status == "submitted":
            raise ActionRefused("This assessment has been marked; it went ahead.")
        booking.outcome = outcome
        booking.outcome_reason = reason.strip()
        booking.outcome_recorded_at = timezone.now()
        booking.save(update_fields=["outcome", "outcome_reason", "outcome_recorded_at"])
        record(
            enrolment,
            actor=actor,
            action=BookingStep.RECORD_MISSED,
            reason=f"{MISSED_REASONS[outcome]}{': ' + reason.strip() if reason.strip() else ''}",
            data=_event_data(booking, outcome=outcome),
        )
    return booking


def do_decide_missed_assessment(
    *, actor: User, booking_id: int, counts: bool = False, note: str = ""
) -> Booking:
    """The admin's decision on a missed assessment (issue 16, item 4). The policy's
    ``missed_assessments.counts_as_attempt`` is only the choice offered first (None in every
    seeded policy: the product default, "does not count; rebook",
    openepa.domain.policy.MissedAssessmentPolicy); the admin decides either way.

    - Does not count: the booking is cancelled with the reason, so the method is booked
      again at the same attempt; the calendar event is cancelled (SEQUENCE + 1).
    - Counts: the method is failed at the booking's attempt, recorded by the marking
      context (openepa.assessments.actions.record_missed_attempt, through
      openepa.bookings.hooks), so the next booking of the method is its resit.

    Either way the reason stays on the apprentice's timeline."""
    with transaction.atomic():
        enrolment, booking = _locked_booking(actor, booking_id)
        if not booking.outcome:
            raise ActionRefused("The assessor has not recorded that this assessment was missed.")
        why = MISSED_REASONS[booking.outcome]
        if booking.outcome_reason:
            why += f": {booking.outcome_reason}"
        decided = (
            "Counts as a failed attempt; the next booking is a resit or retake."
            if counts
            else "Does not count as an attempt; to rebook."
        )
        reason = f"{why}. {decided}"
        if note.strip():
            reason += f" {note.strip()}"
        if not counts:
            _cancel(booking, reason)
        # Recorded before the attempt, so the timeline reads: the decision, then what
        # grading the failed attempt led to (the last assessment completed).
        record(
            enrolment,
            actor=actor,
            action=BookingStep.COUNT_MISSED if counts else BookingStep.DECIDE_MISSED,
            reason=reason,
            data=_event_data(booking, outcome=booking.outcome, counts_as_attempt=counts),
        )
        if counts:
            hooks.record_missed_attempt(
                enrolment=enrolment, booking=booking, actor=actor, reason=why
            )
    return booking
