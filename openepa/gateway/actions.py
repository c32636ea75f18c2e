"""Writes for gateway: submit (provider or employer), accept or reject (EPAO admin).

Seed 000 §2.2: the evidence, and "Apprentices will not be accepted at EPA Gateway if the
evidence required is not sufficiently met" — insufficient evidence is rejected with the
reasons. Every submission stays as its own row, so a rejection and the resubmission that
follows it are both in the history."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.core import uploads
from openepa.core.refusals import ActionRefused
from openepa.domain.eligibility import EVIDENCE
from openepa.domain.gateway_tasks import DETAILS, Party, TaskKind, gateway_tasks
from openepa.domain.journey import Event
from openepa.domain.steps import GatewayStep
from openepa.enrolments.actions import record_training_plan
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.journey import lock_enrolment, record, transition
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewayItem, GatewaySubmission, RequirementReview
from openepa.gateway.queries import (
    PREPARING_STATES,
    TaskRow,
    current_eligibility,
    eligibility_record,
    latest_reviews,
    task_list,
)

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


def _create_submission(
    actor: User, enrolment: Enrolment, evidence: GatewayEvidence, task_items: dict[str, list[int]]
) -> GatewaySubmission:
    """The submission row, the training plan and the journey step, on a locked enrolment."""
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
        task_items=task_items,
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


def do_submit_gateway(
    *,
    actor: User,
    enrolment_id: int,
    evidence: GatewayEvidence,
    expected_version: int | None = None,
) -> GatewaySubmission:
    """The provider or employer sends the gateway evidence as declared codes, without the
    task list (seed 000 §2.2). No page calls it any more: the pages submit the task list
    (do_submit_gateway_tasks); other contexts' tests use it to reach a gateway quickly,
    and such a submission is decided on the eligibility alone as before. Allowed when the
    enrolment is registered or its last submission was rejected."""
    _check_evidence(evidence)
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        return _create_submission(actor, enrolment, evidence, {})


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
        if submission.task_items:
            waiting = _not_accepted(submission)
            if waiting:
                raise ActionRefused(
                    "Gateway cannot be accepted until every requirement is accepted: "
                    f"{len(waiting)} not accepted yet — {', '.join(waiting)}."
                )
        eligibility = current_eligibility(submission)
        if not eligibility.eligible:
            unmet = "; ".join(r.reason for r in eligibility.unmet)
            instead = (
                "Return the requirement concerned (the details for English, maths or the "
                "dates) with these reasons instead."
                if submission.task_items
                else "Reject the submission with these reasons instead."
            )
            raise ActionRefused(
                f"Gateway cannot be accepted: {len(eligibility.unmet)} requirement(s) not met — "
                f"{unmet}. {instead}"
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
    provider or employer can then resubmit. A task-list submission goes back only once
    every requirement is reviewed and at least one returned: the returned ones, with their
    reasons, are the rejection's reasons (and the provider's tasks to redo)."""
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins can decide on gateway.")
        submission = _open_submission(enrolment)
        if submission.task_items:
            reasons = _returned_reasons(submission, reasons)
        if not reasons.strip():
            raise ActionRefused(
                "Give the reasons for the rejection: the provider and employer need them to "
                "resubmit.",
                field="reasons",
            )
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


def _task_titles(submission: GatewaySubmission) -> dict[str, str]:
    policy = policy_of(submission.enrolment)
    return {t.code: t.title for t in gateway_tasks(policy, True)}


def _not_accepted(submission: GatewaySubmission) -> list[str]:
    """The titles of the requirements not (yet) accepted, in the task list's order."""
    titles = _task_titles(submission)
    reviews = latest_reviews(submission)
    return [
        titles.get(code, code)
        for code in submission.task_items
        if code not in reviews or reviews[code].outcome != RequirementReview.Outcome.ACCEPTED
    ]


def _returned_reasons(submission: GatewaySubmission, notes: str) -> str:
    titles = _task_titles(submission)
    reviews = latest_reviews(submission)
    unreviewed = [titles.get(c, c) for c in submission.task_items if c not in reviews]
    if unreviewed:
        raise ActionRefused(
            "Review every requirement before returning the gateway: "
            f"{len(unreviewed)} not reviewed yet — {', '.join(unreviewed)}.",
            field="reasons",
        )
    returned = [
        f"- {titles.get(code, code)}: {reviews[code].reason}"
        for code in submission.task_items
        if reviews[code].outcome == RequirementReview.Outcome.RETURNED
    ]
    if not returned:
        raise ActionRefused(
            "Every requirement is accepted: accept the gateway, or return a requirement with "
            "its reason first.",
            field="reasons",
        )
    return "\n".join([*returned, *([notes.strip()] if notes.strip() else [])])


# The task list -------------------------------------------------------------------------


@dataclass(frozen=True)
class GatewayDetails:
    """The details task: what used to be the whole gateway form, without the evidence codes
    (those now come from the tasks' documents and sign-offs)."""

    gateway_date: date
    english: str
    maths: str
    english_level_2_attempted: bool = False
    maths_level_2_attempted: bool = False
    bsl_qualification: bool = False
    adjustment_requested: bool = False
    showcase_format: str = ""
    notes: str = ""
    #: The employer keeps English, and maths, in the training plan (19+ at start, from
    #: 11 February 2025); recorded on the enrolment too, with who and when.
    english_in_training_plan: bool = False
    maths_in_training_plan: bool = False

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "gateway_date": self.gateway_date.isoformat()}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> GatewayDetails:
        return cls(**{**raw, "gateway_date": date.fromisoformat(raw["gateway_date"])})


@dataclass(frozen=True)
class GatewayEvidence(GatewayDetails):
    """A whole gateway in one go (`do_submit_gateway`, the quick route other areas' tests
    take to a gateway): the details and the evidence codes."""

    evidence: tuple[str, ...] = ()


def _preparing(actor: User, enrolment: Enrolment) -> None:
    if not _submitter(actor, enrolment):
        raise ActionRefused(
            "Only the apprentice's training provider or employer prepares the gateway."
        )
    if enrolment.journey_state not in PREPARING_STATES:
        raise ActionRefused(
            f"The gateway cannot be changed now: it is {enrolment.journey_state.label.lower()}."
        )


def _editable_row(enrolment: Enrolment, code: str) -> TaskRow:
    row = task_list(enrolment).row(code)
    if row is None:
        raise ActionRefused("This EPAO's policy does not ask for that at gateway.")
    if not row.editable:
        raise ActionRefused(
            f"{row.task.title} was accepted by the EPAO and is kept as it is.", field="task"
        )
    return row


def _next_number(enrolment: Enrolment, code: str) -> int:
    return GatewayItem.objects.filter(enrolment=enrolment, task=code).count() + 1


def do_save_gateway_details(
    *, actor: User, enrolment_id: int, details: GatewayDetails
) -> GatewayItem:
    """The details task, saved as a new version (the earlier ones stay)."""
    if details.gateway_date > timezone.localdate():
        raise ActionRefused(
            "The gateway meeting date cannot be in the future: record the meeting once it has "
            "been held.",
            field="gateway_date",
        )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        _preparing(actor, enrolment)
        _editable_row(enrolment, DETAILS.code)
        item = GatewayItem.objects.create(
            enrolment=enrolment,
            task=DETAILS.code,
            kind=GatewayItem.Kind.DETAILS,
            number=_next_number(enrolment, DETAILS.code),
            created_by=actor,
            details=details.as_json(),
        )
        record(
            enrolment,
            actor=actor,
            action=GatewayStep.SAVE_DETAILS,
            data={"item": item.pk, "task": DETAILS.code},
        )
    return item


def _document_problems(actor: User, enrolment: Enrolment, code: str) -> TaskRow:
    _preparing(actor, enrolment)
    row = _editable_row(enrolment, code)
    if row.task.kind == TaskKind.SIGN_OFF:
        raise ActionRefused(f"{row.task.title} is signed, not uploaded.")
    return row


def do_upload_gateway_document(
    *, actor: User, enrolment_id: int, task: str, title: str, upload: UploadedFile[bytes]
) -> GatewayItem:
    """A document for a task, checked and stored like showcase evidence
    (openepa.core.uploads). The file is written before the transaction and deleted again
    if it fails, so no row points at a missing file."""
    title = title.strip()
    if not title:
        raise ActionRefused("Give the document a title, e.g. 'Maths certificate'.", "title")
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    _document_problems(actor, enrolment, task)
    kind = uploads.checked_kind(upload)
    stored = uploads.store(upload, kind)
    try:
        with transaction.atomic():
            enrolment = lock_enrolment(enrolment_id)
            _document_problems(actor, enrolment, task)
            item = GatewayItem.objects.create(
                enrolment=enrolment,
                task=task,
                kind=GatewayItem.Kind.DOCUMENT,
                number=_next_number(enrolment, task),
                created_by=actor,
                title=title[:200],
                original_name=(upload.name or "document")[-255:],
                stored_name=stored.name,
                content_type=kind.content_type,
                size=upload.size or 0,
                sha256=stored.sha256,
            )
            record(
                enrolment,
                actor=actor,
                action=GatewayStep.UPLOAD_DOCUMENT,
                data={"item": item.pk, "task": task, "title": item.title, "bytes": item.size},
            )
    except BaseException:
        uploads.discard(stored.name)
        raise
    return item


def do_withdraw_gateway_document(*, actor: User, item_id: int) -> GatewayItem:
    """Take out a document added by mistake, before it is submitted. The row and the file
    stay (who withdrew it and when); a submitted document is never withdrawn."""
    enrolment_id = GatewayItem.objects.values_list("enrolment_id", flat=True).get(pk=item_id)
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        _preparing(actor, enrolment)
        item = GatewayItem.objects.select_for_update().get(pk=item_id)
        if item.kind != GatewayItem.Kind.DOCUMENT or item.submission_id is not None:
            raise ActionRefused("A submitted document stays with the gateway's history.")
        if item.withdrawn_at is not None:
            raise ActionRefused("This document was already withdrawn.")
        item.withdrawn_at = timezone.now()
        item.withdrawn_by = actor
        item.save(update_fields=["withdrawn_at", "withdrawn_by"])
        record(
            enrolment,
            actor=actor,
            action=GatewayStep.WITHDRAW_DOCUMENT,
            data={"item": item.pk, "task": item.task, "title": item.title},
        )
    return item


def _party_of(actor: User, enrolment: Enrolment) -> set[Party]:
    roles = roles_of(actor)
    parties = set()
    if enrolment.employer_id in roles.orgs(Role.EMPLOYER):
        parties.add(Party.EMPLOYER)
    if enrolment.provider_id in roles.orgs(Role.PROVIDER):
        parties.add(Party.PROVIDER)
    return parties


def do_sign_off_gateway(
    *, actor: User, enrolment_id: int, task: str, confirmed: bool
) -> GatewayItem:
    """The employer's or the provider's sign-off, each only by someone of that party
    signed in as themselves (seed 000 §2.2; seed 002 Gateway)."""
    if not confirmed:
        raise ActionRefused("Tick the declaration to sign off.", field="confirmed")
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        _preparing(actor, enrolment)
        row = _editable_row(enrolment, task)
        if row.task.kind != TaskKind.SIGN_OFF or row.task.party is None:
            raise ActionRefused(f"{row.task.title} takes documents, not a sign-off.")
        if row.task.party not in _party_of(actor, enrolment):
            who = "employer" if row.task.party == Party.EMPLOYER else "training provider"
            raise ActionRefused(
                f"Only the apprentice's {who} signs this, signed in as themselves.",
                field="confirmed",
            )
        item = GatewayItem.objects.create(
            enrolment=enrolment,
            task=task,
            kind=GatewayItem.Kind.SIGN_OFF,
            number=_next_number(enrolment, task),
            created_by=actor,
            declaration=row.task.declaration,
        )
        record(
            enrolment,
            actor=actor,
            action=GatewayStep.SIGN_OFF,
            data={"item": item.pk, "task": task},
        )
    return item


def do_submit_gateway_tasks(
    *, actor: User, enrolment_id: int, declared: bool, expected_version: int | None = None
) -> GatewaySubmission:
    """Submit the task list, as checked on the "check your answers" page: refused while
    any task is not done (each named). The evidence codes the eligibility reads come from
    the tasks done; an accepted task is carried over with the very items accepted."""
    if not declared:
        raise ActionRefused(
            "Confirm the declaration before submitting the gateway.", field="declared"
        )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        _preparing(actor, enrolment)
        tasks = task_list(enrolment)
        if not tasks.ready:
            undone = ", ".join(f"{r.task.title} ({r.status_words.lower()})" for r in tasks.undone)
            raise ActionRefused(
                f"The gateway cannot be submitted yet: {len(tasks.undone)} task(s) not done — "
                f"{undone}."
            )
        details = GatewayDetails.from_json(tasks.details or {})
        codes = {r.task.evidence_code for r in tasks.rows if r.task.evidence_code and r.items}
        evidence = GatewayEvidence(
            evidence=tuple(sorted(c for c in codes if c is not None)), **asdict(details)
        )
        task_items = {r.task.code: [i.pk for i in r.items] for r in tasks.rows}
        submission = _create_submission(actor, enrolment, evidence, task_items)
        GatewayItem.objects.filter(
            pk__in=[i.pk for r in tasks.rows for i in r.items], submission__isnull=True
        ).update(submission=submission)
    return submission


def do_review_requirement(
    *, actor: User, enrolment_id: int, task: str, accept: bool, reason: str = ""
) -> RequirementReview:
    """An EPAO admin accepts one requirement of the open submission, or returns it with a
    reason the provider and employer will read. Another review of the same requirement is
    a new row: the latest counts until the gateway is decided."""
    reason = reason.strip()
    if not accept and not reason:
        raise ActionRefused(
            "Give the reason for returning this requirement: the provider and employer need it "
            "to redo it.",
            field="reason",
        )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins review gateway requirements.")
        submission = _open_submission(enrolment)
        if task not in submission.task_items:
            raise ActionRefused("This submission has no such requirement.")
        review = RequirementReview.objects.create(
            submission=submission,
            task=task,
            outcome=RequirementReview.Outcome.ACCEPTED
            if accept
            else RequirementReview.Outcome.RETURNED,
            reason=reason,
            decided_by=actor,
        )
        record(
            enrolment,
            actor=actor,
            action=GatewayStep.REVIEW_REQUIREMENT,
            reason=reason,
            data={"submission": submission.pk, "task": task, "outcome": review.outcome},
        )
    return review
