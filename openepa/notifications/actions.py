"""Writes of the outbox (an admin asks for a failed message to be sent again now), of the
notices (marked read) and of prepared downloads (a user asks for one)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import User
from openepa.core.exports import FORMATS
from openepa.core.refusals import ActionRefused
from openepa.notifications.models import InAppNotice, OutboxMessage, PreparedDownload
from openepa.notifications.notices import marked_read
from openepa.notifications.queries import administered_by
from openepa.notifications.tasks import prepare_download, queue_sends

#: The longest query string (a list's filters) a prepared download records.
QUERY_MAX = 2000


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


def do_prepare_download(*, actor: User, source: str, fmt: str, query: str) -> PreparedDownload:
    """Record a download of the list `source` as filtered by `query`, for the worker to
    prepare as the actor, queued once the record commits. The actor must see the list now
    (the source's own check: Http404 otherwise, as for the list). Asking again for the same
    list while it waits gives the one already waiting, not a second file."""
    if source not in SOURCES or fmt not in FORMATS:
        raise ActionRefused("There is no such list to download.")
    if len(query) > QUERY_MAX:
        raise ActionRefused("The list's filters are too long to record; narrow them.")
    listing = SOURCES.build(source, actor, QueryDict(query))
    waiting = (PreparedDownload.State.QUEUED, PreparedDownload.State.PREPARING)
    with transaction.atomic():
        found = PreparedDownload.objects.filter(
            user_id=actor.pk, source=source, fmt=fmt, query=query, state__in=waiting
        ).first()
        if found is not None:
            return found
        download = PreparedDownload.objects.create(
            user=actor,
            source=source,
            fmt=fmt,
            query=query,
            title=listing.title,
            filename=listing.file_name(fmt),
        )
        transaction.on_commit(partial(prepare_download.enqueue, download.pk))
    return download
