"""An assessor's diary as the booking rules, the diary page and the optimiser read it:
the working windows of each day and the capacity (openepa.domain.diary has the rules).

Defaults for an assessor who has set nothing (the product's, documented in the README):
Monday to Friday 09:00 to 17:00; 4 assessments and 420 minutes a day, 16 assessments and
1,800 minutes a week. The assessor's profile overrides them field by field."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, time, timedelta

from openepa.assessors.models import AssessorProfile, Availability
from openepa.domain.diary import (
    DEFAULT_CAPACITY,
    DEFAULT_PATTERN,
    WEEKDAYS,
    Capacity,
    DayHours,
    DiaryException,
    Pattern,
    Window,
    windows_on,
)

__all__ = ["Capacity", "capacity_of", "exceptions_of", "pattern_of", "working_windows"]


def _time(value: object) -> time | None:
    return time.fromisoformat(value) if isinstance(value, str) and value else None


def pattern_of(profile: AssessorProfile) -> Pattern:
    """The profile's weekly hours by weekday (Monday = 0), or the default pattern."""
    raw = profile.working_pattern
    if raw is None:
        return DEFAULT_PATTERN
    out: dict[int, DayHours] = {}
    for key, hours in raw.items():
        start, end = _time(hours.get("start")), _time(hours.get("end"))
        if start is None or end is None:
            continue
        out[int(key)] = DayHours(
            start, end, _time(hours.get("break_start")), _time(hours.get("break_end"))
        )
    return out


def pattern_json(pattern: Pattern) -> dict[str, dict[str, str]]:
    """What AssessorProfile.working_pattern stores for a pattern."""
    out = {}
    for day, hours in sorted(pattern.items()):
        row = {"start": f"{hours.start:%H:%M}", "end": f"{hours.end:%H:%M}"}
        if hours.break_start is not None and hours.break_end is not None:
            row |= {
                "break_start": f"{hours.break_start:%H:%M}",
                "break_end": f"{hours.break_end:%H:%M}",
            }
        out[str(day)] = row
    return out


def hours_in_words(pattern: Pattern) -> list[tuple[str, str]]:
    """(weekday, "09:00 to 12:30 and 13:00 to 17:00" or "Not working"), Monday first."""
    out = []
    for day, name in enumerate(WEEKDAYS):
        hours = pattern.get(day)
        if hours is None:
            out.append((name, "Not working"))
            continue
        out.append((name, " and ".join(f"{a:%H:%M} to {b:%H:%M}" for a, b in hours.windows())))
    return out


def capacity_of(profile: AssessorProfile) -> Capacity:
    """The profile's capacity, each figure it leaves unset taken from the default."""

    def pick(value: int | None, default: int) -> int:
        return default if value is None else value

    d = DEFAULT_CAPACITY
    return Capacity(
        day_assessments=pick(profile.day_assessments, d.day_assessments),
        day_minutes=pick(profile.day_minutes, d.day_minutes),
        week_assessments=pick(profile.week_assessments, d.week_assessments),
        week_minutes=pick(profile.week_minutes, d.week_minutes),
    )


def as_exception(entry: Availability) -> DiaryException:
    return DiaryException(
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        available=entry.available,
        from_time=entry.from_time,
        to_time=entry.to_time,
        note=entry.note,
    )


def exceptions_of(profile: AssessorProfile) -> tuple[DiaryException, ...]:
    """The profile's leave, part days and extra hours (uses prefetched availability)."""
    return tuple(as_exception(a) for a in profile.availability.all())


def working_windows(
    profile_ids: Collection[int], first: date, last: date
) -> dict[tuple[int, date], tuple[tuple[time, time], ...]]:
    """Every (profile, day) from `first` to `last` (both included) the assessor can work,
    with that day's windows: working pattern minus breaks, leave and part days off, plus
    extra hours. Days with no window are absent. Two queries whatever the range."""
    profiles = list(AssessorProfile.objects.filter(pk__in=list(profile_ids)))
    by_profile: dict[int, list[DiaryException]] = {p.pk: [] for p in profiles}
    for entry in Availability.objects.filter(
        profile_id__in=list(by_profile), starts_on__lte=last, ends_on__gte=first
    ):
        by_profile[entry.profile_id].append(as_exception(entry))
    out: dict[tuple[int, date], tuple[Window, ...]] = {}
    for profile in profiles:
        pattern = pattern_of(profile)
        exceptions = by_profile[profile.pk]
        day = first
        while day <= last:
            windows = windows_on(pattern, exceptions, day)
            if windows:
                out[(profile.pk, day)] = windows
            day += timedelta(days=1)
    return out
