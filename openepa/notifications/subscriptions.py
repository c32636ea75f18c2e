"""The notifications context hears of each journey step by subscribing to the journey
(openepa.enrolments.journey.subscribe, from NotificationsConfig.ready), so that the
enrolments context knows nothing of emails."""

from __future__ import annotations

from django.db import transaction

from openepa.enrolments.models import JourneyEvent
from openepa.notifications.kinds import notices_for
from openepa.notifications.tasks import notify_for_event


def queue_emails(event: JourneyEvent) -> None:
    """Once the action's transaction commits, queue the emails this step sends (one table
    maps an action to its emails: kinds.NOTICES). Nothing is queued for a rolled-back
    action; a step that sends no email queues nothing."""
    if not notices_for(event.action):
        return
    event_id = event.pk

    def enqueue() -> None:
        notify_for_event.enqueue(event_id)

    # robust: the action has committed; a failure to queue is logged, not shown as a
    # failure of what the user did.
    transaction.on_commit(enqueue, robust=True)
