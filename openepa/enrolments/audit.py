"""The EPAO's audit log, the journey's part (issue 17 §4): every JourneyEvent of the EPAOs
the admin administers, narrowed by who acted, which apprentice, which kind and when. Other
contexts add their own records (the assessors' ProfileEvents) with the same filters; the
shell merges them newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, QuerySet

from openepa.accounts.models import AccountEvent, Membership, Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.search import Terms
from openepa.enrolments.models import JourneyEvent
from openepa.enrolments.queries import apprentice_matches

#: The prefixes of the kinds that are not an apprentice's journey: an assessor's profile, a
#: sign-in or a role given or taken away (accounts), an email sent (the outbox).
PROFILE_KIND = "profile:"
ACCOUNT_KIND = "account:"
EMAIL_KIND = "email:"


@dataclass(frozen=True)
class AuditFilters:
    #: Words of the name or email of the person who acted.
    person: tuple[str, ...] = ()
    #: The apprentice (a ULN or words of the name); empty for every apprentice.
    apprentice: Terms = field(default_factory=lambda: Terms(""))
    #: One action ("accept_gateway", or "profile:update_profile"); empty for every kind.
    kind: str = ""
    #: From this moment (inclusive) to that one (exclusive).
    since: datetime | None = None
    until: datetime | None = None

    @cached_property
    def people(self) -> tuple[int, ...]:
        """The users the person's words name, looked up once for every source of the log
        (one query of the users' table, whatever the size of the log)."""
        named = User.objects.filter(person_matches(self.person, ""))
        return tuple(named.order_by("pk").values_list("pk", flat=True))


def person_matches(words: tuple[str, ...], prefix: str = "actor__") -> Q:
    q = Q()
    for word in words:
        q &= Q(**{f"{prefix}full_name__icontains": word}) | Q(**{f"{prefix}email__icontains": word})
    return q


def by_people(filters: AuditFilters, *fields: str) -> Q:
    """The records whose `fields` (the actor's by default) hold one of the people the
    filters name; every record without a person filter. The ids are resolved first
    (`AuditFilters.people`), so each source reads its newest rows for those ids by its own
    indexes: joined to the users and filtered row by row, the log read every assessor's
    profile event, or thousands of journey events, to find a page of one person's."""
    if not filters.person:
        return Q()
    q = Q()
    for name in fields or ("actor_id",):
        q |= Q(**{f"{name}__in": filters.people})
    return q


def when(filters: AuditFilters) -> Q:
    q = Q()
    if filters.since is not None:
        q &= Q(at__gte=filters.since)
    if filters.until is not None:
        q &= Q(at__lt=filters.until)
    return q


def journey_events_for_audit(user: User, filters: AuditFilters) -> QuerySet[JourneyEvent]:
    """The journey events of the admin's EPAOs under the filters, newest first (by the
    (at, id) index); none when the kind is not a journey step."""
    epao_ids = list(roles_of(user).orgs(Role.EPAO_ADMIN))
    if not epao_ids or ":" in filters.kind:  # another record's kind
        return JourneyEvent.objects.none()
    events = JourneyEvent.objects.filter(
        when(filters), by_people(filters), enrolment__epao_id__in=epao_ids
    )
    if filters.kind:
        events = events.filter(action=filters.kind)
    if not filters.apprentice.empty:
        named = apprentice_matches(filters.apprentice, "enrolment__apprentice__")
        if filters.apprentice.number is not None:
            named = Q(enrolment_id=filters.apprentice.number)
        events = events.filter(named)
    return events.select_related("actor", "enrolment__apprentice").order_by("-at", "-id")


def account_events_for_audit(user: User, filters: AuditFilters) -> QuerySet[AccountEvent]:
    """The accounts' records for the admin's EPAOs under the filters, newest first (read
    here, above accounts, where the log's filters live): the roles given or taken away at
    those EPAOs, and the sign-ins of their own people (anyone with a role there). Employers'
    and providers' people sign in to OpenEPA, not to one EPAO, so no EPAO's log shows them.
    None when the log is narrowed to an apprentice or to another record's kind."""
    epao_ids = list(roles_of(user).orgs(Role.EPAO_ADMIN))
    kind = filters.kind
    if not epao_ids or not filters.apprentice.empty or (kind and not kind.startswith(ACCOUNT_KIND)):
        return AccountEvent.objects.none()
    staff = Exists(
        Membership.objects.filter(user_id=OuterRef("user_id"), organisation_id__in=epao_ids)
    )
    events = AccountEvent.objects.filter(
        Q(organisation_id__in=epao_ids) | (Q(organisation__isnull=True) & staff), when(filters)
    )
    # The people named first (a few), then their events by the user and actor indexes:
    # a join filtered row by row read every sign-in before finding a rare person's.
    events = events.filter(by_people(filters, "user_id", "actor_id"))
    if kind:
        events = events.filter(action=kind.removeprefix(ACCOUNT_KIND))
    return events.select_related("actor", "user", "organisation").order_by("-at", "-id")
