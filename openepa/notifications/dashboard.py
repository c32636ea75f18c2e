"""Home-page section of the notifications context: emails that failed, for the EPAO's
admins, so a message nobody received does not go unnoticed."""

from __future__ import annotations

from openepa.accounts.models import User
from openepa.core.sections import Section
from openepa.notifications.access import may_see_outbox
from openepa.notifications.queries import needing_attention_for

ROWS = 10


def sections(user: User) -> list[Section]:
    if not may_see_outbox(user):
        return []
    rows = list(needing_attention_for(user)[: ROWS + 1])
    if not rows:
        return []
    return [
        {
            "title": "Emails not delivered",
            "template": "notifications/dashboard_failed.html",
            "context": {"rows": rows[:ROWS], "more": len(rows) > ROWS},
            "empty": "",
        }
    ]
