"""The calendars' reads: a day, a week or a month of bookings for one assessor, a region or
a whole EPAO, grouped by day in London time.

Who sees what (DESIGN.md §1): an EPAO admin sees every booking of their EPAO and may narrow
it to one of its assessors or to the assessors covering a region; an assessor sees only
their own. Anything else, an assessor of another EPAO included, is a 404, the same answer as
a missing one."""

from __future__ import annotations

import calendar as months
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessors.models import REGION_NAMES, AssessorProfile
from openepa.bookings.models import Booking
from openepa.bookings.queries import assessors_of
from openepa.domain.dates import long_date

#: A page never lists more than this many bookings; narrow by assessor or region (or use
#: the week view) beyond it.
CALENDAR_MAX = 500


class Span(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    span: Span
    first: date
    last: date

    @classmethod
    def around(cls, span: Span, day: date) -> Period:
        if span == Span.DAY:
            return cls(span, day, day)
        if span == Span.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(span, monday, monday + timedelta(days=6))
        length = months.monthrange(day.year, day.month)[1]
        return cls(span, day.replace(day=1), day.replace(day=length))

    def previous(self) -> date:
        return Period.around(self.span, self.first - timedelta(days=1)).first

    def next(self) -> date:
        return self.last + timedelta(days=1)

    def title(self) -> str:
        if self.span == Span.DAY:
            return f"{self.first:%A} {long_date(self.first)}"
        if self.span == Span.WEEK:
            return f"Week of {long_date(self.first)} to {long_date(self.last)}"
        return f"{self.first:%B %Y}"

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class Scope:
    """Whose bookings: the EPAOs', narrowed to some assessors (None: all of them)."""

    epao_ids: frozenset[int]
    assessor_ids: frozenset[int] | None
    label: str
    is_admin: bool
    assessor_id: int | None = None
    region: str = ""
    assessors: list[User] = field(default_factory=list)


def calendar_scope(user: User, *, assessor: str = "", region: str = "") -> Scope:
    """What this user may see with these filters; Http404 for anyone else's calendar."""
    roles = roles_of(user)
    admin_of = frozenset(roles.orgs(Role.EPAO_ADMIN))
    if not admin_of:
        own = frozenset(roles.orgs(Role.ASSESSOR))
        if not own or region or assessor not in {"", str(user.pk)}:
            raise Http404("No such calendar")
        return Scope(own, frozenset({user.pk}), "My bookings", False, assessor_id=user.pk)
    everyone = {a.pk: a for epao in sorted(admin_of) for a in assessors_of(epao)}
    if assessor:
        chosen = everyone.get(int(assessor)) if assessor.isdigit() else None
        if chosen is None:
            raise Http404("No such assessor")
        return Scope(
            admin_of,
            frozenset({chosen.pk}),
            f"Bookings of {chosen}",
            True,
            assessor_id=chosen.pk,
            assessors=list(everyone.values()),
        )
    if region:
        if region not in REGION_NAMES:
            raise Http404("No such region")
        covering = AssessorProfile.objects.filter(epao_id__in=admin_of).values_list(
            "user_id", "regions"
        )
        ids = frozenset(uid for uid, regions in covering if region in (regions or []))
        return Scope(
            admin_of,
            ids,
            f"Bookings of assessors covering {REGION_NAMES[region]}",
            True,
            region=region,
            assessors=list(everyone.values()),
        )
    return Scope(admin_of, None, "Every booking", True, assessors=list(everyone.values()))


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def bookings_in(scope: Scope, period: Period) -> list[Booking]:
    """Bookings that stand (booked or completed) in the period, at most CALENDAR_MAX + 1
    (one more tells the page there are more)."""
    return list(standing_in(scope, period)[: CALENDAR_MAX + 1])


def standing_in(scope: Scope, period: Period) -> QuerySet[Booking]:
    """Every booking that stands in the period, in time order (the calendar's download)."""
    rows = Booking.objects.filter(
        enrolment__epao_id__in=scope.epao_ids,
        starts_at__gte=_midnight(period.first),
        starts_at__lt=_midnight(period.last + timedelta(days=1)),
    ).exclude(status=Booking.Status.CANCELLED)
    if scope.assessor_ids is not None:
        rows = rows.filter(assessor_id__in=scope.assessor_ids)
    return rows.select_related("enrolment__apprentice", "enrolment__employer", "assessor").order_by(
        "starts_at", "id"
    )


def by_day(period: Period, bookings: list[Booking]) -> list[tuple[date, list[Booking]]]:
    """Every day of a day or week; only the days with bookings of a month."""
    days: dict[date, list[Booking]] = {day: [] for day in period.days()}
    for booking in bookings:
        days.setdefault(timezone.localtime(booking.starts_at).date(), []).append(booking)
    return [(day, rows) for day, rows in days.items() if rows or period.span != Span.MONTH]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return timezone.localdate()


def shown(user: User, params: Mapping[str, str]) -> tuple[Scope, Span, Period]:
    """Whose bookings, which view and which period the query string asks for (404 for a
    role with no calendar): the calendar page's and its download's."""
    scope = calendar_scope(
        user, assessor=params.get("assessor", ""), region=params.get("region", "")
    )
    view = params.get("view", "")
    span = Span(view) if view in Span.__members__.values() else Span.WEEK
    return scope, span, Period.around(span, _day(params.get("date", "")))
