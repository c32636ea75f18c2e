"""The demo EPAO's organisations and people: one login for every role (listed in the README
and printed by `make run`), a few employers and providers, several assessors.

A bigger demo gets more of them (`Scale`): one assessor for every 25 apprentices (the
stories book up to a tenth of the apprentices on their busiest day, and an assessor takes
four a day), one employer for every 70 and one training provider for every 250, each with a
login of its own, so the lists an EPAO's staff filter by grow as a real EPAO's do. The named people above stay the first of each."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.hashers import make_password

from openepa.accounts.models import Membership, Role, User
from openepa.assessors.actions import (
    DiaryDetails,
    EventDetails,
    ProfileDetails,
    do_create_profile,
    do_create_standardisation_event,
    do_record_attendance,
    do_update_diary,
)
from openepa.assessors.models import AssessorProfile, StandardisationEvent
from openepa.domain.diary import DEFAULT_CAPACITY, DayHours
from openepa.organisations.models import Organisation
from openepa.reference.models import Policy

#: Shown on start and in the README; the demo is for a developer's own machine only.
DEMO_PASSWORD = "demo-password-2026"
DEMO_DOMAIN = "demo.openepa.test"

EPAO_NAME = "Demo EPAO"
EMPLOYERS = ("Harbour Bank", "Meadow Stores", "Northgate Energy")
PROVIDERS = ("Coastal Training", "Riverside College")

#: Each demo organisation's named contact, postal address and reference numbers (issue 13):
#: the employers' addresses are where certificates go by default. Made-up streets with
#: real postcode districts, so they pass the assessment service's postcode rule.
ADDRESSES: dict[str, dict[str, str]] = {
    EPAO_NAME: {
        "contact_name": "Amina Admin",
        "address_line1": "4 Assessment Yard",
        "city": "Leeds",
        "postcode": "LS1 4DY",
        "ukprn": "10099999",
        "register_id": "EPA9999",
    },
    "Harbour Bank": {
        "contact_name": "Erin Employer",
        "department": "Apprenticeships",
        "address_line1": "1 Harbour Street",
        "city": "Hull",
        "postcode": "HU1 1NQ",
    },
    "Meadow Stores": {
        "contact_name": "Mo Employer",
        "address_line1": "12 Meadow Lane",
        "address_line2": "Holbeck",
        "city": "Leeds",
        "postcode": "LS11 5WB",
    },
    "Northgate Energy": {
        "contact_name": "Nia Employer",
        "department": "People Team",
        "address_line1": "Northgate House",
        "address_line2": "3 Northgate",
        "city": "Wakefield",
        "postcode": "WF1 3AP",
    },
    "Coastal Training": {
        "contact_name": "Pat Provider",
        "address_line1": "8 Promenade",
        "city": "Scarborough",
        "postcode": "YO11 2HG",
        "ukprn": "10012345",
    },
    "Riverside College": {
        "contact_name": "Ray Provider",
        "address_line1": "Riverside Campus",
        "city": "York",
        "postcode": "YO1 7HH",
        "ukprn": "10054321",
    },
}

PEOPLE = (
    # (email local part, full name, role, organisation name)
    ("admin", "Amina Admin", Role.EPAO_ADMIN, EPAO_NAME),
    ("assessor", "Ian Assessor", Role.ASSESSOR, EPAO_NAME),
    ("assessor2", "Sue Assessor", Role.ASSESSOR, EPAO_NAME),
    ("assessor3", "Tom Assessor", Role.ASSESSOR, EPAO_NAME),
    ("assessor4", "Ola Assessor", Role.ASSESSOR, EPAO_NAME),
    ("iqa", "Quinn Quality", Role.IQA, EPAO_NAME),
    ("employer", "Erin Employer", Role.EMPLOYER, EMPLOYERS[0]),
    ("employer2", "Mo Employer", Role.EMPLOYER, EMPLOYERS[1]),
    ("employer3", "Nia Employer", Role.EMPLOYER, EMPLOYERS[2]),
    ("provider", "Pat Provider", Role.PROVIDER, PROVIDERS[0]),
    ("provider2", "Ray Provider", Role.PROVIDER, PROVIDERS[1]),
)

#: Apprentices per assessor, employer and training provider in a demo of any size.
APPRENTICES_PER_ASSESSOR = 25
#: The ordinary demo's size: up to it, the four named assessors take every booking.
NAMED_ASSESSORS_UP_TO = 200
APPRENTICES_PER_EMPLOYER = 70
APPRENTICES_PER_PROVIDER = 250

#: Words for the extra organisations' made-up names ("Harbour Foods", "Kestrel Training").
PLACES = (
    "Abbey", "Beacon", "Bridge", "Castle", "Cedar", "Church", "Dale", "Elm", "Forge", "Foss",
    "Garth", "Granary", "Hazel", "Heath", "Holme", "Kestrel", "Lark", "Linden", "Maple",
    "Mill", "Moor", "Oak", "Orchard", "Pennine", "Quay", "Rowan", "Saxon", "Shire", "Spring",
    "Station", "Swale", "Thorn", "Tower", "Vale", "Wharf", "Willow", "Wold", "Wren", "Yew",
    "York",
)  # fmt: skip
TRADES = (
    "Bank", "Stores", "Energy", "Foods", "Homes", "Hotels", "Insurance", "Logistics",
    "Motors", "Pharmacy", "Retail", "Telecom", "Travel", "Water", "Leisure", "Building Society",
    "Outfitters", "Garden Centres", "Opticians", "Bakeries",
)  # fmt: skip
COLLEGES = ("Training", "College", "Skills", "Academy", "Learning")
#: Real postcode districts in the demo's regions, for the extra organisations' addresses.
TOWNS = (
    ("Leeds", "LS2 8AA"), ("Hull", "HU2 8AA"), ("York", "YO1 6AA"), ("Wakefield", "WF1 2AA"),
    ("Sheffield", "S1 2AA"), ("Bradford", "BD1 1AA"), ("Manchester", "M1 1AA"),
    ("Liverpool", "L1 1AA"), ("Preston", "PR1 1AA"), ("Lancaster", "LA1 1AA"),
)  # fmt: skip


@dataclass(frozen=True)
class Scale:
    """How many assessors, employers and providers a demo of `apprentices` has."""

    assessors: int
    employers: int
    providers: int

    @classmethod
    def of(cls, apprentices: int) -> Scale:
        return cls(
            assessors=4
            if apprentices <= NAMED_ASSESSORS_UP_TO
            else math.ceil(apprentices / APPRENTICES_PER_ASSESSOR),
            employers=max(len(EMPLOYERS), math.ceil(apprentices / APPRENTICES_PER_EMPLOYER)),
            providers=max(len(PROVIDERS), math.ceil(apprentices / APPRENTICES_PER_PROVIDER)),
        )


def extra_assessor(n: int) -> tuple[str, str]:
    """The email local part and name of the demo's `n`th assessor (1-based), beyond the
    four named ones."""
    return f"assessor{n}", f"Assessor {n}"


def extra_organisation(kind: str, n: int) -> tuple[str, dict[str, str]]:
    """The name and address of the demo's `n`th employer or provider (1-based) beyond the
    named ones: made-up, unique, with a real postcode district."""
    place = PLACES[n % len(PLACES)]
    words = TRADES if kind == Organisation.Kind.EMPLOYER else COLLEGES
    trade = words[(n // len(PLACES)) % len(words)]
    round_ = n // (len(PLACES) * len(words))
    name = f"{place} {trade}" + (f" {round_ + 1}" if round_ else "")
    city, postcode = TOWNS[n % len(TOWNS)]
    role = "Employer" if kind == Organisation.Kind.EMPLOYER else "Provider"
    return name, {
        "contact_name": f"{place} {role} Contact",
        "address_line1": f"{n % 200 + 1} {place} Street",
        "city": city,
        "postcode": postcode,
    }


def org_user_local(kind: str, n: int) -> str:
    """The email local part of the login of the `n`th employer or provider (0-based): the
    named ones first (employer, employer2, ...), then one per extra organisation."""
    base = "employer" if kind == Organisation.Kind.EMPLOYER else "provider"
    return base if n == 0 else f"{base}{n + 1}"


#: The apprentice whose own login the README lists (always the first demo apprentice).
APPRENTICE_LOCAL = "apprentice"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str


@dataclass(frozen=True)
class Cast:
    """Who the stories are about and who acts in them."""

    epao: Organisation
    employers: tuple[Organisation, ...]
    providers: tuple[Organisation, ...]
    users: dict[str, User]  # by email local part
    logins: list[DemoLogin]
    assessors: tuple[User, ...] = ()
    #: Each employer's and provider's login, by organisation id.
    org_users: dict[int, User] | None = None

    @property
    def admin(self) -> User:
        return self.users["admin"]

    def employer_user(self, employer: Organisation) -> User:
        assert self.org_users is not None
        return self.org_users[employer.pk]

    def provider_user(self, provider: Organisation) -> User:
        assert self.org_users is not None
        return self.org_users[provider.pk]


def demo_logins() -> list[DemoLogin]:
    """Every demo sign-in, as `cast` creates them, without touching the database."""
    people = [DemoLogin(demo_email(local), role.label) for local, _, role, _ in PEOPLE]
    return [*people, DemoLogin(demo_email(APPRENTICE_LOCAL), "Apprentice")]


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _org(name: str, kind: str, policy: Policy | None = None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=name, kind=kind, defaults={"policy": policy, **ADDRESSES.get(name, {})}
    )
    return org


def demo_user(local: str, name: str, *, password_hash: str | None = None) -> User:
    """The demo user with that email, created when missing. Every demo user has the same
    published password: pass its hash (made once) to save Argon2's deliberate cost per user."""
    user = User.objects.filter(email=demo_email(local)).first()
    if user is not None:
        return user
    user = User.objects.create_user(demo_email(local), None, full_name=name)
    user.password = password_hash or make_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def cast(policy: Policy, scale: Scale | None = None) -> Cast:
    """Create (or find) the organisations and a user for every role; with a `scale`, the
    extra assessors, employers and providers it asks for, each with a login."""
    scale = scale or Scale.of(0)
    epao = _org(EPAO_NAME, Organisation.Kind.EPAO, policy)
    orgs_of: dict[str, list[Organisation]] = {}
    for kind, named, count in (
        (Organisation.Kind.EMPLOYER, EMPLOYERS, scale.employers),
        (Organisation.Kind.PROVIDER, PROVIDERS, scale.providers),
    ):
        orgs_of[kind] = [_org(n, kind) for n in named]
        for n in range(len(named), count):
            name, address = extra_organisation(kind, n)
            org, _ = Organisation.objects.get_or_create(name=name, kind=kind, defaults=address)
            orgs_of[kind].append(org)
    employers = tuple(orgs_of[Organisation.Kind.EMPLOYER])
    providers = tuple(orgs_of[Organisation.Kind.PROVIDER])
    orgs = {o.name: o for o in (epao, *employers, *providers)}
    users: dict[str, User] = {}
    logins = []
    password_hash = make_password(DEMO_PASSWORD)
    for local, name, role, org_name in PEOPLE:
        user = demo_user(local, name, password_hash=password_hash)
        Membership.objects.get_or_create(user=user, organisation=orgs[org_name], role=role)
        users[local] = user
        logins.append(DemoLogin(user.email, role.label))
    logins.append(DemoLogin(demo_email(APPRENTICE_LOCAL), "Apprentice"))
    assessors = [users[k] for k in ("assessor", "assessor2", "assessor3", "assessor4")]
    for n in range(len(assessors) + 1, scale.assessors + 1):
        local, name = extra_assessor(n)
        user = demo_user(local, name, password_hash=password_hash)
        Membership.objects.get_or_create(user=user, organisation=epao, role=Role.ASSESSOR)
        assessors.append(user)
    org_users: dict[int, User] = {}
    for kind, role, group in (
        (Organisation.Kind.EMPLOYER, Role.EMPLOYER, employers),
        (Organisation.Kind.PROVIDER, Role.PROVIDER, providers),
    ):
        for n, org in enumerate(group):
            local = org_user_local(kind, n)
            user = users.get(local) or demo_user(
                local, org.contact_name or org.name, password_hash=password_hash
            )
            Membership.objects.get_or_create(user=user, organisation=org, role=role)
            org_users[org.pk] = user
    return Cast(epao, employers, providers, users, logins, tuple(assessors), org_users)


#: The demo assessors' profiles meet the assessment plan (seed 003 §6), so they can be booked.
DEMO_PROFILE = ProfileDetails(
    competence_years=6,
    qualification="held",
    qualification_name="Level 3 Certificate in Assessing Vocational Achievement",
    qualification_achieved_on=date(2019, 9, 1),
    regions=("north_west", "yorkshire_humber"),
    remote_capable=True,
)
#: A demo assessor's diary: weekdays 08:30 to 17:30 (wider than the product default, so
#: every story's booking fits), the profile's regions and the default capacity.
DEMO_DIARY = DiaryDetails(
    hours={day: DayHours(time(8, 30), time(17, 30)) for day in range(5)},
    regions=DEMO_PROFILE.regions,
    remote_capable=True,
    capacity=DEFAULT_CAPACITY,
)
#: The demo's standardisation is this many days before the demo is generated: before the
#: earliest assessment the stories play (about 190 days back) and within 12 months of the
#: latest (about a month ahead), as seed 003 §9 requires for every one of them.
STANDARDISED_DAYS_AGO = 300


def standardise_assessors(people: Cast, today: date) -> None:
    """A profile for each demo assessor and one standardisation event they all attended,
    created once however often the demo is seeded."""
    epao = people.epao
    memberships = Membership.objects.filter(organisation=epao, role=Role.ASSESSOR)
    for membership in memberships.exclude(user__assessor_profiles__epao=epao):
        profile = do_create_profile(
            actor=people.admin, membership_id=membership.pk, details=DEMO_PROFILE
        )
        do_update_diary(
            actor=people.admin,
            profile_id=profile.pk,
            details=DEMO_DIARY,
            expected_version=profile.version,
        )
    ids = tuple(AssessorProfile.objects.filter(epao=epao).values_list("pk", flat=True))
    existing = StandardisationEvent.objects.filter(epao=epao).order_by("id").first()
    if existing is not None:
        # A bigger demo's new assessors attended the same event as the first ones.
        missing = tuple(
            AssessorProfile.objects.filter(epao=epao)
            .exclude(pk__in=existing.attendance.filter(attended=True).values("profile_id"))
            .values_list("pk", flat=True)
        )
        if missing:
            do_record_attendance(actor=people.admin, event_id=existing.pk, attended=ids)
        return
    event = do_create_standardisation_event(
        actor=people.admin,
        epao_id=epao.pk,
        details=EventDetails(
            held_on=today - timedelta(days=STANDARDISED_DAYS_AGO),
            title="ST0072 standardisation",
            materials="Marked showcase, observation and discussion samples",
        ),
        invited=ids,
    )
    do_record_attendance(actor=people.admin, event_id=event.pk, attended=ids)
