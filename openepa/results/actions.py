"""Writes of results: computing the overall result, releasing it, and what a missed resit
window leads to (issue 3 §8, §9). Each action is one transaction on the locked enrolment
and appends a JourneyEvent."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.assessments.grading import SUPERSEDED_KEY
from openepa.assessments.models import Attempt
from openepa.core.refusals import ActionRefused
from openepa.domain.dates import long_date, results_due
from openepa.domain.grading import OverallGrade, SheetError
from openepa.domain.journey import Event, State
from openepa.domain.resits import ResitPlan
from openepa.domain.steps import ResultStep
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.journey import lock_enrolment, record, transition
from openepa.enrolments.models import Enrolment
from openepa.quality.display import pending_words
from openepa.quality.queries import pending_samples, sign_off_of
from openepa.results.models import OverallResult
from openepa.results.queries import (
    GradedEpa,
    graded_epa,
    latest_released,
    method_snapshot,
    plan_for,
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def do_compute_result(*, enrolment_id: int, actor: User) -> OverallResult:
    """Snapshot the domain's EpaResult as an OverallResult once every method is graded.

    Called by the marking context when the last sheet is submitted (the enrolment is then
    awaiting results). The due date counts the policy's results deadline from the latest
    attempt (seed 004: 10 working days; None where the policy is silent). Computing again
    over the same attempts (e.g. after an amendment) updates the unreleased row; over other
    attempts it supersedes it, so only one result per enrolment awaits release.
    """
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        roles = roles_of(actor)
        # An IQA's amendment of a sampled sheet computes the result again (openepa.quality).
        staff = roles.orgs(Role.EPAO_ADMIN) | roles.orgs(Role.ASSESSOR) | roles.orgs(Role.IQA)
        if enrolment.epao_id not in staff:
            raise ActionRefused("Only the EPAO's admins, assessors and IQAs can compute results.")
        if enrolment.journey_state != State.AWAITING_RESULTS:
            raise ActionRefused(
                "Results are computed once every method is graded; this apprentice's EPA is "
                f"{enrolment.journey_state.label.lower()}."
            )
        try:
            graded = graded_epa(enrolment)
        except SheetError as problem:
            raise ActionRefused(f"The marking sheets cannot be graded: {problem}") from problem
        values = _result_values(enrolment, graded)
        pending = OverallResult.objects.select_for_update().filter(
            enrolment=enrolment, released_at__isnull=True, superseded_at__isnull=True
        )
        same = next((r for r in pending if r.attempt_ids == values["attempt_ids"]), None)
        if same is not None:
            for name, value in values.items():
                setattr(same, name, value)
            same.save(update_fields=list(values))
            result = same
        else:
            pending.update(superseded_at=timezone.now())
            result = OverallResult.objects.create(enrolment=enrolment, **values)
        record(
            enrolment,
            actor=actor,
            action=ResultStep.COMPUTE,
            data={
                "result_id": result.pk,
                "grade": result.grade,
                "capped": result.capped,
                "recomputed": same is not None,
            },
        )
    return result


class ResultValues(TypedDict):
    """The fields of an OverallResult computed from the graded attempts."""

    grade: str
    capped: bool
    methods: dict[str, dict[str, object]]
    reasons: list[str]
    last_component_on: date
    due_on: date | None
    first_component_on: date
    attempt_ids: list[int]
    iqa_signed_off_at: datetime | None
    iqa_signed_off_by_id: int | None


def _result_values(enrolment: Enrolment, graded: GradedEpa) -> ResultValues:
    """The OverallResult fields for the enrolment's graded attempts; refused while a method
    has no grade."""
    epa = graded.result
    if epa.overall == OverallGrade.INCOMPLETE:
        raise ActionRefused(f"Not every method has a grade yet: {'; '.join(epa.reasons)}.")
    last = max(row.assessed_on for row in graded.attempts)
    attempt_ids = sorted(row.pk for row in graded.attempts)
    # Every sampled decision may already be signed off when the last sheet comes in.
    signed_off_at, signed_off_by_id = sign_off_of(attempt_ids) or (None, None)
    return {
        "grade": epa.overall.value,
        "capped": epa.capped,
        "methods": {
            method.value: method_snapshot(result, graded.counted[method])
            for method, result in epa.methods.items()
        },
        "reasons": list(epa.reasons),
        "last_component_on": last,
        "due_on": results_due(last, policy_of(enrolment)),
        "first_component_on": min(row.assessed_on for row in graded.attempts),
        "attempt_ids": attempt_ids,
        "iqa_signed_off_at": signed_off_at,
        "iqa_signed_off_by_id": signed_off_by_id,
    }


def sign_off_results(attempt: Attempt, actor: User, now: datetime) -> None:
    """Mark each unreleased result computed from this decision as signed off by IQA once
    none of its sampled decisions is still open (OverallResult.iqa_signed_off_at). Run
    inside the IQA's sign-off (openepa.quality.hooks)."""
    results = OverallResult.objects.select_for_update().filter(
        enrolment_id=attempt.enrolment_id, released_at__isnull=True, superseded_at__isnull=True
    )
    for result in results:
        if attempt.pk in result.attempt_ids and not pending_samples(result.attempt_ids):
            result.iqa_signed_off_at = now
            result.iqa_signed_off_by = actor
            result.save(update_fields=["iqa_signed_off_at", "iqa_signed_off_by"])


def compute_after_grading(enrolment: Enrolment, actor: User) -> None:
    """Compute the result when marking grades every method or amends a sheet while the
    enrolment awaits results (openepa.assessments.hooks)."""
    do_compute_result(enrolment_id=enrolment.pk, actor=actor)


def do_release_results(
    *, actor: User, result_id: int, expected_version: int | None
) -> OverallResult:
    """Release the statement of results to the apprentice, employer and provider (seed 000
    §3). A Fail records the fail notification, which starts the resit window (seed 000 §4),
    and moves the enrolment to "resit or retake due"; a Pass or Distinction stays "results
    issued" until the certificate is requested. Refused while the policy holds results
    until IQA sign-off (``release_requires_iqa``) while any sampled decision of the result
    is not signed off; a result none of whose decisions was sampled has nothing to wait
    for."""
    enrolment_id = (
        OverallResult.objects.filter(pk=result_id).values_list("enrolment_id", flat=True).first()
    )
    if enrolment_id is None:
        raise ActionRefused("There is no such result.")
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins can release results.")
        result = OverallResult.objects.select_for_update().get(pk=result_id)
        result.enrolment = enrolment
        if result.released_at is not None:
            raise ActionRefused(
                f"These results were already released on {long_date(timezone.localdate(result.released_at))}."
            )
        if result.superseded_at is not None:
            raise ActionRefused(
                "These results were replaced by a later computation; release the latest result."
            )
        policy = policy_of(enrolment)
        if policy.release_requires_iqa:
            pending = pending_samples(result.attempt_ids)
            if pending:
                raise ActionRefused(
                    "These results cannot be released yet: this EPAO's policy holds results "
                    f"until IQA sign-off ({policy.name}), and internal quality assurance has "
                    f"not signed off {pending_words(pending)}."
                )
        now = timezone.now()
        result.released_at = now
        result.released_by = actor
        result.save(update_fields=["released_at", "released_by"])
        transition(
            enrolment,
            Event.RELEASE_RESULTS,
            actor=actor,
            data={"result_id": result.pk, "grade": result.grade, "capped": result.capped},
        )
        if result.grade == OverallGrade.FAIL.value:
            enrolment.fail_notified_on = timezone.localdate(now)
            plan = plan_for(result)
            transition(
                enrolment,
                Event.OFFER_RESIT,
                actor=actor,
                data=_plan_data(result, plan),
                extra_fields=("fail_notified_on",),
            )
        # The statement of results is emailed after commit by the journey's subscriber
        # (openepa.notifications: the release_results notice).
    return result


def _plan_data(result: OverallResult, plan: ResitPlan | None) -> dict[str, object]:
    if plan is None:
        return {"result_id": result.pk}
    return {
        "result_id": result.pk,
        "methods": [m.value for m in plan.methods],
        "deadline": _iso(plan.deadline),
        "all_methods_deadline": _iso(plan.all_methods_deadline),
        "expired": plan.expired,
    }


def _require_reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ActionRefused(message, field="reason")
    return reason


def _open_resit(enrolment: Enrolment, actor: User, what: str) -> tuple[OverallResult, ResitPlan]:
    """The released Fail and its resit plan; refused unless a resit or retake is due."""
    if not is_epao_admin(actor, enrolment.epao_id):
        raise ActionRefused(f"Only the EPAO's admins can {what}.")
    if enrolment.journey_state != State.RESIT_DUE:
        raise ActionRefused(
            f"You can {what} only while a resit or retake is due; this apprentice's EPA is "
            f"{enrolment.journey_state.label.lower()}."
        )
    result = latest_released(enrolment)
    plan = plan_for(result) if result is not None else None
    if result is None or plan is None:
        raise ActionRefused(f"There is no released Fail to {what} for.")
    return result, plan


def do_override_resit_window(
    *, actor: User, enrolment_id: int, reason: str, expected_version: int | None = None
) -> Enrolment:
    """Record exceptional circumstances that allow a resit or retake after the window
    (seed 000 §4: "... otherwise the entire EPA must be taken again, unless ... exceptional
    circumstances"). The bookings context reads the ``resit_window_override`` event."""
    reason = _require_reason(
        reason,
        "Describe the exceptional circumstances that allow a resit or retake after the window.",
    )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        result, plan = _open_resit(enrolment, actor, "record exceptional circumstances")
        if plan.next_deadline is None:
            raise ActionRefused(
                f"{policy_of(enrolment).name} sets no deadline for a resit or retake, so there "
                "is no window to override."
            )
        record(
            enrolment,
            actor=actor,
            action=ResultStep.OVERRIDE_RESIT_WINDOW,
            reason=reason,
            data=_plan_data(result, plan),
        )
    return enrolment


def do_restart_epa(
    *, actor: User, enrolment_id: int, reason: str, expected_version: int | None = None
) -> Enrolment:
    """The resit window was missed: the whole EPA is taken again (seed 000 §4; seed 004
    "otherwise the entire EPA will need to be resat / retaken"), back to planning.

    Earlier attempts stay in the history but no longer count: the restart_epa event lists
    them (``superseded_attempt_ids``) and openepa.results.queries.epa_result_for leaves them
    out of grading.
    """
    reason = _require_reason(reason, "Give the reason the whole EPA is taken again.")
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        result, plan = _open_resit(enrolment, actor, "restart the EPA")
        deadline = plan.next_deadline
        if deadline is None:
            raise ActionRefused(
                f"{policy_of(enrolment).name} sets no deadline for a resit or retake, so the "
                "failed methods are resat or retaken rather than the whole EPA taken again."
            )
        if not plan.expired:
            raise ActionRefused(
                f"The resit or retake window is open until {long_date(deadline)}; the whole EPA "
                "is taken again only once it has passed."
            )
        data = _plan_data(result, plan)
        data[SUPERSEDED_KEY] = list(enrolment.attempts.order_by("id").values_list("pk", flat=True))
        transition(enrolment, Event.RESTART_EPA, actor=actor, reason=reason, data=data)
    return enrolment


#: Completed: an enquiry or appeal after the certificate request (openepa.domain.journey).
REISSUE_STATES = frozenset({State.RESULTS_ISSUED, State.RESIT_DUE, State.COMPLETED})


def do_reissue_result(*, actor: User, enrolment_id: int, reason: str) -> OverallResult:
    """Re-grade a released result after an upheld enquiry about results or appeal amended a
    marking sheet (issue 5 §3), and re-issue the statement of results at once: the
    decision to change it was the case's, so it does not wait for another release.

    The earlier released row stays as history (``superseded_at`` set). A new Fail offers a
    resit or retake again; the resit window keeps counting from the first fail
    notification. A Pass or Distinction after a Fail ends the resit. Called by the cases
    context inside its own transaction; refused once a resit has been booked, since the
    result then no longer stands alone.
    """
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins can re-issue results.")
        if enrolment.journey_state not in REISSUE_STATES:
            raise ActionRefused(
                "A released result can be re-issued only while results are issued, a resit "
                "is due or the EPA is completed; this apprentice's EPA is "
                f"{enrolment.journey_state.label.lower()}."
            )
        previous = latest_released(enrolment)
        if previous is None:
            raise ActionRefused("There is no released result to re-issue.")
        try:
            graded = graded_epa(enrolment)
        except SheetError as problem:
            raise ActionRefused(f"The marking sheets cannot be graded: {problem}") from problem
        if (
            enrolment.journey_state == State.COMPLETED
            and graded.result.overall == OverallGrade.FAIL
        ):
            raise ActionRefused(
                "The certificate for this apprentice's Pass has been requested and the EPA is "
                "completed, so the result cannot be re-issued as a Fail here: the certificate "
                "must first be withdrawn with the Department for Education."
            )
        now = timezone.now()
        values = _result_values(enrolment, graded)
        values["due_on"] = previous.due_on
        result = OverallResult.objects.create(
            enrolment=enrolment, released_at=now, released_by=actor, **values
        )
        OverallResult.objects.filter(pk=previous.pk).update(superseded_at=now)
        data = {
            "result_id": result.pk,
            "replaces_result_id": previous.pk,
            "grade_before": previous.grade,
            "grade": result.grade,
            "capped": result.capped,
        }
        transition(enrolment, Event.REISSUE_RESULTS, actor=actor, reason=reason, data=data)
        if result.grade == OverallGrade.FAIL.value:
            fields: tuple[str, ...] = ()
            if enrolment.fail_notified_on is None or previous.grade != OverallGrade.FAIL.value:
                enrolment.fail_notified_on = timezone.localdate(now)
                fields = ("fail_notified_on",)
            transition(
                enrolment,
                Event.OFFER_RESIT,
                actor=actor,
                data=_plan_data(result, plan_for(result)),
                extra_fields=fields,
            )
    return result
