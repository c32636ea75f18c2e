"""The pipeline's columns when downloaded (issue 17 §4): what the page shows, plus the dates
an auditor or a funding check asks for.

The download reads plain values (`PIPELINE_FIELDS`) rather than model instances: the same
query, filters and order as the page, without building seven objects a row, which is most
of the time a 100,000-row download takes."""

from __future__ import annotations

from openepa.core.exports import Column, Row
from openepa.domain.journey import LABELS, State

PIPELINE_FIELDS = (
    "pk",
    "apprentice__uln",
    "apprentice__given_name",
    "apprentice__family_name",
    "standard__reference",
    "standard__version",
    "employer__name",
    "provider__name",
    "state",
    "overdue",
    "start_date",
    "created_at",
)

PIPELINE: tuple[Column[Row], ...] = (
    Column("ULN", lambda e: e["apprentice__uln"]),
    Column("Given name", lambda e: e["apprentice__given_name"]),
    Column("Family name", lambda e: e["apprentice__family_name"]),
    Column("Standard", lambda e: f"{e['standard__reference']} v{e['standard__version']}"),
    Column("Employer", lambda e: e["employer__name"]),
    Column("Provider", lambda e: e["provider__name"]),
    Column("State", lambda e: LABELS[State(e["state"])]),
    Column("Results overdue", lambda e: "Yes" if e["overdue"] else "No"),
    Column("Start date", lambda e: e["start_date"]),
    Column("Registered", lambda e: e["created_at"]),
    Column("Enrolment number", lambda e: e["pk"]),
)
