"""A worker killed (SIGKILL) in the middle of sending an email, through real `manage.py
db_worker` processes (issue 11 §4). Before the fix its task stayed "running" and its
emails "queued" for ever, and no admin knew. Now the next worker to start recovers: the
emails that were waiting are sent once each; the one being sent when the worker died is
"failed, outcome unknown" on the admins' outbox page, never sent a second time unasked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openepa.notifications.models import OutboxMessage
from openepa.notifications.recovery import LOST_IN_SENDING
from openepa.notifications.tasks import notify_for_event, send_messages
from tests.journeys.driver import Journey
from tests.subprocess_db import database_url_for_subprocess

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}
TIMEOUT_SECONDS = 1


def worker_env(database_url: str, log: Path, *, stall: bool) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "tests.notifications.stalling_mailer.StallingBackend",
        "OPENEPA_TEST_MAIL_LOG": str(log),
        "OPENEPA_TEST_MAIL_STALL": "1" if stall else "0",
        "OPENEPA_TASK_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    }


def worker(*args: str, env: dict[str, str]) -> list[str]:
    return [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", *args]


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def kill_mid_send(env: dict[str, str], log: Path) -> None:
    """Start a worker and SIGKILL it once it has started handing an email over."""
    process = subprocess.Popen(
        worker("--interval", "0.1", env=env),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(1200):
            if any(line.startswith("start ") for line in lines(log)):
                break
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            time.sleep(0.1)
        else:
            pytest.fail("the worker never started sending")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def test_a_worker_killed_mid_send_loses_no_email_and_sends_none_twice(
    world, client, tmp_path, settings
):
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    journey.reject_gateway(world.admin, "The provider has not signed off the record.")
    log = tmp_path / "mail.log"
    with database_url_for_subprocess(tmp_path) as url:
        kill_mid_send(worker_env(url, log, stall=True), log)
        (stalled,) = [line.removeprefix("start ") for line in lines(log)]
        # The next worker starts once the dead one's claim is older than the timeout.
        time.sleep(TIMEOUT_SECONDS + 0.5)
        done = subprocess.run(
            worker("--batch", "--interval", "0", env={}),
            cwd=ROOT,
            env=worker_env(url, log, stall=False),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    others = PARTIES - {stalled}
    # Each email that was waiting is sent once; the one being sent is not sent again.
    assert sorted(lines(log)) == sorted(
        [f"start {stalled}", *(f"start {p}" for p in others), *(f"sent {p}" for p in others)]
    )
    states = dict(OutboxMessage.objects.values_list("recipient", "state"))
    assert states == {stalled: "unknown", **dict.fromkeys(others, "sent")}
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
    lost = OutboxMessage.objects.get(recipient=stalled)
    assert lost.last_error == LOST_IN_SENDING
    assert lost.message_id.startswith("<")
    # The admins see it, with what to do, on the outbox page and their home page.
    client.force_login(world.admin)
    outbox = client.get("/notifications/outbox/?state=unknown").content.decode()
    assert "Failed, outcome unknown" in outbox
    assert stalled in outbox
    assert "Emails not delivered" in client.get("/").content.decode()
    detail = client.get(f"/notifications/outbox/{lost.pk}/").content.decode()
    assert "check with the recipient" in detail
    assert lost.message_id.strip("<>") in detail


def run_worker() -> None:
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0",
        stdout=StringIO(),
    )


def rejected(world) -> None:
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    journey.reject_gateway(world.admin, "The provider has not signed off the record.")


def test_emails_written_whose_sends_were_never_queued_are_sent_by_the_next_worker(world):
    rejected(world)
    call_command(  # writes the emails and queues their sends, then stops
        "db_worker",
        "--batch",
        "--max-tasks",
        "1",
        "--no-startup-delay",
        "--no-reload",
        stdout=StringIO(),
    )
    # The worker died between writing the emails and queuing their sends (one batch).
    sends = DBTaskResult.objects.filter(task_path=send_messages.module_path)
    assert sends.count() == 1
    sends.delete()
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"queued"}
    assert mail.outbox == []
    run_worker()
    assert sorted(e.to[0] for e in mail.outbox) == sorted(PARTIES)
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_a_task_left_running_by_a_dead_worker_is_failed_and_run_again(world, settings):
    settings.OPENEPA_TASK_TIMEOUT_SECONDS = 60
    rejected(world)
    (task,) = DBTaskResult.objects.filter(task_path=notify_for_event.module_path)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=2),
        worker_ids=["a-worker-that-died"],
    )
    run_worker()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert "stopped before it finished" in task.traceback
    assert sorted(e.to[0] for e in mail.outbox) == sorted(PARTIES)


def test_a_task_running_for_less_than_the_timeout_is_left_alone(world, settings):
    settings.OPENEPA_TASK_TIMEOUT_SECONDS = 600
    rejected(world)
    DBTaskResult.objects.filter(task_path=notify_for_event.module_path).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=2)
    )
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count() == 1
    assert mail.outbox == []


def test_an_admin_sends_an_outcome_unknown_email_again_and_one_being_sent_is_refused(world, client):
    rejected(world)
    run_worker()
    message = OutboxMessage.objects.get(recipient="erin@harbour.example")
    OutboxMessage.objects.filter(pk=message.pk).update(state="sending")
    client.force_login(world.admin)
    refused = client.post(f"/notifications/outbox/{message.pk}/retry/").content.decode()
    assert "This email is being sent now; wait for the outcome." in refused
    OutboxMessage.objects.filter(pk=message.pk).update(state="unknown")
    mail.outbox.clear()
    response = client.post(f"/notifications/outbox/{message.pk}/retry/")
    assert response.status_code == 302
    run_worker()
    assert [e.to for e in mail.outbox] == [["erin@harbour.example"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert (message.state, message.retried_by) == ("sent", world.admin)


def test_the_development_worker_prints_one_line_per_email(world, settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "openepa.notifications.console.OneLineBackend"}}
    rejected(world)
    run_worker()
    printed = [line for line in capsys.readouterr().out.splitlines() if "Email to" in line]
    assert sorted(printed) == sorted(
        f"Email to {p}: Gateway not accepted: Ada Lovelace, ST0072 Customer Service Practitioner"
        for p in PARTIES
    )
