"""Writes of apprentices and enrolments: registration and withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.core.refusals import ActionRefused
from openepa.domain.journey import Event
from openepa.domain.registration import (
    Problem,
    date_problems,
    identity_problem,
    interaction_mode_problems,
    name_problem,
)
from openepa.domain.steps import EnrolmentStep
from openepa.domain.uln import validate_uln
from openepa.enrolments import bulk
from openepa.enrolments.journey import lock_enrolment, transition
from openepa.enrolments.models import Apprentice, BulkUpload, Enrolment, JourneyEvent
from openepa.organisations.models import Organisation
from openepa.reference.models import StandardVersion


@dataclass(frozen=True)
class Registration:
    uln: str
    given_name: str
    family_name: str
    date_of_birth: date
    email: str
    standard: StandardVersion
    epao: Organisation
    employer: Organisation
    provider: Organisation
    start_date: date
    planned_end_date: date
    face_to_face: bool
    non_facing: bool
    ehcp: bool = False
    bsl: bool = False


def _check_registration(actor: User, reg: Registration) -> None:
    roles = roles_of(actor)
    may = reg.epao.pk in roles.orgs(Role.EPAO_ADMIN) or reg.provider.pk in roles.orgs(Role.PROVIDER)
    if not may:
        raise ActionRefused(
            "Only the EPAO's admins or the apprentice's training provider can register them."
        )
    problem = validate_uln(reg.uln)
    if problem:
        raise ActionRefused(problem, field="uln")
    if reg.epao.kind != Organisation.Kind.EPAO or reg.epao.policy_id is None:
        raise ActionRefused("Choose an end-point assessment organisation.", field="epao")
    if reg.employer.kind != Organisation.Kind.EMPLOYER:
        raise ActionRefused("Choose an employer.", field="employer")
    if reg.provider.kind != Organisation.Kind.PROVIDER:
        raise ActionRefused("Choose a training provider.", field="provider")
    # The same rules as a CSV row (openepa.domain.registration); the first one broken is shown.
    names = {"given_name": "Given name", "family_name": "Family name"}
    problems = [
        *(
            Problem(key, message)
            for key, label in names.items()
            if (message := name_problem(getattr(reg, key), label=label))
        ),
        *interaction_mode_problems(face_to_face=reg.face_to_face, non_facing=reg.non_facing),
        *date_problems(
            date_of_birth=reg.date_of_birth,
            start_date=reg.start_date,
            planned_end_date=reg.planned_end_date,
        ),
    ]
    if problems:
        raise ActionRefused(problems[0].message, field=problems[0].field)


def do_register_enrolment(*, actor: User, registration: Registration) -> Enrolment:
    """Register an apprentice on a standard (issue 3 §3). A ULN already registered on the
    same standard is refused; the database's unique constraints back the check."""
    reg = registration
    _check_registration(actor, reg)
    policy = reg.epao.policy
    if policy is None:  # checked above; this tells the type checker too
        raise ActionRefused("Choose an end-point assessment organisation.", field="epao")
    uln = reg.uln.strip()
    duplicate = ActionRefused(
        f"An apprentice with ULN {uln} is already registered on {reg.standard.reference}.",
        field="uln",
    )
    try:
        with transaction.atomic():
            apprentice, created = Apprentice.objects.select_for_update().get_or_create(
                uln=uln,
                defaults={
                    "given_name": reg.given_name.strip(),
                    "family_name": reg.family_name.strip(),
                    "date_of_birth": reg.date_of_birth,
                    "email": reg.email.strip(),
                },
            )
            if Enrolment.objects.filter(apprentice=apprentice, standard=reg.standard).exists():
                raise duplicate
            mismatch = None if created else _identity_problem(apprentice, reg)
            if mismatch:
                raise ActionRefused(mismatch, field="uln")
            enrolment = Enrolment.objects.create(
                apprentice=apprentice,
                standard=reg.standard,
                epao=reg.epao,
                employer=reg.employer,
                provider=reg.provider,
                policy=policy,
                start_date=reg.start_date,
                planned_end_date=reg.planned_end_date,
                face_to_face=reg.face_to_face,
                non_facing=reg.non_facing,
                ehcp=reg.ehcp,
                bsl=reg.bsl,
            )
            JourneyEvent.objects.create(
                enrolment=enrolment,
                actor=actor,
                action=EnrolmentStep.REGISTER,
                to_state=enrolment.state,
            )
    except IntegrityError as exc:  # a concurrent registration of the same ULN won the race
        raise duplicate from exc
    return enrolment


def _identity_problem(apprentice: Apprentice, reg: Registration) -> str | None:
    return identity_problem(
        uln=apprentice.uln,
        recorded_given=apprentice.given_name,
        recorded_family=apprentice.family_name,
        recorded_birth=apprentice.date_of_birth,
        given_name=reg.given_name,
        family_name=reg.family_name,
        date_of_birth=reg.date_of_birth,
    )


def do_bulk_register_enrolments(
    *,
    actor: User,
    content: bytes,
    filename: str,
    epao: Organisation,
    standard: StandardVersion,
    mode: str = BulkUpload.Mode.ALL_OR_NOTHING,
    max_rows: int | None = None,
) -> BulkUpload:
    """Register the apprentices of a CSV file (issue 4 item 5) under the rules of the
    registration page, in one transaction: every row is checked, then either every row is
    registered or nobody is when any row has an error (ALL_OR_NOTHING, the default), the
    valid rows only (VALID_ONLY), or nobody (CHECK_ONLY). The per-row report is stored.

    A provider registers for themselves (a blank provider column); an EPAO admin names the
    provider on every row."""
    roles = roles_of(actor)
    is_admin = epao.pk in roles.orgs(Role.EPAO_ADMIN)
    if not (is_admin or roles.has(Role.PROVIDER)):
        raise ActionRefused(
            "Only the EPAO's admins or the apprentices' training provider can register them."
        )
    policy = epao.policy
    if epao.kind != Organisation.Kind.EPAO or policy is None:
        raise ActionRefused("Choose an end-point assessment organisation.", field="epao")
    if mode not in BulkUpload.Mode.values:
        raise ActionRefused("Choose what to do with the file.", field="mode")
    limit = settings.OPENEPA_BULK_MAX_ROWS if max_rows is None else max_rows
    rows = bulk.read_rows(content, provider_required=is_admin, max_rows=limit)
    try:
        with transaction.atomic():
            ready = bulk.check_against_records(
                rows, actor=actor, standard=standard, provider_required=is_admin
            )
            errors = sum(1 for r in rows if not r.valid)
            register = mode == BulkUpload.Mode.VALID_ONLY or (
                mode == BulkUpload.Mode.ALL_OR_NOTHING and errors == 0
            )
            registered = (
                bulk.create_enrolments(
                    ready, actor=actor, epao=epao, standard=standard, policy=policy
                )
                if register
                else 0
            )
            return BulkUpload.objects.create(
                uploaded_by=actor,
                epao=epao,
                standard=standard,
                filename=filename[:255],
                mode=mode,
                row_count=len(rows),
                error_row_count=errors,
                registered_count=registered,
                rows=bulk.report_rows(rows),
            )
    except IntegrityError as exc:  # another registration of one of the ULNs won the race
        raise ActionRefused(
            "One of these apprentices was registered by someone else while the file was "
            "being checked, so nobody was registered. Upload the file again for a fresh report.",
            field="file",
        ) from exc


def do_withdraw_enrolment(
    *, actor: User, enrolment_id: int, reason: str, expected_version: int | None = None
) -> Enrolment:
    if not reason.strip():
        raise ActionRefused("Give the reason for the withdrawal.", field="reason")
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not is_epao_admin(actor, enrolment.epao_id):
            raise ActionRefused("Only the EPAO's admins can withdraw an apprentice.")
        transition(enrolment, Event.WITHDRAW, actor=actor, reason=reason.strip())
    return enrolment
