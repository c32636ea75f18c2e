"""Background tasks run by the worker (`manage.py db_worker`; `make run` starts one).

Every task takes ids, never model objects, is queued only after the transaction that
caused it commits, and can run twice with one effect:

- notify_for_event(event_id): writes the event's outbox messages (one per kind and
  recipient, unique), then queues send_message for each message not yet sent; retried
  with the same backoff when it fails.
- send_messages(message_ids): sends a batch of messages (an event's, or up to BATCH of a
  reminder scan's) in one task run over one mailer connection, each claimed, sent and
  recorded on its own as send_message does, each stored document read once and encoded
  (its MIME part, base64) once for the batch.
  A task costs the queue four queries and two commits of its own, and a results email's
  documents are the same for its three recipients: one task per event, not per message.
- send_message(message_id): sends one message unless it was sent already (a retry, an
  admin's "send again", a single account email). A failure is
  recorded on the message (attempts, last error) and the task queues itself again after
  1, 5, 25, ... minutes (OPENEPA_EMAIL_RETRY_MINUTES × 5ⁿ) until OPENEPA_EMAIL_MAX_ATTEMPTS;
  django-tasks-db has no retries of its own.
- daily_reminders(): the reminder scan (resit deadlines, overdue results), the deletion
  of prepared downloads past their time, then queues itself for the next day.
- prepare_download(download_id): writes a long list's download to the default storage
  and tells its requester (openepa.notifications.prepared); a ready one is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from email.utils import make_msgid
from functools import partial

from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from openepa.bookings import reallocation
from openepa.documents import store
from openepa.documents.models import StoredDocument
from openepa.notifications import compose, mailer, prepared, reminders
from openepa.notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


#: The most messages one send_messages task takes (a reminder scan may write thousands).
BATCH = 50


def queue_sends(message_ids: list[int]) -> None:
    """Queue their sending once the current transaction commits: send_message for one
    message, send_messages for each BATCH of several."""
    if len(message_ids) == 1:
        transaction.on_commit(partial(send_message.enqueue, message_ids[0]))
        return
    for start in range(0, len(message_ids), BATCH):
        batch = message_ids[start : start + BATCH]
        transaction.on_commit(partial(send_messages.enqueue, batch))


def retry_delay(attempts: int) -> timedelta:
    """1, 5, 25, ... minutes after the n-th failed attempt (n ≥ 1)."""
    return timedelta(minutes=settings.OPENEPA_EMAIL_RETRY_MINUTES * 5 ** (attempts - 1))


@task()
def notify_for_event(event_id: int, attempt: int = 1) -> int:
    """Write and queue the emails a JourneyEvent sends (openepa.notifications.kinds).

    On failure nothing is written (one transaction); the task queues itself again with the
    same backoff as a send, up to OPENEPA_EMAIL_MAX_ATTEMPTS, and fails so that the worker
    records the error."""
    try:
        with transaction.atomic():
            ids = compose.messages_for_event(event_id)
            queue_sends(ids)
    except Exception:
        if attempt < settings.OPENEPA_EMAIL_MAX_ATTEMPTS:
            run_after = timezone.now() + retry_delay(attempt)
            notify_for_event.using(run_after=run_after).enqueue(event_id, attempt=attempt + 1)
        logger.exception("Emails of journey event %s not written (attempt %s)", event_id, attempt)
        raise
    return len(ids)


CLAIMABLE = (OutboxMessage.State.QUEUED, OutboxMessage.State.RETRYING)


def claim_loaded(message: OutboxMessage) -> bool:
    """Claim a queued message loaded a moment ago, in one conditional update (autocommit:
    committed before the mail server is contacted, as claim's). It also requires the
    attempts read, so a message another worker claimed or tried meanwhile is not claimed;
    False then (whoever changed it sends it, or its own retry task will)."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxMessage.State.QUEUED, attempts=message.attempts
    ).update(state=OutboxMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message.state, message.claimed_at = OutboxMessage.State.SENDING, now
    message.attempts += 1
    if not message.message_id:  # written before compose gave every message its Message-ID
        message.message_id = make_msgid(domain=compose.message_id_domain())
        OutboxMessage.objects.filter(pk=message.pk).update(message_id=message.message_id)
    return True


def claim(message_id: int) -> OutboxMessage | None:
    """Mark the message "sending" in a transaction of its own, committed before the mail
    server is contacted, so that a worker killed mid-send leaves a trace. A conditional
    update: of two workers given the same message, one claims it. None when the message is
    not waiting to be sent (sent, being sent, failed, outcome unknown)."""
    with transaction.atomic():
        claimed = OutboxMessage.objects.filter(pk=message_id, state__in=CLAIMABLE).update(
            state=OutboxMessage.State.SENDING,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
        if not claimed:
            return None
        message = OutboxMessage.objects.select_related("event").get(pk=message_id)
        if not message.message_id:
            message.message_id = make_msgid(domain=compose.message_id_domain())
            message.save(update_fields=["message_id"])
    return message


def record_sent(message: OutboxMessage, attached: list[dict[str, str]]) -> None:
    """The mail server took it. Also over an "outcome unknown" the recovery wrote while a
    slow send was still going: the send is now known to have succeeded."""
    OutboxMessage.objects.filter(
        pk=message.pk, state__in=(OutboxMessage.State.SENDING, OutboxMessage.State.UNKNOWN)
    ).update(
        state=OutboxMessage.State.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        attachments=attached,
    )


def record_failure(message: OutboxMessage, exc: Exception) -> str:
    """The mail server refused or could not be reached: retry with backoff, or give up
    after OPENEPA_EMAIL_MAX_ATTEMPTS."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        if message.attempts >= settings.OPENEPA_EMAIL_MAX_ATTEMPTS:
            state, next_at = OutboxMessage.State.FAILED, None
        else:
            state = OutboxMessage.State.RETRYING
            next_at = timezone.now() + retry_delay(message.attempts)
            message_id = message.pk
            transaction.on_commit(lambda: send_message.using(run_after=next_at).enqueue(message_id))
        OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.SENDING).update(
            state=state, next_attempt_at=next_at, last_error=error
        )
    logger.warning("Email %s to %s failed: %s", message.pk, message.recipient, exc)
    return state


def send_claimed(
    message: OutboxMessage,
    backend: BaseEmailBackend | None,
    read: mailer.Reader,
    parts: mailer.Parts | None = None,
) -> str:
    """Send a claimed message and record the outcome (sent, or retrying/failed)."""
    try:
        attached = mailer.send(message, backend=backend, read=read, parts=parts)
    except Exception as exc:  # any mailer failure is recorded and retried
        return record_failure(message, exc)
    record_sent(message, attached)
    return OutboxMessage.State.SENT


@task()
def send_message(message_id: int) -> str:
    """Send one outbox message if it is waiting to be sent: claim, send, record, each
    step committed on its own (see claim)."""
    message = claim(message_id)
    if message is None:
        return "not waiting to be sent"
    return send_claimed(message, None, store.read)


@contextmanager
def open_mailer() -> Iterator[BaseEmailBackend]:
    """One mailer connection for a batch (one SMTP session, not one per email): opened by
    the first send (mailer.send, so that a mail server that cannot be reached is recorded
    as that message's failure), closed at the end."""
    backend = mail.mailers.default
    try:
        yield backend
    finally:
        close(backend)


def close(backend: BaseEmailBackend) -> None:
    try:
        backend.close()
    except Exception:  # a connection already broken: nothing more to send on it
        logger.warning("The mail connection did not close cleanly", exc_info=True)


def batch_reader() -> mailer.Reader:
    """store.read, each stored document read once for the whole batch."""
    read: dict[str, bytes] = {}

    def reader(document: StoredDocument) -> bytes:
        if document.name not in read:
            read[document.name] = store.read(document)
        return read[document.name]

    return reader


@task()
def send_messages(message_ids: list[int]) -> dict[str, int]:
    """Send a batch of outbox messages: those still queued are read in one query with
    their documents, then each is claimed, sent and recorded in turn exactly as by
    send_message (one due a retry is left to its own retry task, which waits out the
    backoff) (a worker dying mid-batch leaves the message in hand "sending", for the
    recovery to mark "outcome unknown", and the rest waiting, for it to queue again).
    How many ended in each state."""
    waiting = list(
        OutboxMessage.objects.select_related("event")
        .filter(pk__in=message_ids, state=OutboxMessage.State.QUEUED)
        .order_by("pk")
    )
    mailer.load_documents(waiting)
    outcomes: dict[str, int] = {}
    read = batch_reader()
    parts: mailer.Parts = {}  # each attachment encoded once for the batch's messages
    with open_mailer() as backend:
        for message in waiting:
            if not claim_loaded(message):
                outcome = "not waiting"
            else:
                outcome = send_claimed(message, backend, read, parts)
            if outcome != OutboxMessage.State.SENT:
                close(backend)  # a failed connection is not reused; the next send reopens
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def next_scan_at(now: datetime) -> datetime:
    """The next OPENEPA_REMINDER_HOUR o'clock (local time) after `now`."""
    local = timezone.localtime(now)
    at = local.replace(hour=settings.OPENEPA_REMINDER_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + timedelta(days=1)


def send_reminders(today: date) -> int:
    """Write the reminders due on `today` and queue them; how many were queued."""
    with transaction.atomic():
        ids = reminders.scan(today)
        queue_sends(ids)
    # Allocations unanswered too long, or whose assessor's standardisation lapses, go
    # back to the admins' queue (openepa.bookings.reallocation).
    reallocation.sweep(today)
    # Prepared downloads past OPENEPA_DOWNLOAD_KEEP_DAYS: their files are deleted.
    prepared.expire(timezone.now())
    return len(ids)


@task()
def prepare_download(download_id: int) -> str:
    """Write a prepared download's file and send its notice (once: see prepared.prepare)."""
    return prepared.prepare(download_id)


@task()
def daily_reminders() -> int:
    """Scan for reminders due today, then queue the next day's scan (even if this one
    failed, so one bad day does not stop the reminders)."""
    try:
        return send_reminders(timezone.localdate())
    finally:
        schedule_daily_reminders(at=next_scan_at(timezone.now()))


def schedule_daily_reminders(*, at: datetime) -> bool:
    """Queue the daily scan to run at `at` unless one is already waiting; False when it
    was already queued (so running this at every start of the worker is harmless)."""
    backend = daily_reminders.get_backend()
    if isinstance(backend, DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY,
            task_path=daily_reminders.module_path,
            backend_name=backend.alias,
        )
        if waiting.exists():
            return False
    daily_reminders.using(run_after=at).enqueue()
    return True
