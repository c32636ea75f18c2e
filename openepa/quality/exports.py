"""The IQA queue, downloaded (issue 17 §4): the page's columns, one cell each."""

from __future__ import annotations

from openepa.core.exports import Column
from openepa.quality.models import IqaSample

QUEUE: tuple[Column[IqaSample], ...] = (
    Column("ULN", lambda s: s.attempt.enrolment.apprentice.uln),
    Column("Apprentice", lambda s: s.attempt.enrolment.apprentice.name),
    Column("Method", lambda s: s.attempt.get_method_display()),
    Column("Attempt", lambda s: s.attempt.number),
    Column("Assessed on", lambda s: s.attempt.assessed_on),
    Column("Grade", lambda s: s.grade),
    Column("Assessor", lambda s: str(s.attempt.assessor)),
    Column("Why sampled", lambda s: f"{s.get_reason_display()}: {s.explanation}"),
    Column("Waiting since", lambda s: s.sampled_at),
    Column("Status", lambda s: s.get_state_display()),
    Column("Reviewer", lambda s: str(s.reviewer) if s.reviewer else ""),
    Column("Sample number", lambda s: s.pk),
)
