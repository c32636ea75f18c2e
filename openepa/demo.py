"""The demo EPAO that `make run` shows: organisations, a user for every role and a few
apprentices, created through the same actions as real data. Idempotent and repeatable."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from openepa.accounts.models import Membership, Role, User
from openepa.assessors.actions import (
    EventDetails,
    ProfileDetails,
    do_create_profile,
    do_create_standardisation_event,
    do_record_attendance,
)
from openepa.assessors.models import AssessorProfile, StandardisationEvent
from openepa.domain.uln import make_uln
from openepa.enrolments.actions import Registration, do_register_enrolment
from openepa.enrolments.models import Apprentice
from openepa.organisations.models import Organisation
from openepa.reference.models import Policy, StandardVersion

#: Shown on start and in the README; the demo is for a developer's own machine only.
DEMO_PASSWORD = "demo-password-2026"
DEMO_DOMAIN = "demo.openepa.test"

EPAO_NAME = "Demo EPAO"
EMPLOYERS = ("Harbour Bank", "Meadow Stores")
PROVIDERS = ("Coastal Training", "Riverside College")

PEOPLE = (
    # (email local part, full name, role, organisation name)
    ("admin", "Amina Admin", Role.EPAO_ADMIN, EPAO_NAME),
    ("assessor", "Ian Assessor", Role.ASSESSOR, EPAO_NAME),
    ("assessor2", "Sue Assessor", Role.ASSESSOR, EPAO_NAME),
    ("iqa", "Quinn Quality", Role.IQA, EPAO_NAME),
    ("employer", "Erin Employer", Role.EMPLOYER, EMPLOYERS[0]),
    ("provider", "Pat Provider", Role.PROVIDER, PROVIDERS[0]),
)

GIVEN = (
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Hari",
    "Isla",
    "Jack",
    "Kemi",
    "Liam",
)
FAMILY = (
    "Lovelace",
    "Okafor",
    "Patel",
    "Smith",
    "Nguyen",
    "Jones",
    "Evans",
    "Khan",
    "Brown",
    "Wilson",
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


def _org(name: str, kind: str, policy: Policy | None = None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(name=name, kind=kind, defaults={"policy": policy})
    return org


def _user(local: str, name: str) -> User:
    email = f"{local}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, DEMO_PASSWORD, full_name=name)


def _uln(rng: random.Random) -> str:
    while True:
        uln = make_uln(str(rng.randint(100_000_000, 999_999_999)))
        if uln and not Apprentice.objects.filter(uln=uln).exists():
            return uln


#: The demo assessors' profiles meet the assessment plan (seed 003 §6), so they can be booked.
DEMO_PROFILE = ProfileDetails(
    competence_years=6,
    qualification="held",
    qualification_name="Level 3 Certificate in Assessing Vocational Achievement",
    qualification_achieved_on=date(2019, 9, 1),
    regions=("north_west", "yorkshire_humber"),
    remote_capable=True,
)


def _standardise_assessors(epao: Organisation) -> None:
    """A profile for each demo assessor and a standardisation attended within the last
    eleven months (seed 003 §9), adding a new event only when the last one is older."""
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    memberships = Membership.objects.filter(organisation=epao, role=Role.ASSESSOR)
    for membership in memberships.exclude(user__assessor_profiles__epao=epao):
        do_create_profile(actor=admin, membership_id=membership.pk, details=DEMO_PROFILE)
    today = date.today()
    recent = StandardisationEvent.objects.filter(
        epao=epao, held_on__gt=today - timedelta(days=330)
    ).exists()
    if not recent:
        ids = tuple(AssessorProfile.objects.filter(epao=epao).values_list("pk", flat=True))
        event = do_create_standardisation_event(
            actor=admin,
            epao_id=epao.pk,
            details=EventDetails(
                held_on=today - timedelta(days=30),
                title="ST0072 standardisation",
                materials="Marked showcase, observation and discussion samples",
            ),
            invited=ids,
        )
        do_record_attendance(actor=admin, event_id=event.pk, attended=ids)


def do_seed_demo(
    *, apprentices: int = 12, seed: int = 2026, policy_code: str = "highfield"
) -> list[DemoLogin]:
    """Create the demo EPAO, its people and `apprentices` registered apprentices.

    Running it again adds nothing that exists (same seed → same apprentices)."""
    rng = random.Random(seed)
    with transaction.atomic():
        policy = Policy.objects.get(code=policy_code)
        epao = _org(EPAO_NAME, Organisation.Kind.EPAO, policy)
        orgs = {EPAO_NAME: epao}
        orgs |= {n: _org(n, Organisation.Kind.EMPLOYER) for n in EMPLOYERS}
        orgs |= {n: _org(n, Organisation.Kind.PROVIDER) for n in PROVIDERS}
        logins = []
        for local, name, role, org_name in PEOPLE:
            user = _user(local, name)
            Membership.objects.get_or_create(user=user, organisation=orgs[org_name], role=role)
            logins.append(DemoLogin(user.email, role.label))
        _standardise_assessors(epao)
        provider_user = User.objects.get(email=f"provider@{DEMO_DOMAIN}")
        standard = StandardVersion.objects.get(reference="ST0072")
        existing = Apprentice.objects.filter(enrolments__epao=epao).count()
        for i in range(existing, apprentices):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            start = date(2025, 1, 6) + timedelta(days=rng.randint(0, 120))
            enrolment = do_register_enrolment(
                actor=provider_user,
                registration=Registration(
                    uln=_uln(rng),
                    given_name=given,
                    family_name=family,
                    date_of_birth=date(
                        2000 + rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    email=f"{given}.{family}.{i}@{DEMO_DOMAIN}".lower(),
                    standard=standard,
                    epao=epao,
                    employer=orgs[EMPLOYERS[i % 2]] if i else orgs[EMPLOYERS[0]],
                    provider=orgs[PROVIDERS[0]],
                    start_date=start,
                    planned_end_date=start + timedelta(days=400),
                    face_to_face=i % 3 != 1,
                    non_facing=i % 3 != 0,
                ),
            )
            if i == 0:
                enrolment.apprentice.user = _user("apprentice", f"{given} {family}")
                enrolment.apprentice.save(update_fields=["user"])
        logins.append(DemoLogin(f"apprentice@{DEMO_DOMAIN}", "Apprentice"))
    return logins
