"""A booking against the allocated assessor's diary (openepa.domain.diary): working
hours, leave, part days off and capacity, counting the assessor's other active bookings
(at every EPAO: their time is theirs). Read by the booking rules and the booking form's
"Check the assessor's diary" step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from openepa.assessors.availability import capacity_of, exceptions_of, pattern_of
from openepa.assessors.models import AssessorProfile
from openepa.assessors.queries import allocation_problems, profiles_with_availability
from openepa.bookings.models import Booking
from openepa.domain.dates import long_date
from openepa.domain.diary import Load, Window, diary_clashes, week_of, windows_on


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def load_of(assessor_id: int, day: date) -> Load:
    """The assessor's active bookings on `day` and in its week (Monday to Sunday)."""
    monday = week_of(day)
    in_day = Q(starts_at__gte=_midnight(day), starts_at__lt=_midnight(day + timedelta(days=1)))
    found = Booking.objects.filter(
        assessor_id=assessor_id,
        status=Booking.Status.ACTIVE,
        starts_at__gte=_midnight(monday),
        starts_at__lt=_midnight(monday + timedelta(days=7)),
    ).aggregate(
        week_n=Count("id"),
        week_m=Sum("duration_minutes"),
        day_n=Count("id", filter=in_day),
        day_m=Sum("duration_minutes", filter=in_day),
    )
    return Load(
        day_assessments=found["day_n"] or 0,
        day_minutes=found["day_m"] or 0,
        week_assessments=found["week_n"] or 0,
        week_minutes=found["week_m"] or 0,
    )


def profile_for(assessor_id: int, epao_id: int) -> AssessorProfile | None:
    return profiles_with_availability().filter(user_id=assessor_id, epao_id=epao_id).first()


def clashes(profile: AssessorProfile, starts_at: datetime, minutes: int, name: str) -> list[str]:
    """Every way the booking clashes with the assessor's diary; empty when it fits."""
    start = timezone.localtime(starts_at).replace(tzinfo=None)
    return diary_clashes(
        name,
        pattern=pattern_of(profile),
        exceptions=exceptions_of(profile),
        capacity=capacity_of(profile),
        start=start,
        minutes=minutes,
        load=load_of(profile.user_id, start.date()),
    )


@dataclass(frozen=True)
class DayView:
    """The assessor's day as the booking form shows it before booking."""

    profile: AssessorProfile
    day: date
    windows: tuple[Window, ...]
    bookings: list[Booking]
    clashes: list[str]


def day_view(profile: AssessorProfile, starts_at: datetime, minutes: int, name: str) -> DayView:
    day = timezone.localdate(starts_at)
    bookings = list(
        Booking.objects.filter(
            assessor_id=profile.user_id,
            status=Booking.Status.ACTIVE,
            starts_at__gte=_midnight(day),
            starts_at__lt=_midnight(day + timedelta(days=1)),
        )
        .select_related("enrolment__apprentice")
        .order_by("starts_at")
    )
    return DayView(
        profile=profile,
        day=day,
        windows=windows_on(pattern_of(profile), exceptions_of(profile), day),
        bookings=bookings,
        clashes=clashes(profile, starts_at, minutes, name),
    )


@dataclass(frozen=True)
class Preview:
    """What the booking form shows before booking: the chosen assessor's day, every clash
    the booking rules would name for them, and where they travel."""

    name: str
    day: date
    windows: tuple[Window, ...]
    others: list[tuple[Booking, bool]]  # (booking, of this EPAO: its apprentice may be named)
    clashes: list[str]
    regions: list[str]
    remote_capable: bool


def preview(
    *, epao_id: int, assessor_id: int, name: str, starts_at: datetime, minutes: int, remote: bool
) -> Preview:
    """The chosen assessor's diary on the booking's day, and the clashes: the diary's
    (hours, leave, capacity), the allocation rule's (openepa.domain.allocation) and any
    booking overlapping it. Reads only."""
    day = timezone.localdate(starts_at)
    profile = profile_for(assessor_id, epao_id)
    found = allocation_problems(
        assessor_id=assessor_id, epao_id=epao_id, on=day, remote=remote, name=name
    )
    if profile is None:
        return Preview(name, day, (), [], found, [], False)
    view = day_view(profile, starts_at, minutes, name)
    ends_at = starts_at + timedelta(minutes=minutes)
    for other in view.bookings:
        other_end = other.starts_at + timedelta(minutes=other.duration_minutes)
        if other.starts_at < ends_at and starts_at < other_end:
            found.append(
                f"{name} is already booked from {timezone.localtime(other.starts_at):%H:%M} "
                f"to {timezone.localtime(other_end):%H:%M} on {long_date(day)}."
            )
    return Preview(
        name=name,
        day=day,
        windows=view.windows,
        others=[(b, b.enrolment.epao_id == epao_id) for b in view.bookings],
        clashes=view.clashes + found,
        regions=profile.region_names(),
        remote_capable=profile.remote_capable,
    )
