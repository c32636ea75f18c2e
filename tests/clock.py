"""The suite's moved clock: `OPENEPA_TEST_TODAY=2027-06-30 make test` runs every test as if
today were that day (a date, or a local date and time such as 2028-02-29T23:30).

tests/conftest.py moves the whole process's clock with time-machine before Django starts and
lets it tick, so `date.today()`, `timezone.now()` and `time.time()` agree in the tests, the
app, the live server's thread and the in-process worker. It proves that no test compares a
fixed date with the real clock; .ci/run runs the suite on two such days."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY_VARIABLE = "OPENEPA_TEST_TODAY"
LONDON = ZoneInfo("Europe/London")


def moved_clock(value: str) -> datetime:
    """The moment the clock starts from: a date alone starts at 10:00 London time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise pytest.UsageError(
            f"{TODAY_VARIABLE} must be a date such as 2027-06-30 (or 2027-06-30T23:30): {exc}"
        ) from exc
    if len(value) == len("2027-06-30"):
        moment = datetime.combine(date.fromisoformat(value), time(10, 0))
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def on(day: date, hour: int = 10) -> Any:
    """`@on(date(2026, 11, 27))`: the decorated test (or a `with` block) runs on that day
    from that London hour, the clock ticking; for a test whose story has fixed dates."""
    return time_machine.travel(datetime.combine(day, time(hour), LONDON), tick=True)
