"""Writes of marking sheets: open, save a draft, submit (which locks it) and amend.

The rules of a complete sheet (every criterion judged, what may be carried over, attempt
kinds) are the domain's: submission and amendment grade the whole enrolment with
openepa.domain.sheet.grade_epa and turn its SheetError into a refusal naming the criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.accounts.roles import is_epao_admin
from openepa.assessments import hooks
from openepa.assessments.access import is_allocated_assessor
from openepa.assessments.grading import domain_attempts, grade_attempts, sheet_grade, to_domain
from openepa.assessments.layout import note_field, outcome_field
from openepa.assessments.models import Amendment, Attempt, Judgement
from openepa.assessments.queries import open_carry_over
from openepa.bookings.models import Booking
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.grading import Attempt as DomainAttempt
from openepa.domain.grading import AttemptKind, EpaResult, Outcome, OverallGrade, SheetError
from openepa.domain.journey import Event, State
from openepa.domain.sheet import method_order_problem, method_order_words, missing_notes
from openepa.domain.standard import Grade, Method, Standard
from openepa.domain.steps import MarkingStep
from openepa.enrolments.domain_data import modes_of, policy_of, standard_of
from openepa.enrolments.journey import lock_enrolment, record, transition
from openepa.enrolments.models import Enrolment

#: (outcome, evidence note, attempted) for one criterion, as the assessor entered it.
type JudgementInput = tuple[str, str, bool]

OUTCOMES = {o.value for o in Outcome}


class NotesMissing(ActionRefused):
    """Judgements without the evidence note the policy asks for: one message per
    criterion's note field (``errors``), and a summary naming them all."""

    def __init__(self, errors: dict[str, str], summary: str) -> None:
        super().__init__(summary)
        self.errors = errors


#: An amendment corrects a judgement; carrying over is decided during the observation.
AMENDABLE = {Outcome.MET.value, Outcome.NOT_MET.value, Outcome.NOT_EVIDENCED.value}


def do_open_sheet(*, actor: User, booking_id: int) -> Attempt:
    """The booking's sheet, created as a draft on first open with an empty row for every
    applicable criterion, plus (for a discussion) the observation's open carry-overs."""
    refusal = ActionRefused("Only the assessor allocated to this assessment can mark it.")
    existing = (
        Attempt.objects.select_related("booking__enrolment").filter(booking_id=booking_id).first()
    )
    if existing is not None:
        if not is_allocated_assessor(actor, existing.booking):
            raise refusal
        _check_accepted(existing.booking)
        if existing.status == Attempt.Status.DRAFT and existing.method == Method.DISCUSSION:
            _sync_carried_rows(existing)
        return existing
    with transaction.atomic():
        enrolment_id = Booking.objects.values_list("enrolment_id", flat=True).get(pk=booking_id)
        enrolment = lock_enrolment(enrolment_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        booking.enrolment = enrolment
        if not is_allocated_assessor(actor, booking):
            raise refusal
        existing = Attempt.objects.filter(booking=booking).first()
        if existing is not None:  # opened on another device while we waited for the lock
            return existing
        if booking.status == Booking.Status.CANCELLED:
            raise ActionRefused("This booking was cancelled, so there is nothing to mark.")
        _check_accepted(booking)
        if enrolment.journey_state != State.IN_ASSESSMENT:
            raise ActionRefused(
                f"Marking opens while the apprentice is in assessment; this enrolment is "
                f"{enrolment.journey_state.label.lower()}."
            )
        attempt = Attempt.objects.create(
            enrolment=enrolment,
            booking=booking,
            method=booking.method,
            number=booking.attempt_number,
            kind=booking.kind,
            assessor=booking.assessor,
            assessed_on=timezone.localtime(booking.starts_at).date(),
        )
        codes = _sheet_codes(enrolment, booking)
        Judgement.objects.bulk_create(Judgement(attempt=attempt, criterion_code=c) for c in codes)
        record(
            enrolment,
            actor=actor,
            action=MarkingStep.OPEN_SHEET,
            data={"attempt": attempt.pk, "booking": booking.pk, "method": booking.method},
        )
    return attempt


def _sheet_codes(enrolment: Enrolment, booking: Booking) -> list[str]:
    """The criteria a booking's sheet judges: the method's applicable criteria, after the
    observation's open carry-overs for a discussion; a follow-up only those (seed 002)."""
    standard = standard_of(enrolment)
    codes = [c.code for c in standard.criteria_for(Method(booking.method), modes_of(enrolment))]
    if booking.kind == AttemptKind.FOLLOW_UP:
        return open_carry_over(enrolment)
    if booking.method == Method.DISCUSSION:
        return [*open_carry_over(enrolment), *codes]
    return codes


def record_missed_attempt(
    *, enrolment: Enrolment, booking: Booking, actor: User, reason: str
) -> Attempt:
    """The EPAO's admin decided that a missed assessment (the apprentice did not attend, or
    it could not go ahead) counts as an attempt (issue 16, item 4; the policy's
    ``missed_assessments`` setting). Runs inside the admin's decision (openepa.bookings
    .actions.do_decide_missed_assessment, through openepa.bookings.hooks) on the locked
    enrolment and booking.

    No seed says how such an attempt is graded: seeds 000 §4–§5, 002 and 004 speak of failed
    attempts, resits and rescheduling, never of an attempt nobody took. So the simplest
    faithful reading: the method is failed at this attempt. Every criterion the sheet would
    judge (with the observation's open carry-overs, for a discussion) is "not evidenced",
    its note the reason, and the sheet takes a failed method's path: submitted and locked,
    the booking completed, the whole EPA graded by the domain, and once every method has a
    grade the enrolment awaits results, from which the resit follows. It is not offered to
    IQA sampling: no assessor judged anything."""
    if enrolment.journey_state != State.IN_ASSESSMENT:
        raise ActionRefused(
            "A missed assessment can count as an attempt only while the apprentice is in "
            f"assessment; this enrolment is {enrolment.journey_state.label.lower()}."
        )
    attempt = Attempt.objects.select_for_update().filter(booking=booking).first()
    if attempt is not None and attempt.status == Attempt.Status.SUBMITTED:
        raise ActionRefused("This assessment has been marked; it went ahead.")
    if attempt is None:
        attempt = Attempt.objects.create(
            enrolment=enrolment,
            booking=booking,
            method=booking.method,
            number=booking.attempt_number,
            kind=booking.kind,
            assessor=booking.assessor,
            assessed_on=timezone.localtime(booking.starts_at).date(),
        )
    attempt.enrolment = enrolment
    attempt.judgements.all().delete()  # a draft opened on the day judged nothing that counts
    rows = Judgement.objects.bulk_create(
        Judgement(
            attempt=attempt, criterion_code=code, outcome=Outcome.NOT_EVIDENCED.value, note=reason
        )
        for code in _sheet_codes(enrolment, booking)
    )
    result = _grade(enrolment, [*domain_attempts(enrolment), to_domain(attempt, rows)])
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.submitted_by = actor
    attempt.missed_reason = reason
    attempt.feedback = f"Recorded as a failed attempt: {reason}"
    attempt.method_grade = sheet_grade(attempt, rows)
    _bump(
        attempt,
        actor,
        *("status", "submitted_at", "submitted_by", "missed_reason", "feedback", "method_grade"),
    )
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    if enrolment.first_activity_on is None:  # it counts, so it starts the EPA's clock
        enrolment.first_activity_on = attempt.assessed_on
        enrolment.save(update_fields=["first_activity_on"])
    _complete_when_all_graded(enrolment, result, actor)
    return attempt


def _complete_when_all_graded(enrolment: Enrolment, result: EpaResult, actor: User) -> None:
    """When every method has a grade the enrolment awaits results. Same transaction: the
    result (grades, results due date) exists as soon as it does, or neither happens
    (openepa.results registers through openepa.assessments.hooks)."""
    if _all_methods_graded(enrolment, result):
        transition(
            enrolment,
            Event.COMPLETE_ASSESSMENT,
            actor=actor,
            reason="every assessment method has a grade",
            data={"overall": result.overall.value},
        )
        hooks.graded(enrolment, actor)


def _sync_carried_rows(attempt: Attempt) -> None:
    """A discussion draft opened before the observation was submitted (or amended) gets the
    observation's open carry-overs added, and loses ones no longer carried."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != Attempt.Status.DRAFT:
            return
        wanted = set(open_carry_over(attempt.enrolment))
        own = {
            c.code for c in standard_of(attempt.enrolment).criteria if c.method == attempt.method
        }
        present = set(attempt.judgements.values_list("criterion_code", flat=True)) - own
        Judgement.objects.bulk_create(
            Judgement(attempt=attempt, criterion_code=c) for c in sorted(wanted - present)
        )
        attempt.judgements.filter(criterion_code__in=present - wanted).delete()


def do_save_sheet(
    *,
    actor: User,
    attempt_id: int,
    expected_version: int,
    judgements: dict[str, JudgementInput],
    actual_start: time | None,
    actual_end: time | None,
    feedback: str,
    photo_id_checked: bool,
) -> Attempt:
    """Save the draft. Nothing is judged complete here: that is checked on submission, so an
    assessor can save half a sheet at any moment."""
    with transaction.atomic():
        attempt = _lock_attempt(attempt_id)
        _check_markable(actor, attempt, expected_version)
        _check_times(attempt.booking, actual_start, actual_end)
        _apply(attempt, judgements)
        attempt.actual_start = actual_start
        attempt.actual_end = actual_end
        attempt.feedback = feedback.strip()
        attempt.photo_id_checked = photo_id_checked
        _bump(attempt, actor, "actual_start", "actual_end", "feedback", "photo_id_checked")
    return attempt


@dataclass(frozen=True)
class SheetCheck:
    """What the assessor confirms on "check your answers": the sheet as it will be locked
    and the method grade it gives (the whole EPA graded with it)."""

    attempt: Attempt
    rows: list[Judgement]
    result: EpaResult

    @property
    def grade(self) -> Grade | None:
        graded = self.result.methods.get(Method(self.attempt.method))
        return graded.grade if graded else None


def check_submission(*, actor: User, attempt_id: int) -> SheetCheck:
    """Every check of ``do_submit_sheet`` on the saved draft, writing nothing: the
    check-your-answers page shows what would be locked, or the refusal."""
    with transaction.atomic():
        attempt = Attempt.objects.select_related("booking__enrolment", "updated_by").get(
            pk=attempt_id
        )
        return _submittable(actor, attempt, attempt.booking.enrolment, attempt.version)


def do_submit_sheet(*, actor: User, attempt_id: int, expected_version: int) -> Attempt:
    """Submit and lock the sheet (confirmed on "check your answers") once it is complete,
    the assessment has started and the whole EPA still grades under the domain rules;
    when every method then has a grade the enrolment awaits results."""
    with transaction.atomic():
        enrolment_id = Attempt.objects.values_list("enrolment_id", flat=True).get(pk=attempt_id)
        enrolment = lock_enrolment(enrolment_id)
        attempt = _lock_attempt(attempt_id)
        attempt.enrolment = enrolment
        checked = _submittable(actor, attempt, enrolment, expected_version)
        result = checked.result
        now = timezone.now()
        attempt.status = Attempt.Status.SUBMITTED
        attempt.submitted_at = now
        attempt.submitted_by = actor
        attempt.assessor = actor
        attempt.method_grade = sheet_grade(attempt, checked.rows)
        _bump(attempt, actor, "status", "submitted_at", "submitted_by", "assessor", "method_grade")
        Booking.objects.filter(pk=attempt.booking_id).update(status=Booking.Status.COMPLETED)
        if enrolment.first_activity_on is None:
            enrolment.first_activity_on = attempt.assessed_on
            enrolment.save(update_fields=["first_activity_on"])
        grade = checked.grade
        record(
            enrolment,
            actor=actor,
            action=MarkingStep.SUBMIT_SHEET,
            data={
                "attempt": attempt.pk,
                "method": attempt.method,
                "grade": grade.value if grade else None,
            },
        )
        # Same transaction: every submitted decision is offered to IQA sampling (issue 5),
        # registered by openepa.quality through openepa.assessments.hooks.
        hooks.submitted(attempt, grade, actor)
        _complete_when_all_graded(enrolment, result, actor)
    return attempt


def _submittable(
    actor: User, attempt: Attempt, enrolment: Enrolment, expected_version: int
) -> SheetCheck:
    _check_markable(actor, attempt, expected_version)
    if enrolment.journey_state != State.IN_ASSESSMENT:
        raise ActionRefused(
            f"This enrolment is {enrolment.journey_state.label.lower()}, so marking sheets "
            "can no longer be submitted for it."
        )
    booking = attempt.booking
    if timezone.now() < booking.starts_at:
        raise ActionRefused(
            f"This assessment is booked to start at {_when(booking.starts_at)}: its marking "
            "sheet can be submitted once it has started."
        )
    rows = list(attempt.judgements.order_by("id"))
    _check_complete(attempt, rows)
    _check_order(enrolment, attempt)
    attempts = [*domain_attempts(enrolment), to_domain(attempt, rows)]
    return SheetCheck(attempt=attempt, rows=rows, result=_grade(enrolment, attempts))


def do_amend_sheet(
    *,
    actor: User,
    attempt_id: int,
    expected_version: int,
    changes: dict[str, str],
    reason: str,
    through_case: bool = False,
) -> Amendment:
    """An EPAO admin corrects outcomes on a submitted sheet, always with a reason; the
    Amendment keeps what each outcome was and became. An IQA amends through here too, as
    the outcome of their review of the sheet's sample (openepa.quality.actions).

    A sheet that counts towards a released result changes only through an upheld enquiry
    about results or appeal (issue 5 §3): the cases context passes ``through_case`` and
    re-issues the result itself."""
    reason = reason.strip()
    if not reason:
        raise ActionRefused(
            "Give the reason for the amendment; it is recorded with the change.", field="reason"
        )
    if not changes:
        raise ActionRefused("Choose at least one criterion and its new outcome.")
    with transaction.atomic():
        enrolment_id = Attempt.objects.values_list("enrolment_id", flat=True).get(pk=attempt_id)
        enrolment = lock_enrolment(enrolment_id)
        attempt = _lock_attempt(attempt_id)
        attempt.enrolment = enrolment
        # An IQA amends only as the outcome of reviewing the sheet's open sample
        # (openepa.quality.actions.do_sign_off_sample; the permit is registered by
        # openepa.quality through openepa.assessments.hooks).
        if not (
            is_epao_admin(actor, enrolment.epao_id) or hooks.may_amend_otherwise(actor, attempt)
        ):
            raise ActionRefused("Only the EPAO's admins can amend a submitted marking sheet.")
        if attempt.status != Attempt.Status.SUBMITTED:
            raise ActionRefused(
                "Only a submitted marking sheet can be amended; this one is still being marked."
            )
        _check_version(actor, attempt, expected_version)
        if not through_case and _under_released_result(enrolment, attempt):
            raise ActionRefused(
                "This marking sheet counts towards a released result, so it can be changed "
                "only through an upheld enquiry about results or appeal, from "
                "the case's page."
            )
        rows = {j.criterion_code: j for j in attempt.judgements.all()}
        diff: dict[str, dict[str, str]] = {}
        for code, to in changes.items():
            if code not in rows:
                raise ActionRefused(f"{code} is not on this marking sheet.")
            if to not in AMENDABLE:
                raise ActionRefused(
                    f"{code} can be amended to met, not met or not evidenced only; carrying a "
                    "criterion over is decided during the observation.",
                    field=outcome_field(code),
                )
            if rows[code].outcome != to:
                diff[code] = {"from": rows[code].outcome, "to": to}
                rows[code].outcome = to
        if not diff:
            raise ActionRefused("Nothing to change: each chosen outcome is already recorded.")
        Judgement.objects.bulk_update([rows[c] for c in diff], ["outcome"])
        _grade(enrolment, domain_attempts(enrolment), amended=attempt)
        attempt.method_grade = sheet_grade(attempt, rows.values())
        _bump(attempt, actor, "method_grade")
        amendment = Amendment.objects.create(
            attempt=attempt, amended_by=actor, reason=reason, changes=diff
        )
        record(
            enrolment,
            actor=actor,
            action=MarkingStep.AMEND_SHEET,
            reason=reason,
            data={"attempt": attempt.pk, "method": attempt.method, "changes": diff},
        )
        if enrolment.journey_state == State.AWAITING_RESULTS:
            # The unreleased result follows the amended sheet. After release, a change
            # comes through an enquiry or appeal (openepa.cases), not a silent re-grade.
            hooks.graded(enrolment, actor)
    return amendment


# Helpers: locking, checks and the bridge from SheetError to a refusal.


def _under_released_result(enrolment: Enrolment, attempt: Attempt) -> bool:
    released = enrolment.results.filter(released_at__isnull=False)
    return any(attempt.pk in ids for ids in released.values_list("attempt_ids", flat=True))


def _lock_attempt(attempt_id: int) -> Attempt:
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("booking__enrolment", "updated_by")
        .get(pk=attempt_id)
    )


def _check_markable(actor: User, attempt: Attempt, expected_version: int) -> None:
    if not is_allocated_assessor(actor, attempt.booking):
        raise ActionRefused("Only the assessor allocated to this assessment can mark it.")
    if attempt.status == Attempt.Status.SUBMITTED:
        assert attempt.submitted_at is not None
        when = timezone.localtime(attempt.submitted_at)
        raise ActionRefused(
            f"This marking sheet was submitted at {when:%H:%M on %d %b %Y} and is locked; "
            "only an EPAO admin can amend it, with a reason."
        )
    if attempt.booking.status == Booking.Status.CANCELLED:
        raise ActionRefused("This booking was cancelled, so its marking sheet is closed.")
    _check_version(actor, attempt, expected_version)


def _check_version(actor: User, attempt: Attempt, expected_version: int) -> None:
    check_version(attempt.version, expected_version, lambda: _stale_sheet(actor, attempt))


def _stale_sheet(actor: User, attempt: Attempt) -> str:
    """Who changed the sheet and when, so the assessor knows whether it was themselves."""
    if attempt.updated_by is None or attempt.updated_at is None:
        who = f"it is now at version {attempt.version}"
    else:
        name = (
            "you, in another tab or on another device"
            if attempt.updated_by_id == actor.pk
            else str(attempt.updated_by)
        )
        who = f"{name}, at {timezone.localtime(attempt.updated_at):%H:%M on %d %b %Y}"
    return (
        f"This marking sheet was changed by someone else ({who}) since you opened it. "
        "Your changes were not saved: reload to see the latest version."
    )


def _apply(attempt: Attempt, judgements: dict[str, JudgementInput]) -> None:
    rows = {j.criterion_code: j for j in attempt.judgements.all()}
    standard = standard_of(attempt.booking.enrolment)
    may_carry = standard.method(Method(attempt.method)).carry_over_to is not None
    for code, (outcome, note, attempted) in judgements.items():
        row = rows.get(code)
        if row is None:
            raise ActionRefused(f"{code} is not on this marking sheet.")
        if outcome and outcome not in OUTCOMES:
            raise ActionRefused(f"{outcome!r} is not an outcome.", field=outcome_field(code))
        own = _is_own(standard, attempt, code)
        if outcome == Outcome.CARRIED_OVER and not (may_carry and own):
            raise ActionRefused(
                f"{code} cannot be carried over: only observation criteria can be carried over "
                "to the discussion, once.",
                field=outcome_field(code),
            )
        row.outcome = outcome
        row.note = note.strip()
        row.attempted = attempted and may_carry and own
    Judgement.objects.bulk_update(rows.values(), ["outcome", "note", "attempted"])


def _is_own(standard: Standard, attempt: Attempt, code: str) -> bool:
    criterion = standard.criterion(code)
    return criterion is not None and criterion.method == attempt.method


def _bump(attempt: Attempt, actor: User, *fields: str) -> None:
    attempt.version += 1
    attempt.updated_by = actor
    attempt.updated_at = timezone.now()
    attempt.save(update_fields=["version", "updated_by", "updated_at", *fields])


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M on %-d %B %Y}"


def _check_accepted(booking: Booking) -> None:
    """Seed 003 §6 (no direct relationship with the apprentice): the assessor accepts the
    booking, confirming no conflict of interest, before its sheet opens."""
    if booking.no_conflict_confirmed_at is None:
        raise ActionRefused(
            "Accept this booking first: on the booking's page, confirm you have no conflict "
            "of interest with the apprentice, their employer or provider. The marking sheet "
            "opens once you have."
        )


def _check_times(booking: Booking, start: time | None, end: time | None) -> None:
    """The actual times are on the booked day: never before the booked start, and the end
    after the start."""
    booked = timezone.localtime(booking.starts_at).time().replace(second=0, microsecond=0)
    if start is not None and start < booked:
        raise ActionRefused(
            f"The actual start time ({start:%H:%M}) is before the booked start "
            f"({booked:%H:%M}): an assessment cannot start before its booked time.",
            field="actual_start",
        )
    if start is not None and end is not None and end <= start:
        raise ActionRefused(
            f"The actual end time ({end:%H:%M}) must be after the actual start time "
            f"({start:%H:%M}).",
            field="actual_end",
        )


def _check_notes(attempt: Attempt, rows: list[Judgement]) -> None:
    policy = policy_of(attempt.booking.enrolment)
    missing = missing_notes(policy, {j.criterion_code: (j.outcome, j.note) for j in rows})
    if missing:
        raise NotesMissing(
            {
                note_field(code): (
                    f"Write the evidence note for {code}: what you saw, heard or read that "
                    "supports this judgement."
                )
                for code in missing
            },
            f"Each judgement needs an evidence note, so that a quality assurer, an enquiry or "
            f"an appeal can see the evidence behind it ({policy.name} policy). Still without "
            f"a note: {', '.join(missing)}.",
        )


def _check_order(enrolment: Enrolment, attempt: Attempt) -> None:
    """The observation comes before the discussion: the domain's rule, applied to this
    sheet's day and every observation booked or marked for the enrolment."""
    standard = standard_of(enrolment)
    observed = (
        Booking.objects.filter(enrolment=enrolment, method=Method.OBSERVATION)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("starts_at", flat=True)
    )
    dated = [(Method(attempt.method), attempt.assessed_on)]
    dated += [(Method.OBSERVATION, timezone.localtime(s).date()) for s in observed]
    wrong = method_order_problem(standard, dated)
    if wrong is not None:
        later, earlier = wrong
        words = method_order_words(
            standard, dated[later], dated[earlier], day=lambda d: f"{d:%-d %B %Y}"
        )
        raise ActionRefused(f"This sheet cannot be submitted: {words[0].upper()}{words[1:]}.")


def _check_complete(attempt: Attempt, rows: list[Judgement]) -> None:
    if not attempt.photo_id_checked:
        raise ActionRefused(
            "Check the apprentice's photo ID before submitting.",
            field="photo_id_checked",
        )
    if attempt.actual_start is None:
        raise ActionRefused("Enter the actual start time before submitting.", field="actual_start")
    if attempt.actual_end is None:
        raise ActionRefused("Enter the actual end time before submitting.", field="actual_end")
    _check_times(attempt.booking, attempt.actual_start, attempt.actual_end)
    blank = [j.criterion_code for j in rows if not j.outcome]
    if blank:
        raise ActionRefused(
            f"Choose an outcome for every criterion before submitting; still to judge: "
            f"{', '.join(blank)}.",
            field=outcome_field(blank[0]),
        )
    _check_notes(attempt, rows)


def _grade(
    enrolment: Enrolment, attempts: list[DomainAttempt], *, amended: Attempt | None = None
) -> EpaResult:
    """Grade the whole EPA; a broken rule becomes a refusal naming the criterion."""
    try:
        return grade_attempts(enrolment, attempts)
    except SheetError as error:
        raise _refusal(error, amended) from error


def _refusal(error: SheetError, amended: Attempt | None) -> ActionRefused:
    rule = error.rule[0].upper() + error.rule[1:]
    prefix = "Cannot amend the sheet: " if amended is not None else ""
    _, _, code = error.where.partition(".judgements.")
    return ActionRefused(f"{prefix}{rule}.", field=outcome_field(code) if code else None)


def _all_methods_graded(enrolment: Enrolment, result: EpaResult) -> bool:
    standard = standard_of(enrolment)
    return result.overall != OverallGrade.INCOMPLETE and all(
        m.code in result.methods and result.methods[m.code].grade is not None
        for m in standard.methods
    )
