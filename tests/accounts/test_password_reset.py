"""The password-reset email goes through the outbox and the worker like every other email
(issue 11 §4): the request only writes it; a mail server that is down delays it (retried)
instead of losing it; the EPAO's admins see that it was sent and its outcome, never its
link."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openepa.notifications.models import OutboxMessage
from tests.notifications.broken_mailer import BROKEN, WORKING

pytestmark = pytest.mark.django_db(transaction=True)


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


def ask_for_reset(client, email: str) -> str:
    page = client.post("/accounts/password-reset/", {"email": email}, follow=True)
    return str(page.content.decode())


def test_the_request_writes_the_email_and_the_worker_sends_it_retrying_on_failure(
    client, world, settings
):
    settings.MAILERS = BROKEN
    assert "Check your email" in ask_for_reset(client, world.assessor.email)
    assert mail.outbox == []  # nothing is sent inside the request
    message = OutboxMessage.objects.get()
    assert (message.kind, message.recipient, message.state) == (
        "password_reset",
        world.assessor.email,
        "queued",
    )
    run_worker()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("retrying", 1)
    # The mail server is back by the retry.
    settings.MAILERS = WORKING
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()
    (email,) = mail.outbox
    assert email.to == [world.assessor.email]
    assert re.search(r"http://testserver/accounts/reset/\S+/", str(email.body))
    message.refresh_from_db()
    assert message.state == "sent"


def test_admins_see_that_it_was_sent_but_not_its_link(client, world):
    ask_for_reset(client, world.assessor.email)
    run_worker()
    message = OutboxMessage.objects.get()
    link = re.search(r"/accounts/reset/\S+/", message.text_body)
    assert link is not None
    client.force_login(world.admin)
    outbox = client.get("/notifications/outbox/").content.decode()
    assert "Password reset link" in outbox
    assert world.assessor.email in outbox
    detail = client.get(f"/notifications/outbox/{message.pk}/").content.decode()
    assert "Not shown: this email carries a link to sign in" in detail
    assert link.group(0) not in detail
    assert "/accounts/reset/" not in detail
    # Another EPAO's admin does not even see that it exists.
    client.force_login(world.outsider_admin)
    assert client.get(f"/notifications/outbox/{message.pk}/").status_code == 404
    assert world.assessor.email not in client.get("/notifications/outbox/").content.decode()


def test_an_unknown_address_writes_no_email(client, world):
    assert "Check your email" in ask_for_reset(client, "nobody@example.org")
    run_worker()
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []
