"""Writes of showcase evidence: upload and remove. The file is written before the
transaction and deleted again if the transaction fails, so no row ever points at a missing
file; a removed piece keeps its row (who, when) and loses its content after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.refusals import ActionRefused
from openepa.domain.journey import State
from openepa.domain.steps import EvidenceStep
from openepa.domain.uploads import FileKind, kind_for, upload_problems
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.journey import lock_enrolment, record
from openepa.enrolments.models import Enrolment
from openepa.evidence import storage
from openepa.evidence.models import EvidenceFile

#: Evidence is gathered until the assessment is over, and again while a resit is due.
OPEN_STATES = frozenset(
    {
        State.REGISTERED,
        State.GATEWAY_SUBMITTED,
        State.GATEWAY_REJECTED,
        State.GATEWAY_ACCEPTED,
        State.PLANNING,
        State.IN_ASSESSMENT,
        State.RESIT_DUE,
    }
)


def may_upload(actor: User, enrolment: Enrolment) -> bool:
    """The apprentice's side gathers the portfolio: the apprentice, employer and provider."""
    roles = roles_of(actor)
    return (
        enrolment.employer_id in roles.orgs(Role.EMPLOYER)
        or enrolment.provider_id in roles.orgs(Role.PROVIDER)
        or (roles.is_apprentice and enrolment.apprentice.user_id == actor.pk)
    )


def may_remove(actor: User, evidence: EvidenceFile) -> bool:
    enrolment = evidence.enrolment
    return may_upload(actor, enrolment) or enrolment.epao_id in roles_of(actor).orgs(
        Role.EPAO_ADMIN
    )


def held(enrolment: Enrolment) -> int:
    return EvidenceFile.objects.filter(enrolment=enrolment, removed_at__isnull=True).count()


def _check(
    actor: User, enrolment: Enrolment, upload: UploadedFile[bytes], ai_declaration: bool
) -> FileKind:
    if not may_upload(actor, enrolment):
        raise ActionRefused("Only the apprentice, their employer and their provider add evidence.")
    if enrolment.journey_state not in OPEN_STATES:
        raise ActionRefused(
            f"Evidence can no longer be added: this apprentice's EPA is "
            f"{enrolment.journey_state.label.lower()}."
        )
    policy = policy_of(enrolment)
    name = upload.name or ""
    head = storage.head_of(upload)
    problems = upload_problems(
        name=name,
        size=upload.size or 0,
        head=head,
        max_bytes=settings.OPENEPA_UPLOAD_MAX_BYTES,
        held=held(enrolment),
        max_files=policy.portfolio_evidence_max,
    )
    kind = kind_for(name, head)
    if (
        kind is not None
        and kind.signature.startswith(b"PK")
        and not storage.is_office_package(upload)
    ):
        problems.append(f"{name!r} is not a Word or PowerPoint file: its package is broken.")
    if problems or kind is None:
        raise ActionRefused(" ".join(problems), field="file")
    if policy.ai_declaration_required and not ai_declaration:
        raise ActionRefused(
            f"Confirm the declaration: the {policy.name} policy asks the apprentice to declare "
            "that the work is their own and that any use of AI tools is declared and referenced "
            f"({policy.cite('showcase')}).",
            field="ai_declaration",
        )
    return kind


def do_upload_evidence(
    *, actor: User, enrolment_id: int, title: str, upload: UploadedFile[bytes], ai_declaration: bool
) -> EvidenceFile:
    title = title.strip()
    if not title:
        raise ActionRefused("Give the evidence a title, e.g. 'Customer feedback log'.", "title")
    enrolment = Enrolment.objects.select_related("apprentice").get(pk=enrolment_id)
    kind = _check(actor, enrolment, upload, ai_declaration)
    stored = storage.store(upload, kind)
    try:
        with transaction.atomic():
            enrolment = lock_enrolment(enrolment_id)
            # Checked again under the lock: two uploads at once cannot pass the limit.
            kind = _check(actor, enrolment, upload, ai_declaration)
            evidence = EvidenceFile.objects.create(
                enrolment=enrolment,
                title=title,
                original_name=(upload.name or "evidence")[-255:],
                stored_name=stored.name,
                content_type=kind.content_type,
                size=upload.size or 0,
                sha256=stored.sha256,
                ai_declaration=ai_declaration,
                uploaded_by=actor,
            )
            record(
                enrolment,
                actor=actor,
                action=EvidenceStep.UPLOAD,
                data={"evidence": evidence.pk, "title": title, "bytes": evidence.size},
            )
    except BaseException:
        storage.discard(stored.name)
        raise
    return evidence


def do_remove_evidence(*, actor: User, evidence_id: int, reason: str = "") -> EvidenceFile:
    enrolment_id = EvidenceFile.objects.values_list("enrolment_id", flat=True).get(pk=evidence_id)
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        evidence = EvidenceFile.objects.select_for_update().get(pk=evidence_id)
        evidence.enrolment = enrolment
        if not may_remove(actor, evidence):
            raise ActionRefused("Only the apprentice's side or the EPAO's admins remove evidence.")
        if evidence.removed_at is not None:
            raise ActionRefused("This piece of evidence was already removed.")
        if enrolment.journey_state not in OPEN_STATES:
            raise ActionRefused(
                "Evidence that has been assessed is kept with the assessment record."
            )
        evidence.removed_at = timezone.now()
        evidence.removed_by = actor
        evidence.save(update_fields=["removed_at", "removed_by"])
        record(
            enrolment,
            actor=actor,
            action=EvidenceStep.REMOVE,
            reason=reason,
            data={"evidence": evidence.pk, "title": evidence.title},
        )
        name = evidence.stored_name
        transaction.on_commit(lambda: storage.discard(name))
    return evidence
