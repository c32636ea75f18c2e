"""Writes for gateway: submit (provider or employer), accept or reject (EPAO admin).

Seed 000 §2.2: the evidence, and "Apprentices will not be accepted at EPA Gateway if the
evidence required is not sufficiently met" — insufficient evidence is rejected with the
reasons. Every submission stays as its own row, so a rejection and the resubmission that
follows it are both in the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.core.refusals import ActionRefused
from openepa.domain.eligibility import EVIDENCE
from openepa.domain.journey import Event
from openepa.enrolments.actions import record_training_plan
from openepa.enrolments.journey import lock_enrolment, transition
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewaySubmission
from openepa.gateway.queries import current_eligibility, eligibility_record


@dataclass(frozen=True)
class GatewayEvidence:
    gateway_date: date
    english: str
    maths: str
    english_level_2_attempted: bool = False
    maths_level_2_attempted: bool = False
    bsl_qualification: bool = False
    adjustment_requested: bool = False
    showcase_format: str = ""
    evidence: tuple[str, ...] = ()
    notes: str = ""
    #: The employer keeps English, and maths, in the training plan (19+ at start, from
    #: 11 February 2025); recorded on the enrolment too, with who and when.
    english_in_training_plan: bool = False
    maths_in_training_plan: bool = False


#: What a decision writes on the submission, the eligibility it was made on included.
DECISION_FIELDS = ("status", "decided_by", "decided_at", "decision_reasons", "recorded_eligibility")


def _check_evidence(evidence: GatewayEvidence) -> None:
    if evidence.gateway_date > timezone.localdate():
        raise ActionRefused(
            "The gateway meeting date cannot be in the future: record the meeting once it has been held.",
            field="gateway_date",
        )
    unknown = sorted(set(evidence.evidence) - set(EVIDENCE))
    if unknown:
        raise ActionRefused(f"Unknown evidence: {', '.join(unknown)}.", field="evidence")


def _submitter(actor: User, enrolment: Enrolment) -> bool:
    roles = roles_of(actor)
    return enrolment.provider_id in roles.orgs(Role.PROVIDER) or (
        enrolment.employer_id in roles.orgs(Role.EMPLOYER)
    )


def do_submit_gateway(
    *,
    actor: User,
    enrolment_id: int,
    evidence: GatewayEvidence,
    expected_version: int | None = None,
) -> GatewaySubmission:
    """The provider or employer sends the gateway evidence (seed 000 §2.2). Allowed when
    the enrolment is registered or its last submission was rejected."""
    _check_evidence(evidence)
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not _submitter(actor, enrolment):
            raise ActionRefused(
                "Only the apprentice's training provider or employer can submit gateway evidence."
            )
        submission = GatewaySubmission.objects.create(
            enrolment=enrolment,
            submitted_by=actor,
            gateway_date=evidence.gateway_date,
            english=evidence.english,
            maths=evidence.maths,
            english_level_2_attempted=evidence.english_level_2_attempted,
            maths_level_2_attempted=evidence.maths_level_2_attempted,
            bsl_qualification=evidence.bsl_qualification,
            adjustment_requested=evidence.adjustment_requested,
            showcase_format=evidence.showcase_format,
            evidence=sorted(set(evidence.evidence)),
            notes=evidence.notes.strip(),
            english_in_training_plan=evidence.english_in_training_plan,
            maths_in_training_plan=evidence.maths_in_training_plan,
        )
        extra = record_training_plan(
            enrolment, evidence.english_in_training_plan, evidence.maths_in_training_plan, actor
        )
        # The transition refuses any state but registered or gateway rejected, rolling the
        # row above back with it.
        transition(
            enrolment,
            Event.SUBMIT_GATEWAY,
            actor=actor,
            data={"submission": submission.pk},
            extra_fields=extra,
        )
    return submission


def _open_submission(enrolment: Enrolment) -> GatewaySubmission:
    submission = (
        GatewaySubmission.objects.select_for_update()
        .filter(enrolment=enrolment, status=GatewaySubmission.Status.SUBMITTED)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if submission is None:
        raise ActionRefused("There is no gateway submission waiting for a decision.")
    return submission


def do_accept_gateway(
    *, actor: User, enrolment_id: int, notes: str = "", expected_version: int | None = None
) -> GatewaySubmission:
    """An EPAO admin accepts the open submission; refused while the domain eligibility has
    any unmet requirement, naming each (seed 000 §2.1, §2.2; seed 002; seed 004). The
    acceptance date anchors the EPA window of gateway-anchored policies (seed 004)."""
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins can decide on gateway.")
        submission = _open_submission(enrolment)
        eligibility = current_eligibility(submission)
        if not eligibility.eligible:
            unmet = "; ".join(r.reason for r in eligibility.unmet)
            raise ActionRefused(
                f"Gateway cannot be accepted: {len(eligibility.unmet)} requirement(s) not met — "
                f"{unmet}. Reject the submission with these reasons instead."
            )
        today = timezone.localdate()
        submission.status = GatewaySubmission.Status.ACCEPTED
        submission.decided_by = actor
        submission.decided_at = timezone.now()
        submission.decision_reasons = notes.strip()
        submission.recorded_eligibility = eligibility_record(eligibility)
        submission.save(update_fields=[*DECISION_FIELDS])
        enrolment.gateway_accepted_on = today
        transition(
            enrolment,
            Event.ACCEPT_GATEWAY,
            actor=actor,
            reason=notes.strip(),
            data={"submission": submission.pk},
            extra_fields=("gateway_accepted_on",),
        )
    return submission


def do_reject_gateway(
    *, actor: User, enrolment_id: int, reasons: str, expected_version: int | None = None
) -> GatewaySubmission:
    """An EPAO admin rejects the open submission with the reasons (seed 000 §2.2); the
    provider or employer can then resubmit."""
    if not reasons.strip():
        raise ActionRefused(
            "Give the reasons for the rejection: the provider and employer need them to resubmit.",
            field="reasons",
        )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins can decide on gateway.")
        submission = _open_submission(enrolment)
        submission.status = GatewaySubmission.Status.REJECTED
        submission.decided_by = actor
        submission.decided_at = timezone.now()
        submission.decision_reasons = reasons.strip()
        submission.recorded_eligibility = eligibility_record(current_eligibility(submission))
        submission.save(update_fields=[*DECISION_FIELDS])
        transition(
            enrolment,
            Event.REJECT_GATEWAY,
            actor=actor,
            reason=reasons.strip(),
            data={"submission": submission.pk},
        )
    return submission
