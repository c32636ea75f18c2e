"""What a browser posts for the GOV.UK date input: a date as day, month and year (and a
time as hour and minute), as `<name>_day`, `<name>_month`, `<name>_year` (`_hour`,
`_minute`). Tests write dates in ISO form and post them as a person types them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def date_input(name: str, value: str | date | datetime | None) -> dict[str, str]:
    """{"held_on_day": "3", "held_on_month": "3", "held_on_year": "2027"} for
    ("held_on", "2027-03-03"); with "T14:30" also the hour and minute. Empty parts for an
    empty value (a date left blank)."""
    text = value.isoformat() if isinstance(value, (date, datetime)) else (value or "")
    day, _, time = text.partition("T")
    parts = {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    if day:
        year, month, day_of_month = day.split("-")
        parts = {
            f"{name}_day": str(int(day_of_month)),
            f"{name}_month": str(int(month)),
            f"{name}_year": year,
        }
    if time:
        hour, minute = time.split(":")[:2]
        parts |= {f"{name}_hour": str(int(hour)), f"{name}_minute": minute}
    return parts


def with_date_inputs(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The posted form with each named ISO date replaced by its date input's parts."""
    posted = {k: v for k, v in data.items() if k not in names}
    for name in names:
        if name in data:
            posted |= date_input(name, data[name])
    return posted
