"""Home-page sections for gateway: what awaits the admin's review. (Providers and
employers see who can submit or resubmit in the enrolments context's section.)"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.figures import Figure
from openepa.core.sections import More, Section
from openepa.domain.dates import long_date
from openepa.domain.journey import State
from openepa.enrolments.queries import kept_count
from openepa.gateway.queries import awaiting_review, oldest_waiting_submission

TEMPLATE = "gateway/dashboard_enrolments.html"

#: A home page lists the first few; the pipeline, filtered by state, has them all.
ROWS = 10


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[Section] = []
    if roles.has(Role.EPAO_ADMIN):
        rows = list(awaiting_review(user)[: ROWS + 1])
        more: More | None = None
        if len(rows) > ROWS:
            href = reverse("enrolments:pipeline") + f"?state={State.GATEWAY_SUBMITTED.value}"
            more = {"href": href}
        out.append(
            {
                "title": "Gateway submissions awaiting review",
                "template": TEMPLATE,
                "more": more,
                "context": {
                    "rows": rows[:ROWS],
                    "link": "gateway:review",
                    "action": "Review",
                    "empty": "No gateway submission is waiting for a decision.",
                },
                "empty": "No gateway submission is waiting for a decision.",
            }
        )
    return out


def figures(user: User) -> list[Figure]:
    """The admin's figure: gateway submissions waiting for review, and since when."""
    roles = roles_of(user)
    if not roles.has(Role.EPAO_ADMIN):
        return []
    waiting = kept_count(roles.orgs(Role.EPAO_ADMIN), State.GATEWAY_SUBMITTED)
    oldest = oldest_waiting_submission(user) if waiting else None
    href = reverse("enrolments:pipeline") + f"?state={State.GATEWAY_SUBMITTED.value}"
    detail = f"Oldest submitted {long_date(timezone.localdate(oldest))}" if oldest else ""
    return [Figure("gateway reviews waiting", waiting, href, detail)]
