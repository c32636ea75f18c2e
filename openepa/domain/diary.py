"""An assessor's diary: working pattern, exceptions and capacity, and whether a booking
fits it. Pure functions: no database, no Django.

The seeds say nothing about assessors' hours or workload; an EPAO plans them (seed 000
§2.4: the EPAO arranges the assessment "at a time agreed with" the apprentice and
employer, and allocates an independent assessor). The defaults below are the product's
(issue 16, "Assessor diary and availability"), documented in the README; an assessor's own
pattern and capacity, kept on their profile, replace them.

- Working pattern: Monday to Friday, 09:00 to 17:00, no break (DEFAULT_PATTERN).
- Capacity: 4 assessments and 420 minutes a day, 16 and 1,800 a week (DEFAULT_CAPACITY).
- A week runs Monday to Sunday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from openepa.domain.dates import long_date, working_days_between

Window = tuple[time, time]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayHours:
    """The hours of one weekday, with an optional break inside them."""

    start: time
    end: time
    break_start: time | None = None
    break_end: time | None = None

    def problem(self) -> str | None:
        """Why these hours cannot be kept, or None."""
        if self.end <= self.start:
            return "the finish time must be after the start time"
        if (self.break_start is None) != (self.break_end is None):
            return "give both the start and the end of the break, or neither"
        if (
            self.break_start is not None
            and self.break_end is not None
            and not self.start < self.break_start < self.break_end < self.end
        ):
            return "the break must start and end inside the working hours"
        return None

    def windows(self) -> tuple[Window, ...]:
        if self.break_start is None or self.break_end is None:
            return ((self.start, self.end),)
        return ((self.start, self.break_start), (self.break_end, self.end))


#: Weekday (Monday = 0) → hours; a weekday absent is a day not worked.
Pattern = Mapping[int, DayHours]
DEFAULT_PATTERN: Pattern = {day: DayHours(time(9), time(17)) for day in range(5)}


@dataclass(frozen=True)
class Capacity:
    """How much an assessor takes on: assessments and minutes a day and a week."""

    day_assessments: int
    day_minutes: int
    week_assessments: int
    week_minutes: int


DEFAULT_CAPACITY = Capacity(
    day_assessments=4, day_minutes=420, week_assessments=16, week_minutes=1800
)


@dataclass(frozen=True)
class DiaryException:
    """Leave (a whole-day unavailable period), a part day off (unavailable between two
    times on each day of the period) or extra hours (available between two times)."""

    starts_on: date
    ends_on: date
    available: bool = False
    from_time: time | None = None
    to_time: time | None = None
    note: str = ""

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def whole_day(self) -> bool:
        return self.from_time is None or self.to_time is None


def span_words(first: date, last: date) -> str:
    """ "3 March 2027", "3 to 7 March 2027", "28 February to 3 March 2027"."""
    if first == last:
        return long_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {long_date(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {long_date(last)}"
    return f"{long_date(first)} to {long_date(last)}"


def _subtract(windows: list[Window], cut: Window) -> list[Window]:
    out: list[Window] = []
    for start, end in windows:
        if cut[1] <= start or cut[0] >= end:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def _union(windows: Iterable[Window]) -> list[Window]:
    out: list[Window] = []
    for start, end in sorted(windows):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def leave_on(exceptions: Iterable[DiaryException], day: date) -> DiaryException | None:
    """The whole-day unavailable period covering `day`, if any."""
    for e in exceptions:
        if not e.available and e.whole_day and e.covers(day):
            return e
    return None


def windows_on(
    pattern: Pattern, exceptions: Iterable[DiaryException], day: date
) -> tuple[Window, ...]:
    """The times the assessor can work on `day`: the weekday's hours minus the break, plus
    extra hours, minus leave and part days off (unavailable wins over available)."""
    found = [e for e in exceptions if e.covers(day)]
    if leave_on(found, day) is not None:
        return ()
    hours = pattern.get(day.weekday())
    windows = list(hours.windows()) if hours else []
    for e in found:
        if e.available and e.from_time is not None and e.to_time is not None:
            windows.append((e.from_time, e.to_time))
    windows = _union(windows)
    for e in found:
        if not e.available and e.from_time is not None and e.to_time is not None:
            windows = _subtract(windows, (e.from_time, e.to_time))
    return tuple(windows)


def week_of(day: date) -> date:
    """The Monday starting the week `day` is in."""
    return day - timedelta(days=day.weekday())


def _hhmm(moment: time) -> str:
    return f"{moment:%H:%M}"


def _windows_words(windows: tuple[Window, ...]) -> str:
    parts = [f"{_hhmm(a)} to {_hhmm(b)}" for a, b in windows]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Load:
    """The assessor's other bookings: how many and how many minutes, on the day and in its
    week."""

    day_assessments: int = 0
    day_minutes: int = 0
    week_assessments: int = 0
    week_minutes: int = 0


def diary_clashes(
    name: str,
    *,
    pattern: Pattern,
    exceptions: Iterable[DiaryException],
    capacity: Capacity,
    start: datetime,
    minutes: int,
    load: Load,
) -> list[str]:
    """Every way a booking from `start` (local time) for `minutes` clashes with the
    assessor's diary, in plain words naming the clash; empty when it fits.

    A booking must lie wholly inside one of the day's working windows (working pattern,
    breaks, leave and part days, `windows_on`) and keep the day's and the week's
    assessments and minutes within the assessor's capacity."""
    day = start.date()
    end = start + timedelta(minutes=minutes)
    exceptions = tuple(exceptions)
    out: list[str] = []
    leave = leave_on(exceptions, day)
    windows = windows_on(pattern, exceptions, day)
    if leave is not None:
        note = f" ({leave.note})" if leave.note else ""
        out.append(f"{name} is on leave from {span_words(leave.starts_on, leave.ends_on)}{note}.")
    elif not windows:
        out.append(
            f"{name} does not work on {WEEKDAYS[day.weekday()]}s (their working pattern), "
            f"so is not available on {long_date(day)}."
        )
    elif end.date() != day or not any(a <= start.time() and end.time() <= b for a, b in windows):
        part = next(
            (
                e
                for e in exceptions
                if e.covers(day)
                and not e.available
                and not e.whole_day
                and e.from_time is not None
                and e.to_time is not None
                and e.from_time < end.time()
                and start.time() < e.to_time
            ),
            None,
        )
        if part is not None and part.from_time and part.to_time:
            note = f" ({part.note})" if part.note else ""
            out.append(
                f"{name} is unavailable from {_hhmm(part.from_time)} to {_hhmm(part.to_time)} "
                f"on {long_date(day)}{note}."
            )
        out.append(
            f"{name} works {_windows_words(windows)} on {long_date(day)}; "
            f"{start:%H:%M} to {end:%H:%M} is outside those hours."
        )
    on = long_date(day)
    week = f"the week of {long_date(week_of(day))}"
    if load.day_assessments + 1 > capacity.day_assessments:
        out.append(
            f"{name} already has {load.day_assessments} assessment"
            f"{'' if load.day_assessments == 1 else 's'} on {on}, their daily limit."
        )
    elif load.day_minutes + minutes > capacity.day_minutes:
        out.append(
            f"{name} already has {load.day_minutes} minutes of assessments on {on}; "
            f"{minutes} more would pass their daily limit of {capacity.day_minutes} minutes."
        )
    if load.week_assessments + 1 > capacity.week_assessments:
        out.append(
            f"{name} already has {load.week_assessments} assessments in {week}, their weekly limit."
        )
    elif load.week_minutes + minutes > capacity.week_minutes:
        out.append(
            f"{name} already has {load.week_minutes} minutes of assessments in {week}; "
            f"{minutes} more would pass their weekly limit of {capacity.week_minutes} minutes."
        )
    return out


def unanswered_too_long(allocated_on: date, today: date, working_days: int) -> bool:
    """An allocation the assessor has neither accepted nor declined after `working_days`
    working days goes back to the admin (the policy's `allocations.response_working_days`,
    product default DEFAULT_RESPONSE_WORKING_DAYS)."""
    return working_days_between(allocated_on, today) >= working_days


#: Working days an assessor has to accept or decline an allocation when the policy is
#: silent (the seeds say nothing; the product default, documented in the README).
DEFAULT_RESPONSE_WORKING_DAYS = 3
