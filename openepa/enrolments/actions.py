"""Writes of apprentices and enrolments: registration and withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.domain.journey import Event
from openepa.domain.uln import validate_uln
from openepa.enrolments.journey import ActionRefused, lock_enrolment, transition
from openepa.enrolments.models import Apprentice, Enrolment, JourneyEvent
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


def _check_registration(actor: Any, reg: Registration) -> None:
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
    if not (reg.face_to_face or reg.non_facing):
        raise ActionRefused(
            "Choose at least one interaction mode: face-to-face, non-facing or both "
            "(it decides which observation criteria apply).",
            field="face_to_face",
        )
    if reg.date_of_birth >= reg.start_date:
        raise ActionRefused("Date of birth must be before the start date.", field="date_of_birth")
    if reg.planned_end_date <= reg.start_date:
        raise ActionRefused(
            "Planned end date must be after the start date.", field="planned_end_date"
        )


def do_register_enrolment(*, actor: Any, registration: Registration) -> Enrolment:
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
            if not created and apprentice.date_of_birth != reg.date_of_birth:
                raise ActionRefused(
                    f"ULN {uln} belongs to an apprentice with a different date of birth; check the ULN.",
                    field="uln",
                )
            if Enrolment.objects.filter(apprentice=apprentice, standard=reg.standard).exists():
                raise duplicate
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
                enrolment=enrolment, actor=actor, action="register", to_state=enrolment.state
            )
    except IntegrityError as exc:  # a concurrent registration of the same ULN won the race
        raise duplicate from exc
    return enrolment


def do_withdraw_enrolment(
    *, actor: Any, enrolment_id: int, reason: str, expected_version: int | None = None
) -> Enrolment:
    if not reason.strip():
        raise ActionRefused("Give the reason for the withdrawal.", field="reason")
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if enrolment.epao_id not in roles_of(actor).orgs(Role.EPAO_ADMIN):
            raise ActionRefused("Only the EPAO's admins can withdraw an apprentice.")
        transition(enrolment, Event.WITHDRAW, actor=actor, reason=reason.strip())
    return enrolment
