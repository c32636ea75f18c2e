"""The EPAO's audit log, the journey's part (issue 17 §4): every JourneyEvent of the EPAOs
the admin administers, narrowed by who acted, which apprentice, which kind and when. Other
contexts add their own records (the assessors' ProfileEvents) with the same filters; the
shell merges them newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.search import Terms
from openepa.enrolments.models import JourneyEvent
from openepa.enrolments.queries import apprentice_matches

#: The prefix of the kinds that are not an apprentice's journey (an assessor's profile).
PROFILE_KIND = "profile:"


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


def person_matches(words: tuple[str, ...], prefix: str = "actor__") -> Q:
    q = Q()
    for word in words:
        q &= Q(**{f"{prefix}full_name__icontains": word}) | Q(**{f"{prefix}email__icontains": word})
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
    if not epao_ids or filters.kind.startswith(PROFILE_KIND):
        return JourneyEvent.objects.none()
    events = JourneyEvent.objects.filter(
        when(filters), person_matches(filters.person), enrolment__epao_id__in=epao_ids
    )
    if filters.kind:
        events = events.filter(action=filters.kind)
    if not filters.apprentice.empty:
        named = apprentice_matches(filters.apprentice, "enrolment__apprentice__")
        if filters.apprentice.number is not None:
            named = Q(enrolment_id=filters.apprentice.number)
        events = events.filter(named)
    return events.select_related("actor", "enrolment__apprentice").order_by("-at", "-id")
