"""Filling the GOV.UK form components in the browser, as a person would."""

from __future__ import annotations

from typing import Any


def fill_date(page: Any, label: str, value: str) -> None:
    """Type an ISO date ("2027-03-03", or "2027-03-03T14:30") into the GOV.UK date input
    whose legend is `label`: day, month and year (and hour and minute), as a person would."""
    day, _, time = value.partition("T")
    year, month, day_of_month = day.split("-")
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(int(day_of_month)))
    group.get_by_label("Month").fill(str(int(month)))
    group.get_by_label("Year").fill(year)
    if time:
        hour, minute = time.split(":")
        group.get_by_label("Hour").fill(hour)
        group.get_by_label("Minute").fill(minute)
