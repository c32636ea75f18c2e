"""The results awaiting release, downloaded (issue 17 §4): the page's columns, with the ULN
and the dates as dates."""

from __future__ import annotations

from openepa.core.exports import Column
from openepa.results.models import OverallResult

AWAITING: tuple[Column[OverallResult], ...] = (
    Column("ULN", lambda r: r.enrolment.apprentice.uln),
    Column("Apprentice", lambda r: r.enrolment.apprentice.name),
    Column("Employer", lambda r: r.enrolment.employer.name),
    Column("Provider", lambda r: r.enrolment.provider.name),
    Column("Grade", lambda r: r.get_grade_display()),
    Column("Last assessment", lambda r: r.last_component_on),
    Column("Due", lambda r: r.due_on),
    Column("Overdue", lambda r: "Yes" if getattr(r, "overdue", False) else "No"),
    Column("Policy", lambda r: r.enrolment.policy.name),
    Column("Result number", lambda r: r.pk),
)
