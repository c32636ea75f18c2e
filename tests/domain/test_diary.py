"""The diary rules (openepa.domain.diary), table-tested."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from openepa.domain.diary import (
    DEFAULT_CAPACITY,
    DEFAULT_PATTERN,
    Capacity,
    DayHours,
    DiaryException,
    Load,
    diary_clashes,
    span_words,
    unanswered_too_long,
    windows_on,
)

NO_LOAD = Load()
FRI = date(2027, 3, 5)  # a Friday
SAT = date(2027, 3, 6)
WITH_LUNCH = {4: DayHours(time(9), time(17), time(12, 30), time(13, 30))}


@pytest.mark.parametrize(
    ("pattern", "exceptions", "day", "expected"),
    [
        (DEFAULT_PATTERN, (), FRI, ((time(9), time(17)),)),
        (DEFAULT_PATTERN, (), SAT, ()),
        (WITH_LUNCH, (), FRI, ((time(9), time(12, 30)), (time(13, 30), time(17)))),
        (DEFAULT_PATTERN, (DiaryException(date(2027, 3, 3), date(2027, 3, 7)),), FRI, ()),
        (
            DEFAULT_PATTERN,
            (DiaryException(FRI, FRI, from_time=time(13), to_time=time(17)),),
            FRI,
            ((time(9), time(13)),),
        ),
        (
            DEFAULT_PATTERN,
            (DiaryException(SAT, SAT, available=True, from_time=time(10), to_time=time(14)),),
            SAT,
            ((time(10), time(14)),),
        ),
        # An available day without times adds nothing; leave wins over extra hours.
        (DEFAULT_PATTERN, (DiaryException(SAT, SAT, available=True),), SAT, ()),
        (
            DEFAULT_PATTERN,
            (
                DiaryException(SAT, SAT, available=True, from_time=time(10), to_time=time(14)),
                DiaryException(SAT, SAT),
            ),
            SAT,
            (),
        ),
    ],
)
def test_windows_on(pattern, exceptions, day, expected):
    assert windows_on(pattern, exceptions, day) == expected


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (date(2027, 3, 3), date(2027, 3, 3), "3 March 2027"),
        (date(2027, 3, 3), date(2027, 3, 7), "3 to 7 March 2027"),
        (date(2027, 2, 28), date(2027, 3, 3), "28 February to 3 March 2027"),
        (date(2026, 12, 30), date(2027, 1, 2), "30 December 2026 to 2 January 2027"),
    ],
)
def test_span_words(first, last, words):
    assert span_words(first, last) == words


def _clashes(
    start,
    minutes=90,
    *,
    load=NO_LOAD,
    exceptions=(),
    pattern=DEFAULT_PATTERN,
    capacity=DEFAULT_CAPACITY,
):
    return diary_clashes(
        "Alex Smith",
        pattern=pattern,
        exceptions=exceptions,
        capacity=capacity,
        start=start,
        minutes=minutes,
        load=load,
    )


@pytest.mark.parametrize(
    ("start", "minutes", "kwargs", "expected"),
    [
        (datetime(2027, 3, 5, 9), 90, {}, []),
        (datetime(2027, 3, 5, 15, 30), 90, {}, []),
        (
            datetime(2027, 3, 5, 9),
            90,
            {"exceptions": (DiaryException(date(2027, 3, 3), date(2027, 3, 7), note="Holiday"),)},
            ["Alex Smith is on leave from 3 to 7 March 2027 (Holiday)."],
        ),
        (
            datetime(2027, 3, 6, 10),
            90,
            {},
            [
                "Alex Smith does not work on Saturdays (their working pattern), so is not "
                "available on 6 March 2027."
            ],
        ),
        (
            datetime(2027, 3, 5, 16),
            90,
            {},
            [
                "Alex Smith works 09:00 to 17:00 on 5 March 2027; 16:00 to 17:30 is outside "
                "those hours."
            ],
        ),
        (
            datetime(2027, 3, 5, 12),
            60,
            {"pattern": WITH_LUNCH},
            [
                "Alex Smith works 09:00 to 12:30 and 13:30 to 17:00 on 5 March 2027; 12:00 to "
                "13:00 is outside those hours."
            ],
        ),
        (
            datetime(2027, 3, 5, 14),
            60,
            {
                "exceptions": (
                    DiaryException(FRI, FRI, from_time=time(13), to_time=time(17), note="Dentist"),
                )
            },
            [
                "Alex Smith is unavailable from 13:00 to 17:00 on 5 March 2027 (Dentist).",
                "Alex Smith works 09:00 to 13:00 on 5 March 2027; 14:00 to 15:00 is outside "
                "those hours.",
            ],
        ),
        (
            datetime(2027, 3, 5, 9),
            90,
            {"load": Load(4, 300, 4, 300)},
            ["Alex Smith already has 4 assessments on 5 March 2027, their daily limit."],
        ),
        (
            datetime(2027, 3, 5, 9),
            90,
            {"load": Load(3, 360, 3, 360)},
            [
                "Alex Smith already has 360 minutes of assessments on 5 March 2027; 90 more "
                "would pass their daily limit of 420 minutes."
            ],
        ),
        (
            datetime(2027, 3, 5, 9),
            90,
            {"load": Load(0, 0, 16, 1000)},
            [
                "Alex Smith already has 16 assessments in the week of 1 March 2027, their "
                "weekly limit."
            ],
        ),
        (
            datetime(2027, 3, 5, 9),
            90,
            {"load": Load(0, 0, 10, 1750)},
            [
                "Alex Smith already has 1750 minutes of assessments in the week of 1 March "
                "2027; 90 more would pass their weekly limit of 1800 minutes."
            ],
        ),
        (
            datetime(2027, 3, 5, 9),
            90,
            {"load": Load(1, 90, 1, 90), "capacity": Capacity(1, 420, 16, 1800)},
            ["Alex Smith already has 1 assessment on 5 March 2027, their daily limit."],
        ),
    ],
)
def test_diary_clashes(start, minutes, kwargs, expected):
    assert _clashes(start, minutes, **kwargs) == expected


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        (DayHours(time(9), time(17)), None),
        (DayHours(time(17), time(9)), "the finish time must be after the start time"),
        (
            DayHours(time(9), time(17), time(12)),
            "give both the start and the end of the break, or neither",
        ),
        (
            DayHours(time(9), time(17), time(8), time(10)),
            "the break must start and end inside the working hours",
        ),
    ],
)
def test_day_hours_problem(hours, problem):
    assert hours.problem() == problem


@pytest.mark.parametrize(
    ("allocated", "today", "days", "late"),
    [
        (date(2027, 3, 1), date(2027, 3, 3), 3, False),  # Mon → Wed: 2 working days
        (date(2027, 3, 1), date(2027, 3, 4), 3, True),
        (date(2027, 3, 5), date(2027, 3, 9), 3, False),  # Fri → Tue: the weekend is not counted
        (date(2027, 3, 5), date(2027, 3, 10), 3, True),
    ],
)
def test_unanswered_too_long(allocated, today, days, late):
    assert unanswered_too_long(allocated, today, days) is late
