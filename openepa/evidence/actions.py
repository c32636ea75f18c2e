"""Writes of showcase evidence: upload and remove. The file is written before the
transaction and deleted again if the transaction fails, so no row ever points at a missing
file; a removed piece keeps its row (who, when) and loses its content after commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.journey import State
from openepa.domain.steps import EvidenceStep
from openepa.domain.uploads import FileKind, kind_for, upload_problems
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.enrolments.journey import lock_enrolment, record
from openepa.enrolments.models import Enrolment
from openepa.evidence import storage
from openepa.evidence.models import EvidenceFile, EvidenceTag
from openepa.evidence.suggestions import showcase_criteria, suggest
from openepa.evidence.text import extract_text

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
    return may_remove_from(actor, evidence.enrolment)


def may_remove_from(actor: User, enrolment: Enrolment) -> bool:
    """The apprentice's side, and the EPAO's admins, remove pieces of the portfolio."""
    return may_upload(actor, enrolment) or enrolment.epao_id in roles_of(actor).orgs(
        Role.EPAO_ADMIN
    )


def held(enrolment: Enrolment) -> int:
    return EvidenceFile.objects.filter(enrolment=enrolment, removed_at__isnull=True).count()


@dataclass(frozen=True)
class Piece:
    """One file of an upload, with the title it is listed under."""

    title: str
    upload: UploadedFile[bytes]


def _check_side(actor: User, enrolment: Enrolment) -> None:
    if not may_upload(actor, enrolment):
        raise ActionRefused("Only the apprentice, their employer and their provider add evidence.")
    if enrolment.journey_state not in OPEN_STATES:
        raise ActionRefused(
            f"Evidence can no longer be added: this apprentice's EPA is "
            f"{enrolment.journey_state.label.lower()}."
        )


def _check(
    actor: User, enrolment: Enrolment, pieces: Sequence[Piece], ai_declaration: bool
) -> list[FileKind]:
    _check_side(actor, enrolment)
    policy = policy_of(enrolment)
    already = held(enrolment)
    several = len(pieces) > 1
    problems: list[str] = []
    kinds: list[FileKind] = []
    limit = policy.portfolio_evidence_max
    if several and limit is not None and already + len(pieces) > limit:
        problems.append(
            f"The portfolio holds {already} pieces of evidence and this EPAO accepts at most "
            f"{limit}: choose at most {max(limit - already, 0)} files (you chose {len(pieces)})."
        )
    for piece in pieces:
        upload = piece.upload
        name = upload.name or ""
        head = storage.head_of(upload)
        found = upload_problems(
            name=name,
            size=upload.size or 0,
            head=head,
            max_bytes=settings.OPENEPA_UPLOAD_MAX_BYTES,
            held=0 if several else already,
            max_files=limit,
        )
        kind = kind_for(name, head)
        if (
            kind is not None
            and kind.signature.startswith(b"PK")
            and not storage.is_office_package(upload)
        ):
            found.append(f"{name!r} is not a Word or PowerPoint file: its package is broken.")
        if several:
            found = [f"{name}: {problem}" for problem in found]
        problems += found
        if kind is not None:
            kinds.append(kind)
    if problems or len(kinds) != len(pieces):
        raise ActionRefused(" ".join(problems), field="file")
    if policy.ai_declaration_required and not ai_declaration:
        raise ActionRefused(
            f"Confirm the declaration: the {policy.name} policy asks the apprentice to declare "
            "that the work is their own and that any use of AI tools is declared and referenced "
            f"({policy.cite('showcase')}).",
            field="ai_declaration",
        )
    return kinds


def title_for(piece: Piece) -> str:
    """The title given, else the file's name without its extension."""
    title = piece.title.strip()
    if title:
        return title[:200]
    name = (piece.upload.name or "").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem.replace("_", " ").strip() or "Evidence")[:200]


def do_upload_evidence(
    *,
    actor: User,
    enrolment_id: int,
    pieces: Sequence[Piece],
    ai_declaration: bool,
) -> list[EvidenceFile]:
    """Add one or several files to the portfolio in one go: all of them or none. Each is
    stored with the criteria its text suggests (never tagged: a person tags it next)."""
    if not pieces:
        raise ActionRefused("Choose at least one file to add.", "file")
    enrolment = Enrolment.objects.select_related("apprentice").get(pk=enrolment_id)
    kinds = _check(actor, enrolment, pieces, ai_declaration)
    standard = standard_of(enrolment)
    suggested = [
        suggest(standard, extract_text(piece.upload, kind.code))
        for piece, kind in zip(pieces, kinds, strict=True)
    ]
    stored: list[storage.Stored] = []
    try:
        for piece, kind in zip(pieces, kinds, strict=True):
            stored.append(storage.store(piece.upload, kind))
        with transaction.atomic():
            enrolment = lock_enrolment(enrolment_id)
            # Checked again under the lock: two uploads at once cannot pass the limit.
            kinds = _check(actor, enrolment, pieces, ai_declaration)
            added: list[EvidenceFile] = []
            for piece, kind, where, codes in zip(pieces, kinds, stored, suggested, strict=True):
                evidence = EvidenceFile.objects.create(
                    enrolment=enrolment,
                    title=title_for(piece),
                    original_name=(piece.upload.name or "evidence")[-255:],
                    stored_name=where.name,
                    content_type=kind.content_type,
                    size=piece.upload.size or 0,
                    sha256=where.sha256,
                    ai_declaration=ai_declaration,
                    uploaded_by=actor,
                    suggested=codes,
                )
                record(
                    enrolment,
                    actor=actor,
                    action=EvidenceStep.UPLOAD,
                    data={"evidence": evidence.pk, "title": evidence.title, "bytes": evidence.size},
                )
                added.append(evidence)
    except BaseException:
        for where in stored:
            storage.discard(where.name)
        raise
    return added


def do_tag_evidence(
    *,
    actor: User,
    evidence_id: int,
    criteria: Sequence[str],
    expected_version: int | None = None,
) -> EvidenceFile:
    """Set the showcase criteria a piece of evidence shows: the person's choice, replacing
    the previous one (an empty choice leaves the piece untagged)."""
    enrolment_id = (
        EvidenceFile.objects.filter(pk=evidence_id).values_list("enrolment_id", flat=True).get()
    )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        evidence = EvidenceFile.objects.select_for_update().get(pk=evidence_id)
        evidence.enrolment = enrolment
        _check_side(actor, enrolment)
        if evidence.removed_at is not None:
            raise ActionRefused("This piece of evidence was removed.")
        check_version(evidence.version, expected_version)
        standard = standard_of(enrolment)
        allowed = {c.code for c in showcase_criteria(standard)}
        unknown = [code for code in criteria if code not in allowed]
        if unknown:
            raise ActionRefused(
                f"{', '.join(unknown)} is not a criterion of the {standard.reference} "
                "showcase: choose from the list.",
                field="criteria",
            )
        chosen = list(dict.fromkeys(criteria))
        before = set(evidence.tags.values_list("criterion_code", flat=True))
        evidence.tags.exclude(criterion_code__in=chosen).delete()
        EvidenceTag.objects.bulk_create(
            EvidenceTag(evidence=evidence, criterion_code=code, tagged_by=actor)
            for code in chosen
            if code not in before
        )
        evidence.version += 1
        evidence.save(update_fields=["version"])
        record(
            enrolment,
            actor=actor,
            action=EvidenceStep.TAG,
            data={"evidence": evidence.pk, "title": evidence.title, "criteria": chosen},
        )
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
