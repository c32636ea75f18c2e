"""Home-page sections of the cases context: what waits for the EPAO admin's decision (late
adjustments first, special considerations by assessment date), and the open requests and
cases of the employer's, provider's or apprentice's own enrolments. No details in either."""

from __future__ import annotations

from typing import Any

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.cases.queries import (
    open_adjustments_for,
    open_cases_for,
    open_considerations_for,
    party_open_items,
)

#: A home page lists the first few of each; the queue has them all.
ROWS = 10


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[dict[str, Any]] = []
    if roles.has(Role.EPAO_ADMIN):
        context = {
            "adjustments": list(open_adjustments_for(user)[:ROWS]),
            "considerations": list(open_considerations_for(user)[:ROWS]),
            "cases": list(open_cases_for(user)[:ROWS]),
        }
        out.append(
            {
                "title": "Adjustments, special considerations and appeals to decide",
                "template": "cases/dashboard_admin.html",
                "context": context,
                "empty": "Nothing is waiting.",
            }
        )
    if roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER) or roles.is_apprentice:
        items = party_open_items(user, limit=ROWS + 1)
        if any(items.values()):
            more = any(len(rows) > ROWS for rows in items.values())
            out.append(
                {
                    "title": "Your open requests, enquiries and appeals",
                    "template": "cases/dashboard_party.html",
                    "context": {**{k: rows[:ROWS] for k, rows in items.items()}, "more": more},
                    "empty": "",
                }
            )
    return out
