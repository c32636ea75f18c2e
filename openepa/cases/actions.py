"""Writes of reasonable adjustments, special considerations, enquiries about results and
appeals (issue 5 §1–3). Each is one transaction on the locked enrolment and appends a
JourneyEvent whose action is a CaseStep (openepa.domain.steps: stable, the notifications
context maps them to emails).

A JourneyEvent never carries special-category details (an adjustment's needs, a
consideration's circumstances, a case's grounds, the free-text reasons of a decision): the
enrolment's timeline is read by more people than may see them. The event names what
happened and links the record by id.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.accounts.roles import is_epao_admin
from openepa.assessments.actions import do_amend_sheet
from openepa.assessments.models import Amendment, Attempt
from openepa.bookings.models import Booking
from openepa.cases.access import is_apprentice, requester_organisation
from openepa.cases.models import Case, Decision, ReasonableAdjustment, SpecialConsideration
from openepa.cases.queries import connected_people, gateway_submitted_on
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.cases import (
    CaseEvent,
    CaseKind,
    CaseState,
    CaseTransitionRefused,
    ConsiderationWindow,
    Timing,
    adjustment_is_late,
    case_deadline,
    case_window,
    next_case_state,
    panel_is_independent,
    reviewer_is_connected,
    special_consideration_timing,
)
from openepa.domain.dates import long_date
from openepa.domain.journey import TERMINAL
from openepa.domain.steps import CaseStep
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.journey import lock_enrolment, record
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation
from openepa.results.actions import do_reissue_result

#: The JourneyEvent action names this context records (stable: notifications map them).
ADJUSTMENT_REQUESTED = "adjustment_requested"
ADJUSTMENT_DECIDED = "adjustment_decided"
CONSIDERATION_REQUESTED = "special_consideration_requested"
CONSIDERATION_DECIDED = "special_consideration_decided"
CASE_RAISED = "case_raised"
CASE_REVIEW_STARTED = "case_review_started"
CASE_DECIDED = "case_decided"
CASE_AMENDMENT = "case_amendment"
CASE_CLOSED = "case_closed"

PARTIES_ONLY = "Only the apprentice, their employer or their training provider can {what}."


def today() -> date:
    return timezone.localdate()


def _required(text: str, message: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise ActionRefused(message, field=field)
    return text


def _requester(actor: User, enrolment: Enrolment, what: str) -> Organisation | None:
    """The organisation the actor asks for (None for the apprentice themselves); refused
    for anyone who is not a party to the enrolment."""
    organisation = requester_organisation(actor, enrolment)
    if organisation is None and not is_apprentice(actor, enrolment):
        raise ActionRefused(PARTIES_ONLY.format(what=what))
    return organisation


def _open(enrolment: Enrolment, what: str) -> None:
    if enrolment.journey_state in TERMINAL:
        raise ActionRefused(
            f"This apprentice's EPA is {enrolment.journey_state.label.lower()}, so {what} "
            "can no longer be requested."
        )


def _admin_only(actor: User, enrolment: Enrolment, what: str) -> None:
    if not is_epao_admin(actor, enrolment.epao_id):
        raise ActionRefused(f"Only the EPAO's admins can {what}.")


# Reasonable adjustments (issue 5 §1, seed 000 §5).


def do_request_adjustment(
    *, actor: User, enrolment_id: int, needs: str, arrangement: str, late_reason: str = ""
) -> ReasonableAdjustment:
    """The apprentice, employer or provider asks for a reasonable adjustment. On time up to
    the gateway submission (seed 000 §5); a later request needs a reason and is flagged late
    for the EPAO's admins."""
    needs = _required(
        needs, "Describe what the apprentice needs and why; only the EPAO sees it.", "needs"
    )
    arrangement = _required(
        arrangement,
        "Say what the assessor should provide, for example extra time or a reader.",
        "arrangement",
    )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        organisation = _requester(actor, enrolment, "request a reasonable adjustment")
        _open(enrolment, "an adjustment")
        requested_on = today()
        gateway_on = gateway_submitted_on(enrolment)
        late = adjustment_is_late(requested_on, gateway_on)
        late_reason = late_reason.strip()
        if late and not late_reason:
            assert gateway_on is not None
            raise ActionRefused(
                f"This request comes after the gateway submission of {long_date(gateway_on)}: "
                "reasonable adjustments are asked for no later than gateway submission. "
                "Say why it is late; it is then accepted and flagged late for "
                "the EPAO.",
                field="late_reason",
            )
        adjustment = ReasonableAdjustment.objects.create(
            enrolment=enrolment,
            requested_by=actor,
            requester_organisation=organisation,
            requested_on=requested_on,
            needs=needs,
            arrangement=arrangement,
            late=late,
            late_reason=late_reason if late else "",
        )
        record(
            enrolment,
            actor=actor,
            action=CaseStep.ADJUSTMENT_REQUESTED,
            data={"adjustment_id": adjustment.pk, "late": late},
        )
    return adjustment


def do_decide_adjustment(
    *,
    actor: User,
    adjustment_id: int,
    approve: bool,
    reason: str,
    arrangement: str = "",
    expected_version: int | None = None,
) -> ReasonableAdjustment:
    """An EPAO admin approves (with the arrangement the assessor will provide) or rejects a
    reasonable adjustment, always with reasons."""
    reason = _required(
        reason, "Give the reasons for the decision; the requester sees them.", "reason"
    )
    with transaction.atomic():
        enrolment_id = ReasonableAdjustment.objects.values_list("enrolment_id", flat=True).get(
            pk=adjustment_id
        )
        enrolment = lock_enrolment(enrolment_id)
        _admin_only(actor, enrolment, "decide a reasonable adjustment")
        adjustment = ReasonableAdjustment.objects.select_for_update().get(pk=adjustment_id)
        check_version(adjustment.version, expected_version)
        if adjustment.state != Decision.REQUESTED:
            raise ActionRefused(
                f"This request was already {adjustment.get_state_display().lower()}."
            )
        if approve:
            adjustment.arrangement = _required(
                arrangement or adjustment.arrangement,
                "Say what the assessor should provide: it is shown on their booking and "
                "marking pages.",
                "arrangement",
            )
        adjustment.state = Decision.APPROVED if approve else Decision.REJECTED
        _decided(adjustment, actor, reason)
        adjustment.save()
        record(
            enrolment,
            actor=actor,
            action=CaseStep.ADJUSTMENT_DECIDED,
            data={"adjustment_id": adjustment.pk, "decision": adjustment.state},
        )
    return adjustment


def _decided(item: ReasonableAdjustment | SpecialConsideration, actor: User, reason: str) -> None:
    item.decision_reason = reason
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.version += 1


# Special considerations (issue 5 §2, seed 000 §5).


def do_request_special_consideration(
    *,
    actor: User,
    booking_id: int,
    rescheduling_tried: bool,
    why_not_rescheduled: str,
    circumstances: str,
) -> SpecialConsideration:
    """The apprentice, employer or provider asks for special consideration for a booked
    assessment, within the policy's deadlines counted in working days (seed 000 §5: no
    later than 10 working days before, or up to 5 after). Rescheduling comes first: a
    request that did not try it says why."""
    circumstances = _required(
        circumstances,
        "Describe what happened and how it affected the apprentice; only the EPAO sees it.",
        "circumstances",
    )
    why_not = why_not_rescheduled.strip()
    if not rescheduling_tried and not why_not:
        raise ActionRefused(
            "Say why the assessment could not be rescheduled: rescheduling comes first, and "
            "special consideration is a last resort.",
            field="why_not_rescheduled",
        )
    with transaction.atomic():
        enrolment_id = Booking.objects.values_list("enrolment_id", flat=True).get(pk=booking_id)
        enrolment = lock_enrolment(enrolment_id)
        organisation = _requester(actor, enrolment, "request special consideration")
        _open(enrolment, "special consideration")
        booking = Booking.objects.get(pk=booking_id)
        if booking.status == Booking.Status.CANCELLED:
            raise ActionRefused(
                "This booking was cancelled; special consideration is for an assessment that "
                "takes or took place.",
                field="booking",
            )
        requested_on = today()
        assessment_day = timezone.localdate(booking.starts_at)
        window = special_consideration_timing(assessment_day, requested_on, policy_of(enrolment))
        _check_in_time(window, assessment_day, enrolment)
        consideration = SpecialConsideration.objects.create(
            enrolment=enrolment,
            booking=booking,
            requested_by=actor,
            requester_organisation=organisation,
            requested_on=requested_on,
            rescheduling_tried=rescheduling_tried,
            why_not_rescheduled="" if rescheduling_tried else why_not,
            circumstances=circumstances,
        )
        record(
            enrolment,
            actor=actor,
            action=CaseStep.CONSIDERATION_REQUESTED,
            data={
                "special_consideration_id": consideration.pk,
                "booking_id": booking.pk,
                "timing": window.timing.value,
            },
        )
    return consideration


def _check_in_time(window: ConsiderationWindow, assessment_day: date, enrolment: Enrolment) -> None:
    """Refuse a request outside the policy's deadlines, naming them (seed 000 §5)."""
    timing, last_before, last_after = window.timing, window.last_before, window.last_after
    policy = policy_of(enrolment)
    rule = policy.special_consideration
    if timing == Timing.TOO_LATE_BEFORE:
        assert last_before is not None
        after = (
            f", or after it until {long_date(last_after)}"
            if last_after is not None
            else ", or after it"
        )
        raise ActionRefused(
            f"It is too late to request special consideration before the assessment on "
            f"{long_date(assessment_day)}: {policy.name}'s policy asks for requests no later "
            f"than {rule.before_working_days} working days before it, which was "
            f"{long_date(last_before)}{after} ({policy.cite('special_consideration')}). Ask "
            "the EPAO to reschedule the "
            "assessment instead.",
            field="booking",
        )
    if timing == Timing.TOO_LATE_AFTER:
        assert last_after is not None
        raise ActionRefused(
            f"The time to request special consideration for the assessment on "
            f"{long_date(assessment_day)} closed on {long_date(last_after)}: {policy.name}'s "
            f"policy allows up to {rule.after_working_days} working days after the "
            f"assessment ({policy.cite('special_consideration')}).",
            field="booking",
        )


def do_decide_special_consideration(
    *,
    actor: User,
    consideration_id: int,
    approve: bool,
    reason: str,
    outcome: str = "",
    expected_version: int | None = None,
) -> SpecialConsideration:
    """An EPAO admin approves or rejects a special consideration with reasons; an approval
    records its outcome against the booking's attempt (the marking sheet), when one exists."""
    reason = _required(
        reason, "Give the reasons for the decision; the requester sees them.", "reason"
    )
    outcome = outcome.strip()
    if approve and not outcome:
        raise ActionRefused(
            "Record the outcome of the special consideration, for example the attempt not "
            "counting or a rescheduled assessment.",
            field="outcome",
        )
    with transaction.atomic():
        enrolment_id = SpecialConsideration.objects.values_list("enrolment_id", flat=True).get(
            pk=consideration_id
        )
        enrolment = lock_enrolment(enrolment_id)
        _admin_only(actor, enrolment, "decide a special consideration")
        consideration = SpecialConsideration.objects.select_for_update().get(pk=consideration_id)
        check_version(consideration.version, expected_version)
        if consideration.state != Decision.REQUESTED:
            raise ActionRefused(
                f"This request was already {consideration.get_state_display().lower()}."
            )
        consideration.state = Decision.APPROVED if approve else Decision.REJECTED
        consideration.outcome = outcome if approve else ""
        consideration.attempt = Attempt.objects.filter(booking_id=consideration.booking_id).first()
        _decided(consideration, actor, reason)
        consideration.save()
        record(
            enrolment,
            actor=actor,
            action=CaseStep.CONSIDERATION_DECIDED,
            data={
                "special_consideration_id": consideration.pk,
                "decision": consideration.state,
                "attempt_id": consideration.attempt_id,
            },
        )
    return consideration


# Enquiries about results and appeals (issue 5 §3, seed 000 §3).

#: The subject of a case: ("result" | "adjustment" | "consideration", id).
type Subject = tuple[str, int]


def do_raise_case(
    *, actor: User, enrolment_id: int, kind: str, subject: Subject, grounds: str
) -> Case:
    """The apprentice, employer or provider raises an enquiry about a released result, or
    an appeal about a released result or a decision on an adjustment or special
    consideration, within the policy's window (none of the seeded policies sets one)."""
    case_kind = CaseKind(kind)
    grounds = _required(grounds, "Give the grounds: what you think is wrong and why.", "grounds")
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        organisation = _requester(actor, enrolment, "raise an enquiry or appeal")
        fields, issued_on = _subject(enrolment, case_kind, subject)
        policy = policy_of(enrolment)
        deadline = case_deadline(case_kind, issued_on, policy)
        if deadline is not None and today() > deadline:
            period = case_window(case_kind, policy)
            assert period is not None
            length = (
                f"{period.months} months"
                if period.months
                else f"{period.working_days} working days"
            )
            raise ActionRefused(
                f"The time to raise an {_kind_words(case_kind)} closed on "
                f"{long_date(deadline)}: {policy.name}'s policy allows {length} from "
                f"{period.anchor.words} ({long_date(issued_on)}).",
                field="subject",
            )
        duplicate = Case.objects.filter(
            enrolment=enrolment, kind=case_kind.value, state__in=_OPEN_VALUES, **fields
        ).exists()
        if duplicate:
            raise ActionRefused(
                f"An {_kind_words(case_kind)} about this is already open; follow it on its page.",
                field="subject",
            )
        case = Case.objects.create(
            enrolment=enrolment,
            kind=case_kind.value,
            raised_by=actor,
            raiser_organisation=organisation,
            raised_on=today(),
            grounds=grounds,
            **fields,
        )
        record(
            enrolment,
            actor=actor,
            action=CaseStep.CASE_RAISED,
            data={"case_id": case.pk, "kind": case.kind, "subject": subject[0]},
        )
    return case


_OPEN_VALUES = [CaseState.RECEIVED.value, CaseState.UNDER_REVIEW.value]


def _kind_words(kind: CaseKind) -> str:
    return "enquiry about results" if kind == CaseKind.ENQUIRY else "appeal"


def _subject(
    enrolment: Enrolment, kind: CaseKind, subject: Subject
) -> tuple[dict[str, object], date]:
    """The case's subject as model fields, and the day it was issued (the window's anchor)."""
    what, pk = subject
    refused = ActionRefused(
        "Choose a released result, or a decided adjustment or special consideration, of "
        "this apprentice.",
        field="subject",
    )
    if what == "result":
        result = enrolment.results.filter(pk=pk, released_at__isnull=False).first()
        if result is None or result.released_at is None:
            raise refused
        return {"result": result}, timezone.localdate(result.released_at)
    if kind == CaseKind.ENQUIRY:
        raise ActionRefused(
            "An enquiry about results is about a released result; to challenge a decision on "
            "an adjustment or a special consideration, raise an appeal.",
            field="kind",
        )
    decision: ReasonableAdjustment | SpecialConsideration | None
    if what == "adjustment":
        decision = enrolment.adjustments.filter(pk=pk).first()
    elif what == "consideration":
        decision = enrolment.special_considerations.filter(pk=pk).first()
    else:
        raise refused
    if decision is None or decision.state == Decision.REQUESTED or decision.decided_at is None:
        raise refused
    return {what: decision}, timezone.localdate(decision.decided_at)


def _lock_case(case_id: int, expected_version: int | None) -> tuple[Enrolment, Case]:
    enrolment_id = Case.objects.values_list("enrolment_id", flat=True).get(pk=case_id)
    enrolment = lock_enrolment(enrolment_id)
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("result", "adjustment", "consideration")
        .get(pk=case_id)
    )
    case.enrolment = enrolment
    check_version(case.version, expected_version)
    return enrolment, case


def _move(case: Case, event: CaseEvent) -> None:
    try:
        case.state = next_case_state(case.case_state, event).value
    except CaseTransitionRefused as refusal:
        raise ActionRefused(str(refusal)[0].upper() + str(refusal)[1:] + ".") from refusal
    case.version += 1


def _epao_people(enrolment: Enrolment, ids: Collection[int]) -> dict[int, User]:
    """The users among `ids` who work for the enrolment's EPAO (admin, assessor or IQA)."""
    members = Membership.objects.filter(
        organisation_id=enrolment.epao_id,
        role__in=[Role.EPAO_ADMIN, Role.ASSESSOR, Role.IQA],
        user_id__in=ids,
    ).select_related("user")
    return {m.user_id: m.user for m in members}


def do_start_case_review(
    *,
    actor: User,
    case_id: int,
    reviewer_id: int,
    panel_ids: Collection[int] = (),
    expected_version: int | None = None,
) -> Case:
    """An EPAO admin puts the case under review by someone independent of the decision:
    the reviewer must not be connected to it (an assessor of an attempt it rests on, or who
    made the decision), and an appeal panel needs at least one member who is not (seed 003
    §6, §9; issue 5 §3)."""
    with transaction.atomic():
        enrolment, case = _lock_case(case_id, expected_version)
        _admin_only(actor, enrolment, "start the review of an enquiry or appeal")
        people = _epao_people(enrolment, {reviewer_id, *panel_ids})
        reviewer = people.get(reviewer_id)
        if reviewer is None:
            raise ActionRefused("Choose a reviewer from the EPAO's staff.", field="reviewer")
        connected = connected_people(case)
        if reviewer_is_connected(reviewer.pk, connected):
            raise ActionRefused(
                f"{reviewer} cannot review this {_kind_words(CaseKind(case.kind))}: "
                f"{connected[reviewer.pk]}. The reviewer must not be connected to the "
                "decision under review (ST0072 assessment plan (IfATE) — §6, §9).",
                field="reviewer",
            )
        panel = [people[i] for i in panel_ids if i in people]
        if len(panel) != len(set(panel_ids)):
            raise ActionRefused("Choose panel members from the EPAO's staff.", field="panel")
        if case.kind == CaseKind.APPEAL and not panel_is_independent(
            [p.pk for p in panel], connected
        ):
            raise ActionRefused(
                "An appeal panel needs at least one member not connected to the decision under "
                "appeal; "
                + (
                    "every member chosen is connected to it"
                    if panel
                    else "choose the panel's members"
                )
                + " (ST0072 assessment plan (IfATE) — §6, §9).",
                field="panel",
            )
        _move(case, CaseEvent.START_REVIEW)
        case.reviewer = reviewer
        case.save()
        case.panel.set(panel)
        record(
            enrolment,
            actor=actor,
            action=CaseStep.CASE_REVIEW_STARTED,
            data={
                "case_id": case.pk,
                "reviewer_id": reviewer.pk,
                "panel_ids": [p.pk for p in panel],
            },
        )
    return case


def do_decide_case(
    *, actor: User, case_id: int, upheld: bool, reason: str, expected_version: int | None = None
) -> Case:
    """Record the review's decision with its reasons: upheld or not upheld. An upheld
    appeal about a decision on an adjustment or special consideration re-opens that request
    for a new decision; an upheld case about a result changes it only through a recorded
    amendment (do_amend_through_case)."""
    reason = _required(
        reason, "Give the reasons for the decision; every party sees them.", "reason"
    )
    with transaction.atomic():
        enrolment, case = _lock_case(case_id, expected_version)
        _admin_only(actor, enrolment, "decide an enquiry or appeal")
        _move(case, CaseEvent.UPHOLD if upheld else CaseEvent.NOT_UPHOLD)
        case.decision_reason = reason
        case.decided_by = actor
        case.decided_at = timezone.now()
        case.save()
        reopened = None
        if upheld and case.result_id is None:
            reopened = _reopen(case)
        record(
            enrolment,
            actor=actor,
            action=CaseStep.CASE_DECIDED,
            data={"case_id": case.pk, "outcome": case.state, "reopened": reopened},
        )
    return case


def _reopen(case: Case) -> str:
    """An upheld appeal sets the decision aside: the request awaits a new decision."""
    reset = {"state": Decision.REQUESTED, "decided_by": None, "decided_at": None}
    if case.adjustment is not None:
        ReasonableAdjustment.objects.filter(pk=case.adjustment.pk).update(
            **reset, version=case.adjustment.version + 1
        )
    elif case.consideration is not None:
        SpecialConsideration.objects.filter(pk=case.consideration.pk).update(
            **reset, version=case.consideration.version + 1
        )
    return "adjustment" if case.adjustment_id else "consideration"


def do_amend_through_case(
    *,
    actor: User,
    case_id: int,
    attempt_id: int,
    changes: dict[str, str],
    expected_version: int,
) -> Amendment:
    """An upheld enquiry or appeal about a result changes a judgement only through a
    recorded amendment of the marking sheet, whose reason names the case; the result is
    then graded again and re-issued to the parties (issue 5 §3)."""
    with transaction.atomic():
        enrolment, case = _lock_case(case_id, None)
        _admin_only(actor, enrolment, "amend a marking sheet through an enquiry or appeal")
        if case.case_state != CaseState.UPHELD or case.result is None:
            raise ActionRefused(
                "A marking sheet is amended through an enquiry or appeal only once it is "
                "upheld and while it is about a result."
            )
        if attempt_id not in case.result.attempt_ids:
            raise ActionRefused("This marking sheet is not part of the result under review.")
        words = case.get_kind_display()
        amendment = do_amend_sheet(
            actor=actor,
            attempt_id=attempt_id,
            expected_version=expected_version,
            changes=changes,
            # The case's page holds its reasons; the amendment names the case, which is
            # enough to follow it and keeps the case's text off the enrolment's timeline.
            reason=f"{words} {case.pk} upheld on {long_date(today())}",
            through_case=True,
        )
        result = do_reissue_result(
            actor=actor, enrolment_id=enrolment.pk, reason=f"{words} {case.pk} upheld"
        )
        case.amendments.add(amendment)
        # The upheld case now follows the re-issued result.
        Case.objects.filter(pk=case.pk).update(result=result, version=case.version + 1)
        enrolment.refresh_from_db()
        record(
            enrolment,
            actor=actor,
            action=CaseStep.CASE_AMENDMENT,
            data={
                "case_id": case.pk,
                "attempt_id": attempt_id,
                "amendment_id": amendment.pk,
                "result_id": result.pk,
                "grade": result.grade,
            },
        )
    return amendment


def do_close_case(
    *, actor: User, case_id: int, note: str = "", expected_version: int | None = None
) -> Case:
    """Close a decided case (upheld or not upheld)."""
    with transaction.atomic():
        enrolment, case = _lock_case(case_id, expected_version)
        _admin_only(actor, enrolment, "close an enquiry or appeal")
        _move(case, CaseEvent.CLOSE)
        case.closing_note = note.strip()
        case.closed_at = timezone.now()
        case.save()
        record(enrolment, actor=actor, action=CaseStep.CASE_CLOSED, data={"case_id": case.pk})
    return case
