"""Home-page sections for gateway: what awaits the admin's review, and which of a
provider's or employer's apprentices can submit (or resubmit after a rejection)."""

from __future__ import annotations

from typing import Any

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.gateway.queries import awaiting_review, ready_to_submit

TEMPLATE = "gateway/dashboard_enrolments.html"


def sections(user: Any) -> list[dict[str, Any]]:
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
    if roles.has(Role.PROVIDER) or roles.has(Role.EMPLOYER):
        out.append(
            {
                "title": "Ready for gateway, or rejected and to resubmit",
                "template": TEMPLATE,
                "context": {
                    "rows": list(ready_to_submit(user)),
                    "link": "gateway:submit",
                    "action": "Submit gateway evidence",
                    "empty": "None of your apprentices is waiting for a gateway submission.",
                },
                "empty": "None of your apprentices is waiting for a gateway submission.",
            }
        )
    return out
