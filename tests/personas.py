"""A small world of organisations and one persona per role, plus outsiders, built through
the same actions the app uses. Tests sign in as a persona with `client.force_login`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from openepa.accounts.models import Membership, Role, User
from openepa.assessors.actions import (
    EventDetails,
    ProfileDetails,
    do_create_profile,
    do_create_standardisation_event,
    do_record_attendance,
)
from openepa.domain.uln import make_uln
from openepa.enrolments.actions import Registration, do_register_enrolment
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation
from openepa.reference.models import Policy, StandardVersion


@dataclass
class World:
    epao: Organisation
    other_epao: Organisation
    employer: Organisation
    other_employer: Organisation
    provider: Organisation
    other_provider: Organisation
    admin: User
    assessor: User
    second_assessor: User
    iqa: User
    employer_user: User
    provider_user: User
    apprentice_user: User
    outsider_admin: User
    outsider_employer: User
    outsider_provider: User
    outsider_assessor: User
    enrolment: Enrolment
    standard: StandardVersion

    def personas(self) -> dict[str, User | None]:
        """Every role plus outsiders and an anonymous visitor (None)."""
        return {
            "admin": self.admin,
            "assessor": self.assessor,
            "second_assessor": self.second_assessor,
            "iqa": self.iqa,
            "employer": self.employer_user,
            "provider": self.provider_user,
            "apprentice": self.apprentice_user,
            "outsider_admin": self.outsider_admin,
            "outsider_employer": self.outsider_employer,
            "outsider_provider": self.outsider_provider,
            "outsider_assessor": self.outsider_assessor,
            "anonymous": None,
        }


_uln_counter = iter(range(100_000_000, 999_999_999, 7919))


def next_uln() -> str:
    while True:
        uln = make_uln(str(next(_uln_counter)))
        if uln:
            return uln


def person(
    email: str, name: str, org: Organisation | None = None, role: Role | None = None
) -> User:
    user = User.objects.create_user(email, "correct horse battery staple", full_name=name)
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def org(name: str, kind: str, policy: str | None = None) -> Organisation:
    return Organisation.objects.create(
        name=name, kind=kind, policy=Policy.objects.get(code=policy) if policy else None
    )


def register(
    world_or_actor: User,
    *,
    epao: Organisation,
    employer: Organisation,
    provider: Organisation,
    start: date = date(2025, 1, 6),
    dob: date = date(2007, 6, 1),
    given: str = "Ada",
    family: str = "Lovelace",
    face_to_face: bool = True,
    non_facing: bool = False,
) -> Enrolment:
    return do_register_enrolment(
        actor=world_or_actor,
        registration=Registration(
            uln=next_uln(),
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            email=f"{given.lower()}.{family.lower()}@example.org",
            standard=StandardVersion.objects.get(reference="ST0072"),
            epao=epao,
            employer=employer,
            provider=provider,
            start_date=start,
            planned_end_date=date(start.year + 1, start.month, 28),
            face_to_face=face_to_face,
            non_facing=non_facing,
        ),
    )


#: A profile that meets seed 003 §6 (2+ years' competence, a qualification held).
COMPLIANT = ProfileDetails(
    competence_years=5,
    qualification="held",
    qualification_name="Level 3 Certificate in Assessing Vocational Achievement",
    qualification_achieved_on=date(2020, 3, 1),
    regions=("north_east",),
    remote_capable=True,
)
#: Standardisation on a fixed date (covering the fixed-date bookings of late 2026 and
#: early 2027) and a week before today (covering bookings made relative to today): the
#: allocation rule counts the latest attendance on or before the assessment (seed 003 §9).
STANDARDISED_ON = date(2026, 6, 1)


def make_allocatable(admin: User, epao: Organisation, *assessors: User) -> None:
    """Give assessors a compliant profile and recent standardisation, so that they can be
    allocated to bookings (openepa.domain.allocation)."""
    profiles = [
        do_create_profile(
            actor=admin,
            membership_id=Membership.objects.get(
                user=user, organisation=epao, role=Role.ASSESSOR
            ).pk,
            details=COMPLIANT,
        )
        for user in assessors
    ]
    ids = tuple(p.pk for p in profiles)
    for held_on in sorted({STANDARDISED_ON, date.today() - timedelta(days=7)}):
        event = do_create_standardisation_event(
            actor=admin,
            epao_id=epao.pk,
            details=EventDetails(held_on=held_on, title="ST0072 standardisation"),
            invited=ids,
        )
        do_record_attendance(actor=admin, event_id=event.pk, attended=ids)


def build_world(policy: str = "highfield") -> World:
    # The standards and policies are in every test database already (tests/conftest.py).
    epao = org("Northern EPAO", Organisation.Kind.EPAO, policy)
    other_epao = org("Southern EPAO", Organisation.Kind.EPAO, "nqual")
    employer = org("Harbour Bank", Organisation.Kind.EMPLOYER)
    other_employer = org("Hilltop Retail", Organisation.Kind.EMPLOYER)
    provider = org("Coastal Training", Organisation.Kind.PROVIDER)
    other_provider = org("Inland College", Organisation.Kind.PROVIDER)
    admin = person("admin@northern.example", "Amina Admin", epao, Role.EPAO_ADMIN)
    provider_user = person("pat@coastal.example", "Pat Provider", provider, Role.PROVIDER)
    enrolment = register(provider_user, epao=epao, employer=employer, provider=provider)
    apprentice_user = person("ada@example.org", "Ada Lovelace")
    enrolment.apprentice.user = apprentice_user
    enrolment.apprentice.save(update_fields=["user"])
    assessor = person("ian@northern.example", "Ian Assessor", epao, Role.ASSESSOR)
    second_assessor = person("sue@northern.example", "Sue Assessor", epao, Role.ASSESSOR)
    make_allocatable(admin, epao, assessor, second_assessor)
    return World(
        epao=epao,
        other_epao=other_epao,
        employer=employer,
        other_employer=other_employer,
        provider=provider,
        other_provider=other_provider,
        admin=admin,
        assessor=assessor,
        second_assessor=second_assessor,
        iqa=person("quinn@northern.example", "Quinn IQA", epao, Role.IQA),
        employer_user=person("erin@harbour.example", "Erin Employer", employer, Role.EMPLOYER),
        provider_user=provider_user,
        apprentice_user=apprentice_user,
        outsider_admin=person(
            "otto@southern.example", "Otto Outsider", other_epao, Role.EPAO_ADMIN
        ),
        outsider_employer=person(
            "olga@hilltop.example", "Olga Outsider", other_employer, Role.EMPLOYER
        ),
        outsider_provider=person(
            "omar@inland.example", "Omar Outsider", other_provider, Role.PROVIDER
        ),
        outsider_assessor=person(
            "oona@southern.example", "Oona Outsider", other_epao, Role.ASSESSOR
        ),
        enrolment=enrolment,
        standard=StandardVersion.objects.get(reference="ST0072"),
    )
