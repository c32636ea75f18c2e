"""Writes of the outbox: an admin asks for a failed message to be sent again now."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.core.refusals import ActionRefused
from openepa.notifications.models import InAppNotice, OutboxMessage
from openepa.notifications.notices import marked_read
from openepa.notifications.queries import administered_by
from openepa.notifications.tasks import queue_sends


def do_retry_message(*, actor: User, message_id: int) -> OutboxMessage:
    """Queue the message for the worker now, whatever its retry schedule. A message already
    sent is refused: sending it again would send it twice. A message whose outcome is
    unknown may be sent again: the page asks the admin to check with the recipient first.
    Not a JourneyEvent: resending an email changes nothing in the apprentice's journey."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if not OutboxMessage.objects.filter(administered_by(actor), pk=message.pk).exists():
            raise ActionRefused("Only the EPAO's admins can send its emails again.")
        if message.state == OutboxMessage.State.SENT:
            raise ActionRefused("This email was sent already; it is not sent twice.")
        if message.state == OutboxMessage.State.SENDING:
            raise ActionRefused("This email is being sent now; wait for the outcome.")
        message.state = OutboxMessage.State.QUEUED
        message.next_attempt_at = None
        message.retried_by = actor
        message.save(update_fields=["state", "next_attempt_at", "retried_by"])
        queue_sends([message.pk])
    return message


def do_mark_notice_read(*, actor: User, notice_id: int) -> int:
    """Mark one of the actor's own notices read (again: no change). Not a JourneyEvent:
    reading a notice changes nothing in anyone's journey. Returns how many were marked."""
    with transaction.atomic():
        done = InAppNotice.objects.filter(
            user_id=actor.pk, pk=notice_id, read_at__isnull=True
        ).update(read_at=timezone.now())
        marked_read(actor, done)
    return done


def do_mark_all_notices_read(*, actor: User, up_to_id: int) -> int:
    """Mark the actor's unread notices read, up to the newest one the page showed
    (`up_to_id`): a notice written after the page was shown stays unread, since the actor
    has not seen it. One statement, however many there are; then the count in the header is
    set to the unread notices left (newer than the page, so few), should anything have moved
    it: this is the write that corrects it, never a GET."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        done = InAppNotice.objects.filter(
            user_id=actor.pk, read_at__isnull=True, pk__lte=up_to_id
        ).update(read_at=timezone.now())
        left = InAppNotice.objects.filter(user_id=actor.pk, read_at__isnull=True).count()
        User.objects.filter(pk=actor.pk).update(unread_notices=left)
        actor.unread_notices = left
    return done
