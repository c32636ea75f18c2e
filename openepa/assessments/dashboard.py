"""Home-page sections for marking: the assessor's drafts and assessments to mark, and the
EPAO admin's recently submitted sheets. Each list is one query whatever its length."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.queries import bookings_to_mark, draft_sheets_for, recently_submitted_for


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    found: list[dict[str, Any]] = []
    if roles.has(Role.ASSESSOR):
        found += [
            _section(
                "Marking sheets in progress",
                "assessments/dashboard_sheets.html",
                "You have no marking sheets in progress.",
                sheets=draft_sheets_for(user),
                caption="Marking sheets you have started and not submitted",
                when_label="Last saved",
                show_assessor=False,
            ),
            _section(
                "Assessments to mark",
                "assessments/dashboard_bookings.html",
                "No assessments are waiting for you to mark.",
                bookings=bookings_to_mark(user),
                now=timezone.now(),
            ),
        ]
    if roles.has(Role.EPAO_ADMIN):
        found.append(
            _section(
                "Recently submitted marking sheets",
                "assessments/dashboard_sheets.html",
                "No marking sheets have been submitted yet.",
                sheets=recently_submitted_for(user),
                caption="The latest marking sheets submitted by assessors",
                when_label="Submitted",
                show_assessor=True,
            )
        )
    return found


def _section(title: str, template: str, empty: str, **context: Any) -> dict[str, Any]:
    return {
        "title": title,
        "template": template,
        "context": {**context, "empty": empty},
        "empty": empty,
    }
