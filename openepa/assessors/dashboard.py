"""Home-page sections: for EPAO admins, assessors whose standardisation has lapsed or
lapses within LAPSING_DAYS days, or who have no profile (seed 003 §9: at least yearly)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessors.queries import admin_epaos, lapsing
from openepa.core.sections import More, Section

#: How far ahead the admin is warned of a lapsing standardisation.
LAPSING_DAYS = 30
#: A home page lists the first few; "All assessors" lists every one.
ROWS = 10


def sections(user: User) -> list[Section]:
    epaos = admin_epaos(user)
    if not epaos:
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=LAPSING_DAYS)
    # The first ROWS (and one more, to know there are more), picked by the database.
    rows = lapsing(epaos, today, soon, limit=ROWS + 1)
    more: More | None = {"href": reverse("assessors:list")} if len(rows) > ROWS else None
    return [
        {
            "title": f"Assessors: standardisation lapsed or lapsing within {LAPSING_DAYS} days",
            "template": "assessors/dashboard_lapsing.html",
            "more": more,
            "context": {"rows": rows[:ROWS], "today": today},
            "empty": "Every assessor is standardised for the next 30 days.",
        }
    ]
