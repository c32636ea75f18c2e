"""Home-page sections for planning and bookings: the admin's enrolments needing a planning
meeting or bookings; the assessor's upcoming allocated bookings, unconfirmed first."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.queries import allocated_to, enrolments_in_state, missed_to_decide
from openepa.bookings.reallocation import queue
from openepa.domain.journey import State

#: A home page lists the first few; the full list is one link away.
ROWS = 10


def _enrolments(
    user: User, title: str, state: State, link: str, action: str, empty: str
) -> dict[str, Any]:
    """The first ROWS of the admin's enrolments in `state`, and a link to the pipeline
    filtered by that state when there are more."""
    rows = list(enrolments_in_state(user, state)[: ROWS + 1])
    more = None
    if len(rows) > ROWS:
        more = {"href": reverse("enrolments:pipeline") + f"?state={state.value}"}
    return {
        "title": title,
        "template": "bookings/dashboard_enrolments.html",
        "more": more,
        "context": {"rows": rows[:ROWS], "link": link, "action": action, "empty": empty},
        "empty": empty,
    }


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[dict[str, Any]] = []
    if roles.has(Role.EPAO_ADMIN):
        out.append(
            _enrolments(
                user,
                "Gateway accepted: planning meeting needed",
                State.GATEWAY_ACCEPTED,
                "bookings:planning",
                "Record the planning meeting",
                "No apprentice is waiting for a planning meeting.",
            )
        )
        out.append(
            _enrolments(
                user,
                "Planned: assessments to book",
                State.PLANNING,
                "bookings:book",
                "Book an assessment",
                "No planned apprentice is waiting for bookings.",
            )
        )
        rows = list(queue(roles.orgs(Role.EPAO_ADMIN))[: ROWS + 1])
        out.append(
            {
                "title": "Bookings to re-allocate",
                "template": "bookings/dashboard_reallocate.html",
                "more": {"href": reverse("bookings:reallocate")} if len(rows) > ROWS else None,
                "context": {"rows": rows[:ROWS]},
                "empty": "No booking is waiting to be re-allocated.",
            }
        )
    if roles.has(Role.EPAO_ADMIN):
        missed = list(missed_to_decide(user)[:ROWS])
        if missed:  # shown only when there is something to decide
            out.append(
                {
                    "title": "Missed assessments to decide",
                    "template": "bookings/dashboard_missed.html",
                    "context": {"rows": missed},
                    "empty": "",
                }
            )
    if roles.has(Role.ASSESSOR):
        out.append(
            {
                "title": "Your upcoming assessments",
                "template": "bookings/dashboard_allocated.html",
                # The first few; "All my bookings" (bookings:mine) lists them all.
                "context": {"rows": list(allocated_to(user, upcoming_only=True)[:ROWS])},
                "empty": "No assessments are allocated to you.",
            }
        )
    return out
