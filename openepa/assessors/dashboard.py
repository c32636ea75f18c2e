"""Home-page sections: for EPAO admins, assessors whose standardisation has lapsed or
lapses within LAPSING_DAYS days, or who have no profile (seed 003 §9: at least yearly)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import User
from openepa.assessors.queries import admin_epaos, statuses

#: How far ahead the admin is warned of a lapsing standardisation.
LAPSING_DAYS = 30
#: A home page lists the first few; "All assessors" lists every one.
ROWS = 10


def sections(user: User) -> list[dict[str, Any]]:
    epaos = admin_epaos(user)
    if not epaos:
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=LAPSING_DAYS)
    rows = [
        s
        for s in statuses(epaos, today)
        if s.profile is None or s.standardised_until is None or s.standardised_until <= soon
    ]
    more = None
    if len(rows) > ROWS:
        more = {"total": len(rows), "href": reverse("assessors:list")}
    return [
        {
            "title": f"Assessors: standardisation lapsed or lapsing within {LAPSING_DAYS} days",
            "template": "assessors/dashboard_lapsing.html",
            "more": more,
            "context": {"rows": rows[:ROWS], "today": today},
            "empty": "Every assessor is standardised for the next 30 days.",
        }
    ]
