"""Through the real database task backend and `manage.py db_worker`, as `make run` runs
them: tasks are queued only when the action's transaction commits; a failed send is
recorded, retried later with backoff, shown to the EPAO's admins and can be sent again now.

These tests commit for real (transaction=True), as the worker only sees committed rows."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openepa.gateway.actions import do_reject_gateway
from openepa.notifications.models import OutboxMessage
from openepa.notifications.tasks import daily_reminders, notify_for_event, send_message
from tests.journeys.driver import Journey
from tests.notifications.broken_mailer import BROKEN, WORKING

pytestmark = pytest.mark.django_db(transaction=True)

PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}
REASONS = "The provider has not signed off the gateway meeting record."


def run_worker() -> None:
    """Run every task that is due, then stop (what the worker does between sleeps)."""
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        stdout=StringIO(),
    )


def queued(task) -> list[DBTaskResult[Any, Any]]:
    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    )


def notification_tasks() -> list[DBTaskResult[Any, Any]]:
    """Tasks of emails; the worker's own schedules (recovery, daily scan) left out."""
    paths = (notify_for_event.module_path, send_message.module_path)
    return list(DBTaskResult.objects.filter(task_path__in=paths))


def reject_then_fail(world, journey: Journey) -> None:
    journey.review_gateway(world.admin, REASONS)  # each requirement reviewed, one returned
    with transaction.atomic():
        do_reject_gateway(actor=world.admin, enrolment_id=world.enrolment.pk, reasons=REASONS)
        raise RuntimeError("something later in the same transaction failed")


def submitted(world) -> Journey:
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    return journey


def test_a_committed_step_is_emailed_by_the_worker_and_a_rolled_back_one_never(world):
    journey = submitted(world)
    run_worker()
    assert mail.outbox == []
    # Rolled back after the rejection was written: nothing is queued, nothing is sent.
    with pytest.raises(RuntimeError, match="later in the same transaction"):
        reject_then_fail(world, journey)
    assert notification_tasks() == []
    run_worker()
    assert mail.outbox == []
    assert OutboxMessage.objects.count() == 0
    # The same step committed: one task queued, and the worker sends the emails.
    journey.reject_gateway(world.admin, REASONS)
    assert [t.task_path for t in notification_tasks()] == [
        "openepa.notifications.tasks.notify_for_event"
    ]
    assert mail.outbox == []  # nothing is sent by the web request itself
    run_worker()
    assert {e.to[0] for e in mail.outbox} == PARTIES
    assert all(REASONS in e.body for e in mail.outbox)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_a_failed_send_is_retried_later_and_shown_to_the_admins(world, settings, client):
    settings.MAILERS = BROKEN
    journey = submitted(world)
    journey.reject_gateway(world.admin, REASONS)
    before = timezone.now()
    run_worker()
    assert mail.outbox == []
    messages = list(OutboxMessage.objects.order_by("recipient"))
    assert len(messages) == 3
    for message in messages:
        assert message.state == "retrying"
        assert message.attempts == 1
        assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        # The first retry waits a minute (then 5, 25, ...).
        assert message.next_attempt_at is not None
        assert timedelta(seconds=55) < message.next_attempt_at - before < timedelta(minutes=2)
    retries = queued(send_message)
    assert len(retries) == 3
    assert all(r.run_after > timezone.now() for r in retries)
    run_worker()  # not due yet: nothing is tried
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    # The admins see it.
    client.force_login(world.admin)
    page = client.get("/notifications/outbox/").content.decode()
    assert "Failed, will retry" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    # A minute later the mail server is back: the worker's retry sends each once.
    settings.MAILERS = WORKING
    DBTaskResult.objects.filter(pk__in=[r.pk for r in retries]).update(run_after=timezone.now())
    run_worker()
    assert sorted(e.to[0] for e in mail.outbox) == sorted(PARTIES)
    for message in OutboxMessage.objects.all():
        assert (message.state, message.attempts) == ("sent", 2)


def test_after_the_last_attempt_it_stays_failed_until_an_admin_sends_it_again(
    world, settings, client
):
    settings.MAILERS = BROKEN
    settings.OPENEPA_EMAIL_MAX_ATTEMPTS = 2
    journey = submitted(world)
    journey.reject_gateway(world.admin, REASONS)
    run_worker()
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("failed", 2)}
    assert queued(send_message) == []  # no more automatic retries
    message = OutboxMessage.objects.get(recipient="erin@harbour.example")
    client.force_login(world.admin)
    home = client.get("/").content.decode()
    assert "Emails not delivered" in home
    page = client.get(f"/notifications/outbox/{message.pk}/").content.decode()
    assert "Send again now" in page
    assert "Connection unexpectedly closed" in page
    settings.MAILERS = WORKING
    response = client.post(f"/notifications/outbox/{message.pk}/retry/")
    assert response.status_code == 302
    assert "queued to be sent again now" in client.get(response["Location"]).content.decode()
    run_worker()
    assert [e.to for e in mail.outbox] == [["erin@harbour.example"]]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.retried_by) == ("sent", 3, world.admin)
    # Sent once: asking again is refused rather than sending it twice.
    again = client.post(f"/notifications/outbox/{message.pk}/retry/").content.decode()
    assert "This email was sent already; it is not sent twice." in again


def test_the_daily_reminder_scan_is_queued_once_and_queues_the_next_day(db):
    out = StringIO()
    call_command("schedule_reminders", "--now", stdout=out)
    call_command("schedule_reminders", "--now", stdout=out)
    assert "already queued" in out.getvalue()
    assert len(queued(daily_reminders)) == 1
    run_worker()
    (tomorrow,) = queued(daily_reminders)
    local = timezone.localtime(tomorrow.run_after)
    assert (local.hour, local.minute) == (7, 0)
    assert timezone.now() < tomorrow.run_after <= timezone.now() + timedelta(days=1)
    assert (
        DBTaskResult.objects.filter(
            task_path=daily_reminders.module_path, status=TaskResultStatus.SUCCESSFUL
        ).count()
        == 1
    )


def test_writing_the_emails_is_retried_when_it_fails(world, monkeypatch):
    from openepa.notifications import compose

    real = compose.messages_for_event
    calls = []

    def fails_once(event_id: int) -> list[int]:
        calls.append(event_id)
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return real(event_id)

    monkeypatch.setattr(compose, "messages_for_event", fails_once)
    journey = submitted(world)
    journey.reject_gateway(world.admin, REASONS)
    run_worker()
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert "database went away" in failed.traceback
    (retry,) = queued(notify_for_event)
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert {e.to[0] for e in mail.outbox} == PARTIES
