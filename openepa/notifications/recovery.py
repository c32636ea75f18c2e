"""Recovering the work of a worker that died (killed, out of memory, the machine lost).

django-tasks-db records which worker claimed a task but keeps no heartbeat: a task whose
worker died stays "running" for ever, and so would an email it was sending. The outbox row
is the truth about a message (openepa.notifications.models), so recovery works from it:

- a message "sending" for longer than OPENEPA_TASK_TIMEOUT_SECONDS lost its worker
  mid-send. The mail server may or may not have taken it, and OpenEPA cannot ask, so it is
  marked "failed, outcome unknown" for an admin to check (by its Message-ID in the mail
  server's log, or with the recipient) and send again if need be: never sent twice without
  a person deciding (at most once, and every message sent or shown as failed);
- a message waiting to be sent (queued, or due a retry) with no task to send it gets one;
- a task "running" for longer than the timeout is marked failed, and queued again when it
  is one whose effect is not already covered above (writing an event's emails: idempotent);
- the daily reminder scan is queued again if its chain was broken.

It runs when a worker starts (the `db_worker` command of this app) and every minute after
(`recover_stalled_work` queues itself again), so a dead worker's work is picked up by
whichever worker is alive.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from openepa.notifications.models import OutboxMessage
from openepa.notifications.tasks import (
    next_scan_at,
    notify_for_event,
    prepare_download,
    schedule_daily_reminders,
    send_message,
    send_messages,
)

logger = logging.getLogger(__name__)

EVERY = timedelta(minutes=1)

LOST_IN_SENDING = (
    "The worker stopped while handing this email to the mail server, so it may or may not "
    "have arrived. It is not sent again automatically: check with the recipient (or find "
    "its Message-ID in the mail server's log) before sending it again."
)
LOST_TASK = "The worker running this task stopped before it finished."

#: Tasks queued again when their worker died: writing an event's emails is idempotent (one
#: row per key), and so is preparing a download (a ready one is left alone, a half-written
#: one written anew). send_message is covered by the outbox rows, the schedules by themselves.
REQUEUED = (notify_for_event, prepare_download)


def timeout() -> timedelta:
    return timedelta(seconds=settings.OPENEPA_TASK_TIMEOUT_SECONDS)


def mark_lost_sends(now: datetime) -> int:
    """Messages whose worker died while sending: outcome unknown, shown to the admins."""
    lost = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENDING, claimed_at__lt=now - timeout()
    )
    return lost.update(
        state=OutboxMessage.State.UNKNOWN, last_error=LOST_IN_SENDING, next_attempt_at=None
    )


def _backend_name() -> str | None:
    backend = send_message.get_backend()
    return backend.alias if isinstance(backend, DatabaseBackend) else None


def fail_lost_tasks(now: datetime, backend: str) -> int:
    """Tasks left "running" by a dead worker: failed, and those in REQUEUED queued again."""
    lost = list(
        DBTaskResult.objects.filter(
            backend_name=backend,
            status=TaskResultStatus.RUNNING,
            started_at__lt=now - timeout(),
        )
    )
    requeued = {t.module_path: t for t in REQUEUED}
    for result in lost:
        with transaction.atomic():
            updated = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="openepa.notifications.recovery.WorkerLost",
                traceback=LOST_TASK,
            )
            again = requeued.get(result.task_path)
            if updated and again is not None:
                args = result.args_kwargs
                again.enqueue(*args["args"], **args["kwargs"])
        logger.warning("Task %s (%s) lost its worker", result.pk, result.task_path)
    return len(lost)


def _ids_with_a_send_task(backend: str) -> set[int]:
    """The messages a waiting or running task will send: send_message's one, or each of a
    send_messages batch."""
    waiting = DBTaskResult.objects.filter(
        backend_name=backend,
        task_path__in=(send_message.module_path, send_messages.module_path),
        status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
    ).values_list("task_path", "args_kwargs")
    ids: set[int] = set()
    for path, a in waiting:
        if not a["args"]:
            continue
        batch = a["args"][0] if path == send_messages.module_path else [a["args"][0]]
        ids.update(int(pk) for pk in batch)
    return ids


def requeue_orphans(now: datetime, backend: str) -> int:
    """Messages waiting to be sent that no task will send (the worker died between writing
    them and queuing their send, or a queued task was lost): queue a send for each."""
    waiting = OutboxMessage.objects.filter(state=OutboxMessage.State.QUEUED) | (
        OutboxMessage.objects.filter(state=OutboxMessage.State.RETRYING, next_attempt_at__lte=now)
    )
    has_task = _ids_with_a_send_task(backend)
    orphans = [pk for pk in waiting.values_list("pk", flat=True) if pk not in has_task]
    for message_id in orphans:
        send_message.enqueue(message_id)
    return len(orphans)


def recover(now: datetime | None = None) -> dict[str, int]:
    """One pass of recovery; what it found."""
    now = now or timezone.now()
    backend = _backend_name()
    found = {"lost sends": mark_lost_sends(now)}
    if backend is not None:
        found["lost tasks"] = fail_lost_tasks(now, backend)
        found["orphan messages"] = requeue_orphans(now, backend)
        schedule_daily_reminders(at=next_scan_at(now))
    if any(found.values()):
        logger.warning("Recovered the work of a stopped worker: %s", found)
    return found


@task()
def recover_stalled_work() -> dict[str, int]:
    """Recover, then queue the next pass a minute later (even if this one failed)."""
    try:
        return recover()
    finally:
        schedule_recovery(at=timezone.now() + EVERY)


def schedule_recovery(*, at: datetime) -> bool:
    """Queue the recovery pass unless one is already waiting (see schedule_daily_reminders)."""
    backend = _backend_name()
    if backend is None:
        return False
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=recover_stalled_work.module_path,
        backend_name=backend,
    )
    if waiting.exists():
        return False
    recover_stalled_work.using(run_after=at).enqueue()
    return True
