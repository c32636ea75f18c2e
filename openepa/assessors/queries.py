"""Pre-scoped reads for assessor profiles and standardisation, and the facts the
allocation rule (openepa.domain.allocation) reads for an assessor."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from openepa.accounts.models import Membership, Role, User
from openepa.accounts.roles import roles_of
from openepa.assessors.models import (
    AssessorProfile,
    Attendance,
    Availability,
    LastStandardised,
    ProfileEvent,
    StandardisationEvent,
)
from openepa.domain.allocation import (
    ASSESSMENT_PLAN,
    QUALIFYING,
    AssessorFacts,
    Qualification,
    Unavailable,
    allocation_refusals,
    last_standardised,
    standardised_until,
)
from openepa.domain.dates import add_months
from openepa.enrolments.audit import PROFILE_KIND, AuditFilters, by_people, when


def admin_epaos(user: User) -> frozenset[int]:
    return roles_of(user).orgs(Role.EPAO_ADMIN)


def quality_epaos(user: User) -> frozenset[int]:
    """EPAOs whose standardisation and consistency the user oversees: admins and IQAs."""
    roles = roles_of(user)
    return roles.orgs(Role.EPAO_ADMIN) | roles.orgs(Role.IQA)


def attended_dates(profile_ids: list[int]) -> dict[int, tuple[date, ...]]:
    """{profile id: dates of the standardisation events attended} in one query."""
    out: dict[int, list[date]] = defaultdict(list)
    rows = Attendance.objects.filter(profile_id__in=profile_ids, attended=True).values_list(
        "profile_id", "event__held_on"
    )
    for profile_id, held_on in rows:
        out[profile_id].append(held_on)
    return {pid: tuple(sorted(days)) for pid, days in out.items()}


def facts_of(profile: AssessorProfile, attended: tuple[date, ...]) -> AssessorFacts:
    """The profile as the allocation rule reads it; `availability` should be prefetched."""
    return AssessorFacts(
        name=str(profile.user),
        competence_years=profile.competence_years,
        qualification=Qualification(profile.qualification),
        standardised_on=attended,
        unavailable=tuple(
            Unavailable(a.starts_on, a.ends_on, a.note)
            for a in profile.availability.all()
            # A part day off leaves the rest of the day: the diary rules judge it.
            if not a.available and a.from_time is None
        ),
        remote_capable=profile.remote_capable,
    )


def profiles_with_availability() -> QuerySet[AssessorProfile]:
    return AssessorProfile.objects.select_related("user", "epao").prefetch_related(
        Prefetch("availability", queryset=Availability.objects.order_by("starts_on", "id"))
    )


def allocation_problems(
    *, assessor_id: int, epao_id: int, on: date, remote: bool, name: str
) -> list[str]:
    """Why the assessor cannot be allocated to an assessment of this EPAO on `on` (seed 003
    §6, §9), or an empty list. Used by the booking rules."""
    profile = profiles_with_availability().filter(user_id=assessor_id, epao_id=epao_id).first()
    if profile is None:
        return [
            f"{name} cannot be allocated: has no assessor profile. An EPAO admin records their "
            "occupational competence, assessor qualification and standardisation first "
            "(ST0072 assessment plan (IfATE) — §6, §9)."
        ]
    attended = attended_dates([profile.pk]).get(profile.pk, ())
    return allocation_refusals(facts_of(profile, attended), on=on, remote=remote)


@dataclass(frozen=True)
class Status:
    """An assessor's compliance on a given day, for lists and the booking form."""

    membership: Membership
    profile: AssessorProfile | None
    last_standardised: date | None
    standardised_until: date | None
    refusals: tuple[str, ...]

    @property
    def user(self) -> User:
        return self.membership.user

    @property
    def allocatable(self) -> bool:
        return self.profile is not None and not self.refusals

    @property
    def competence_ok(self) -> bool:
        years = self.profile.competence_years if self.profile else 0
        return years >= ASSESSMENT_PLAN.competence_years

    @property
    def qualification_ok(self) -> bool:
        return self.profile is not None and self.profile.qualification in QUALIFYING

    @property
    def summary(self) -> str:
        if self.profile is None:
            return "no assessor profile"
        if not self.refusals:
            return f"standardised until {self.standardised_until:%-d %b %Y}"
        return "cannot be allocated today"


def assessor_memberships(epao_ids: frozenset[int]) -> QuerySet[Membership]:
    """The assessors of these EPAOs, by name (the assessors list pages through them)."""
    return (
        Membership.objects.filter(organisation_id__in=epao_ids, role=Role.ASSESSOR)
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email", "organisation__name", "id")
    )


def statuses(epao_ids: frozenset[int], on: date) -> list[Status]:
    """Every assessor of these EPAOs with their profile (if any) and compliance on `on`.
    Three queries whatever the number of assessors."""
    return statuses_of(list(assessor_memberships(epao_ids)), on)


def statuses_of(memberships: list[Membership], on: date) -> list[Status]:
    """These assessors (a page of them) with their profile and compliance on `on`: two
    queries, reading the profiles of these assessors only."""
    users = {m.user_id for m in memberships}
    epao_ids = {m.organisation_id for m in memberships}
    profiles = {
        (p.user_id, p.epao_id): p
        for p in profiles_with_availability().filter(epao_id__in=epao_ids, user_id__in=users)
    }
    attended = attended_dates([p.pk for p in profiles.values()])
    out = []
    for m in memberships:
        profile = profiles.get((m.user_id, m.organisation_id))
        if profile is None:
            out.append(Status(m, None, None, None, ()))
            continue
        facts = facts_of(profile, attended.get(profile.pk, ()))
        last = last_standardised(facts, on)
        out.append(
            Status(
                m,
                profile,
                last,
                standardised_until(last),
                tuple(allocation_refusals(facts, on=on)),
            )
        )
    return out


@dataclass(frozen=True)
class Lapsing:
    """An assessor whose standardisation has lapsed or lapses soon, or who has no profile."""

    membership: Membership
    profile: AssessorProfile | None
    standardised_until: date | None

    @property
    def user(self) -> User:
        return self.membership.user


def _latest_covering(soon: date) -> date:
    """The latest standardisation date whose cover (`standardised_until`) ends by `soon`:
    an attendance on or before it lapses by `soon`, one after it does not."""
    months = ASSESSMENT_PLAN.standardisation_months
    day = add_months(soon, -months)
    while add_months(day + timedelta(days=1), months) <= soon:
        day += timedelta(days=1)
    while add_months(day, months) > soon:
        day -= timedelta(days=1)
    return day


def lapsing(epao_ids: frozenset[int], on: date, soon: date, *, limit: int) -> list[Lapsing]:
    """The first `limit` assessors of these EPAOs (by name) with no profile, no
    standardisation attended by `on`, or one whose cover ends by `soon` (seed 003 §9: at
    least yearly). The database picks them: the latest standardisation attended is looked
    up for the few candidates only, and those with no profile are found by one anti-join."""
    profile = AssessorProfile.objects.filter(
        user_id=OuterRef("user_id"), epao_id=OuterRef("organisation_id")
    )
    latest = (
        Attendance.objects.filter(
            profile__user_id=OuterRef("user_id"),
            profile__epao_id=OuterRef("organisation_id"),
            attended=True,
            event__held_on__lte=on,
        )
        .order_by("-event__held_on")
        .values("event__held_on")[:1]
    )
    covering = _latest_covering(soon)
    # The candidates, from the date the database keeps of each profile's latest attended
    # standardisation (LastStandardised): one index range of the few never standardised or
    # lapsing, and any whose latest is after `on` (an event ahead, whose attendance is
    # recorded already: their latest by `on` is looked up as before).
    candidates = (
        LastStandardised.objects.filter(epao_id__in=epao_ids)
        .filter(Q(held_on__isnull=True) | Q(held_on__lte=covering) | Q(held_on__gt=on))
        .values("user_id")
    )
    assessors = Membership.objects.filter(organisation_id__in=epao_ids, role=Role.ASSESSOR)
    # Those with no profile, found once for all by the database (an anti-join of the EPAOs'
    # assessors and profiles, about 3 ms at 4,000 assessors), rather than looked up for each
    # assessor while walking every user by name (some 20 ms: an EXISTS beside an OR is
    # tested row by row).
    unprofiled = assessors.exclude(Exists(profile)).values("pk")
    rows = list(
        assessors.annotate(
            last=Subquery(latest),
            # Never standardised counts as long ago: one condition on the latest date, so
            # the database looks it up once per assessor, not once for each test of it.
            last_or_never=Coalesce("last", Value(date.min)),
        )
        # The latest attended date is looked up only for the candidates (an AND is
        # evaluated in order), not for every assessor of the EPAO.
        .filter(Q(pk__in=unprofiled) | (Q(user_id__in=candidates) & Q(last_or_never__lte=covering)))
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email", "organisation__name")[:limit]
    )
    profiles = {
        (p.user_id, p.epao_id): p
        for p in AssessorProfile.objects.filter(
            user_id__in=[m.user_id for m in rows], epao_id__in=epao_ids
        )
    }
    out = []
    for m in rows:
        found = profiles.get((m.user_id, m.organisation_id))
        last = getattr(m, "last", None)
        out.append(Lapsing(m, found, standardised_until(last) if found else None))
    return out


def own_profiles(user: User) -> QuerySet[AssessorProfile]:
    """The assessor's own profiles in the EPAOs they assess for."""
    return profiles_with_availability().filter(
        user_id=user.pk, epao_id__in=roles_of(user).orgs(Role.ASSESSOR)
    )


def unprofiled_memberships(user: User) -> QuerySet[Membership]:
    """Assessors of the admin's EPAOs who have no profile there yet."""
    profile = AssessorProfile.objects.filter(
        user_id=OuterRef("user_id"), epao_id=OuterRef("organisation_id")
    )
    return (
        Membership.objects.filter(organisation_id__in=admin_epaos(user), role=Role.ASSESSOR)
        .exclude(Exists(profile))
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email")
    )


def events_for(user: User) -> QuerySet[StandardisationEvent]:
    """Standardisation events of the EPAOs the user oversees (admins and IQAs)."""
    return (
        StandardisationEvent.objects.filter(epao_id__in=quality_epaos(user))
        .select_related("epao")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("profile__user"))
        )
    )


def attendance_of(profile: AssessorProfile) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(profile=profile)
        .select_related("event")
        .order_by("-event__held_on", "-event_id")
    )


def status_labels(epao_id: int, on: date) -> dict[int, str]:
    """{assessor user id: a few words on whether they can be allocated}, for the booking
    form's assessor choices."""
    return {s.membership.user_id: s.summary for s in statuses(frozenset({epao_id}), on)}


def profile_events_for_audit(user: User, filters: AuditFilters) -> QuerySet[ProfileEvent]:
    """The changes to assessors' profiles of the admin's EPAOs under the audit log's filters,
    newest first; none when the log is narrowed to an apprentice or a journey step."""
    epao_ids = list(roles_of(user).orgs(Role.EPAO_ADMIN))
    kind = filters.kind
    if not epao_ids or not filters.apprentice.empty or (kind and not kind.startswith(PROFILE_KIND)):
        return ProfileEvent.objects.none()
    events = ProfileEvent.objects.filter(
        when(filters), by_people(filters), profile__epao_id__in=epao_ids
    )
    if kind:
        events = events.filter(action=kind.removeprefix(PROFILE_KIND))
    return events.select_related("actor", "profile__user").order_by("-at", "-id")
