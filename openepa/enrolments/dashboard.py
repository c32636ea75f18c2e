"""Home-page sections from the enrolments context (issue 3 §1: each role lands on a page
of what needs its attention)."""

from __future__ import annotations

from typing import Any

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.enrolments import queries

#: Enough to act on from the home page; the rest is one link away.
SHOWN = 10


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    found: list[dict[str, Any]] = []
    if roles.has(Role.EPAO_ADMIN):
        found.append(
            {
                "title": "Apprentices by state",
                "template": "enrolments/section_counts.html",
                "context": {
                    # Kept by the database with every write: one small query.
                    "counts": queries.kept_counts(roles.orgs(Role.EPAO_ADMIN)),
                },
                "empty": "",
            }
        )
    if roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER):
        waiting = list(queries.needing_action(user)[: SHOWN + 1])
        empty = "None of your apprentices is waiting for you."
        found.append(
            {
                "title": "Apprentices waiting for you",
                "template": "enrolments/section_needing_action.html",
                "context": {
                    "enrolments": waiting[:SHOWN],
                    "more": queries.needing_action(user).count() - SHOWN
                    if len(waiting) > SHOWN
                    else 0,
                    "empty": empty,
                    "may_register": roles.has(Role.PROVIDER) or roles.has(Role.EPAO_ADMIN),
                },
                "empty": empty,
            }
        )
    if roles.is_apprentice:
        empty = "You are not registered on a standard yet."
        found.append(
            {
                "title": "Your end-point assessment",
                "template": "enrolments/section_own.html",
                "context": {"enrolments": list(queries.own_enrolments(user)), "empty": empty},
                "empty": empty,
            }
        )
    return found
