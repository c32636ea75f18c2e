"""Writes of apprentices and enrolments: registration, withdrawal, and the employer's
decisions (English and maths in the training plan; attempts funded, further learning)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.core.refusals import ActionRefused
from openepa.domain.journey import Event, State
from openepa.domain.registration import (
    Problem,
    date_problems,
    identity_problem,
    interaction_mode_problems,
    name_problem,
    original_start_problem,
)
from openepa.domain.steps import EnrolmentStep
from openepa.domain.uln import validate_uln
from openepa.enrolments import bulk
from openepa.enrolments.journey import lock_enrolment, record, transition
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
    #: The employer keeps English, and maths, in the training plan (19+ at start, from
    #: 11 February 2025).
    english_in_training_plan: bool = False
    maths_in_training_plan: bool = False
    #: The first start of a restarted apprenticeship.
    original_start_date: date | None = None


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
    restart = original_start_problem(
        original_start_date=reg.original_start_date, start_date=reg.start_date
    )
    if restart:
        problems.append(restart)
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
                original_start_date=reg.original_start_date,
                english_in_training_plan=reg.english_in_training_plan,
                maths_in_training_plan=reg.maths_in_training_plan,
                training_plan_recorded_by=actor,
                training_plan_recorded_at=timezone.now(),
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


#: Before the gateway decision the training plan decision may change; the gateway form
#: carries it too (issue 12). Afterwards it is part of the decision and stays.
TRAINING_PLAN_STATES = frozenset({State.REGISTERED, State.GATEWAY_REJECTED})
TRAINING_PLAN_FIELDS = (
    "english_in_training_plan",
    "maths_in_training_plan",
    "training_plan_recorded_by",
    "training_plan_recorded_at",
)


def record_training_plan(
    enrolment: Enrolment, english: bool, maths: bool, actor: User
) -> tuple[str, ...]:
    """Set the decision (English, maths), who recorded it and when, on a locked enrolment;
    returns the fields to save (none when unchanged, so its first recorder stays)."""
    if (enrolment.english_in_training_plan, enrolment.maths_in_training_plan) == (
        english,
        maths,
    ) and enrolment.training_plan_recorded_at is not None:
        return ()
    enrolment.english_in_training_plan = english
    enrolment.maths_in_training_plan = maths
    enrolment.training_plan_recorded_by = actor
    enrolment.training_plan_recorded_at = timezone.now()
    return TRAINING_PLAN_FIELDS


def _employer_or_provider(actor: User, enrolment: Enrolment) -> bool:
    roles = roles_of(actor)
    return enrolment.employer_id in roles.orgs(Role.EMPLOYER) or (
        enrolment.provider_id in roles.orgs(Role.PROVIDER)
    )


def do_record_training_plan(
    *,
    actor: User,
    enrolment_id: int,
    english_in_training_plan: bool,
    maths_in_training_plan: bool,
    expected_version: int | None = None,
) -> Enrolment:
    """The employer (or the provider for them) records whether English and maths stay in
    the training plan: from 11 February 2025 that decides whether an apprentice aged 19 or
    over at the start must show them at gateway (DESIGN.md §3)."""
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if not _employer_or_provider(actor, enrolment):
            raise ActionRefused(
                "Only the apprentice's employer or training provider can record the training plan."
            )
        if enrolment.journey_state not in TRAINING_PLAN_STATES:
            raise ActionRefused(
                "The training plan can be changed only before gateway is submitted: the "
                "gateway decision is made on what was recorded then.",
                field="english_in_training_plan",
            )
        fields = record_training_plan(
            enrolment, english_in_training_plan, maths_in_training_plan, actor
        )
        if fields:
            enrolment.save(update_fields=list(fields))
        record(
            enrolment,
            actor=actor,
            action=EnrolmentStep.RECORD_TRAINING_PLAN,
            data={
                "english_in_training_plan": english_in_training_plan,
                "maths_in_training_plan": maths_in_training_plan,
            },
        )
    return enrolment


def do_record_employer_attempts(
    *,
    actor: User,
    enrolment_id: int,
    funded_attempts: int | None,
    further_learning_before_resit: bool | None,
    expected_version: int | None = None,
) -> Enrolment:
    """The employer records how many attempts of each method they fund (seed 004: "it is
    then up to the apprentice's employer how many attempts an apprentice is given") and
    whether further learning took place before the next resit or retake (seed 003 §8: a
    resit with no additional learning is at the employer's cost). Either may be left
    unsaid (None)."""
    if funded_attempts is not None and funded_attempts < 1:
        raise ActionRefused(
            "The number of attempts funded must be at least 1 (the first attempt counts), "
            "or left blank if the employer sets no limit.",
            field="funded_attempts",
        )
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id, expected_version=expected_version)
        if enrolment.employer_id not in roles_of(actor).orgs(Role.EMPLOYER):
            raise ActionRefused(
                "Only the apprentice's employer can record this: how many attempts an "
                "apprentice is given is up to the employer."
            )
        enrolment.funded_attempts = funded_attempts
        enrolment.further_learning_before_resit = further_learning_before_resit
        enrolment.attempts_recorded_by = actor
        enrolment.attempts_recorded_at = timezone.now()
        enrolment.save(
            update_fields=[
                "funded_attempts",
                "further_learning_before_resit",
                "attempts_recorded_by",
                "attempts_recorded_at",
            ]
        )
        record(
            enrolment,
            actor=actor,
            action=EnrolmentStep.RECORD_EMPLOYER_ATTEMPTS,
            data={
                "funded_attempts": funded_attempts,
                "further_learning_before_resit": further_learning_before_resit,
            },
        )
    return enrolment
