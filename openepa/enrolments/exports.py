"""The pipeline's columns when downloaded (issue 17 §4): what the page shows, plus the dates
an auditor or a funding check asks for."""

from __future__ import annotations

from openepa.core.exports import Column
from openepa.domain.journey import LABELS
from openepa.enrolments.models import Enrolment

PIPELINE: tuple[Column[Enrolment], ...] = (
    Column("ULN", lambda e: e.apprentice.uln),
    Column("Given name", lambda e: e.apprentice.given_name),
    Column("Family name", lambda e: e.apprentice.family_name),
    Column("Standard", lambda e: f"{e.standard.reference} v{e.standard.version}"),
    Column("Employer", lambda e: e.employer.name),
    Column("Provider", lambda e: e.provider.name),
    Column("State", lambda e: LABELS[e.journey_state]),
    Column("Results overdue", lambda e: "Yes" if getattr(e, "overdue", False) else "No"),
    Column("Start date", lambda e: e.start_date),
    Column("Registered", lambda e: e.created_at),
    Column("Enrolment number", lambda e: e.pk),
)
