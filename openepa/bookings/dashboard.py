"""Home-page sections for planning and bookings: the admin's enrolments needing a planning
meeting or bookings; the assessor's upcoming allocated bookings, unconfirmed first."""

from __future__ import annotations

from typing import Any

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.queries import allocated_to, enrolments_in_state
from openepa.domain.journey import State


def _enrolments(title: str, rows: Any, link: str, action: str, empty: str) -> dict[str, Any]:
    return {
        "title": title,
        "template": "bookings/dashboard_enrolments.html",
        "context": {"rows": list(rows), "link": link, "action": action, "empty": empty},
        "empty": empty,
    }


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[dict[str, Any]] = []
    if roles.has(Role.EPAO_ADMIN):
        out.append(
            _enrolments(
                "Gateway accepted: planning meeting needed",
                enrolments_in_state(user, State.GATEWAY_ACCEPTED),
                "bookings:planning",
                "Record the planning meeting",
                "No apprentice is waiting for a planning meeting.",
            )
        )
        out.append(
            _enrolments(
                "Planned: assessments to book",
                enrolments_in_state(user, State.PLANNING),
                "bookings:book",
                "Book an assessment",
                "No planned apprentice is waiting for bookings.",
            )
        )
    if roles.has(Role.ASSESSOR):
        out.append(
            {
                "title": "Your upcoming assessments",
                "template": "bookings/dashboard_allocated.html",
                "context": {"rows": list(allocated_to(user, upcoming_only=True))},
                "empty": "No assessments are allocated to you.",
            }
        )
    return out
