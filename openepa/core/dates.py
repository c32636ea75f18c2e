"""Dates in the words people read on pages, emails and documents (British order, month in
full, no leading zero on the day)."""

from __future__ import annotations

from datetime import date


def long_date(day: date) -> str:
    """E.g. "3 March 2027"."""
    return f"{day.day} {day:%B %Y}"
