"""Home-page sections of the results context: what an EPAO admin must release (overdue
first, seed 004), the released statements of results each party receives (seed 000 §3),
and resits or retakes due with their deadlines (seed 000 §4, seed 004)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.journey import State
from openepa.enrolments.domain_data import standard_of
from openepa.results.display import method_name
from openepa.results.queries import (
    awaiting_release_for,
    released_results_for,
    resits_due_for,
)

#: A home page lists the first few; the full list is one click away.
ROWS = 10


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    party = roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER) or roles.is_apprentice
    out: list[dict[str, Any]] = []
    if roles.has(Role.EPAO_ADMIN):
        awaiting = awaiting_release_for(user)
        rows = list(awaiting[: ROWS + 1])
        out.append(
            {
                "title": "Results awaiting release",
                "template": "results/dashboard_awaiting.html",
                "context": {"rows": rows[:ROWS], "more": len(rows) > ROWS},
                "empty": "No results are waiting to be released.",
            }
        )
    if party:
        out.append(
            {
                "title": "Results",
                "template": "results/dashboard_released.html",
                "context": {
                    "rows": list(released_results_for(user)[:ROWS]),
                    "own": roles.is_apprentice
                    and not (roles.has(Role.EMPLOYER) or roles.has(Role.PROVIDER)),
                },
                "empty": "No results have been released yet.",
            }
        )
    if party or roles.has(Role.EPAO_ADMIN):
        # The plans are computed for the rows shown (and one more) only.
        due = resits_due_for(user, limit=ROWS + 1)
        if due:
            more = None
            if len(due) > ROWS and roles.has(Role.EPAO_ADMIN):
                href = reverse("enrolments:pipeline") + f"?state={State.RESIT_DUE.value}"
                more = {"href": href}
            out.append(
                {
                    "title": "Resits and retakes due",
                    "template": "results/dashboard_resits.html",
                    "more": more,
                    "context": {
                        "rows": [
                            {
                                "enrolment": d.enrolment,
                                "result": d.result,
                                "methods": [
                                    method_name(standard_of(d.enrolment), m) for m in d.plan.methods
                                ],
                                "deadline": d.plan.next_deadline,
                                "expired": d.plan.expired,
                            }
                            for d in due[:ROWS]
                        ],
                        "more": len(due) > ROWS,
                    },
                    "empty": "",
                }
            )
    return out
