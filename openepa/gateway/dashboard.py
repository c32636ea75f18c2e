"""Home-page sections for gateway: what awaits the admin's review. (Providers and
employers see who can submit or resubmit in the enrolments context's section.)"""

from __future__ import annotations

from typing import Any

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.gateway.queries import awaiting_review

TEMPLATE = "gateway/dashboard_enrolments.html"


def sections(user: User) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[dict[str, Any]] = []
    if roles.has(Role.EPAO_ADMIN):
        out.append(
            {
                "title": "Gateway submissions awaiting review",
                "template": TEMPLATE,
                "context": {
                    "rows": list(awaiting_review(user)),
                    "link": "gateway:review",
                    "action": "Review",
                    "empty": "No gateway submission is waiting for a decision.",
                },
                "empty": "No gateway submission is waiting for a decision.",
            }
        )
    return out
