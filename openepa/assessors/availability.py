"""Assessors' working time and capacity, as scheduling reads them.

A minimal stand-in with the interface the assessor diary provides (issue 16 §1): Monday to
Friday 09:00–17:00 less the periods marked unavailable, and a fixed capacity. The diary's
own module (working patterns, exceptions, per-assessor capacity) replaces this file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, time, timedelta

from openepa.assessors.models import AssessorProfile, Availability


@dataclass(frozen=True)
class Capacity:
    day_assessments: int
    day_minutes: int
    week_assessments: int
    week_minutes: int


_DEFAULT = Capacity(day_assessments=4, day_minutes=420, week_assessments=16, week_minutes=1800)
_DAY = ((time(9, 0), time(17, 0)),)


def working_windows(
    profile_ids: Collection[int], first: date, last: date
) -> dict[tuple[int, date], tuple[tuple[time, time], ...]]:
    """{(profile id, day): the day's working windows} for the days the assessor works."""
    off: dict[int, list[Availability]] = defaultdict(list)
    for period in Availability.objects.filter(
        profile_id__in=list(profile_ids), available=False, starts_on__lte=last, ends_on__gte=first
    ):
        off[period.profile_id].append(period)
    out: dict[tuple[int, date], tuple[tuple[time, time], ...]] = {}
    for pid in profile_ids:
        day = first
        while day <= last:
            if day.weekday() < 5 and not any(p.starts_on <= day <= p.ends_on for p in off[pid]):
                out[(pid, day)] = _DAY
            day += timedelta(days=1)
    return out


def capacity_of(profile: AssessorProfile) -> Capacity:
    return _DEFAULT
