"""The open enquiries and appeals, downloaded (issue 17 §4). The grounds are left out: they
may describe personal circumstances, which the queue does not show either."""

from __future__ import annotations

from openepa.cases.models import Case
from openepa.core.exports import Column

OPEN_CASES: tuple[Column[Case], ...] = (
    Column("ULN", lambda c: c.enrolment.apprentice.uln),
    Column("Apprentice", lambda c: c.enrolment.apprentice.name),
    Column("Kind", lambda c: c.get_kind_display()),
    Column("Raised on", lambda c: c.raised_on),
    Column("State", lambda c: c.get_state_display()),
    Column("Reviewer", lambda c: str(c.reviewer) if c.reviewer else ""),
    Column("Case number", lambda c: c.pk),
)
