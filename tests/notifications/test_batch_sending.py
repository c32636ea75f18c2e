"""An event's emails are sent as one batch (issue 15 §4): one send_messages task for the
event, one mailer connection, each message still claimed, sent and recorded on its own, so
a batch run twice, or over a message already sent, sends each email once, and a message the
mail server refuses is retried alone while the others go. (A worker killed mid-batch:
tests/notifications/test_worker_recovery.py, whose emails are one such batch.)"""

from __future__ import annotations

from collections.abc import Sequence
from smtplib import SMTPRecipientsRefused
from typing import Any, ClassVar

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks_db.models import DBTaskResult

from openepa.notifications import compose
from openepa.notifications.models import OutboxMessage
from openepa.notifications.tasks import (
    BATCH,
    claim_loaded,
    notify_for_event,
    queue_sends,
    send_message,
    send_messages,
)
from tests.journeys.driver import Journey

pytestmark = pytest.mark.django_db

REFUSED = "erin@harbour.example"


class CountingBackend(BaseEmailBackend):
    """Records each connection opened and each email sent; refuses REFUSED when told."""

    opened: ClassVar[list[int]] = []
    sent: ClassVar[list[str]] = []
    refuse: ClassVar[bool] = False

    def open(self) -> bool:
        if getattr(self, "is_open", False):
            return False
        self.is_open = True
        CountingBackend.opened.append(1)
        return True

    def close(self) -> None:
        self.is_open = False

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for email in email_messages:
            if self.refuse and email.to == [REFUSED]:
                raise SMTPRecipientsRefused({REFUSED: (550, b"mailbox unavailable")})
            CountingBackend.sent.append(email.to[0])
        return len(email_messages)


@pytest.fixture
def counting(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.test_batch_sending.CountingBackend"}
    }
    CountingBackend.opened.clear()
    CountingBackend.sent.clear()
    CountingBackend.refuse = False
    return CountingBackend


@pytest.fixture
def rejected(world) -> int:
    """The gateway rejected: an event whose three emails (apprentice, employer, provider)
    are not written yet; its id."""
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    journey.reject_gateway(world.admin, "The provider has not signed off the record.")
    return int(world.enrolment.events.get(action="reject_gateway").pk)


def test_an_events_emails_are_queued_as_one_batch(rejected, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_for_event.call(rejected) == 3
    (batch,) = DBTaskResult.objects.filter(task_path=send_messages.module_path)
    assert sorted(batch.args_kwargs["args"][0]) == sorted(
        OutboxMessage.objects.values_list("pk", flat=True)
    )
    assert not DBTaskResult.objects.filter(task_path=send_message.module_path).exists()
    # Every message has its Message-ID from the start, the same through every retry.
    assert all(
        m.startswith("<") for m in OutboxMessage.objects.values_list("message_id", flat=True)
    )


def test_a_batch_sends_each_waiting_email_once_over_one_connection(rejected, counting):
    ids = compose.messages_for_event(rejected)
    sent_before = OutboxMessage.objects.get(pk=ids[0])
    OutboxMessage.objects.filter(pk=ids[0]).update(state="sent")  # an earlier run sent it
    assert send_messages.call(ids) == {"sent": 2}
    assert send_messages.call(ids) == {}  # run again (a retried task): nothing is sent twice
    assert sorted(counting.sent) == sorted(
        OutboxMessage.objects.exclude(pk=sent_before.pk).values_list("recipient", flat=True)
    )
    assert counting.opened == [1]
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {
        ("sent", 0),
        ("sent", 1),
    }


def test_a_refused_email_is_retried_alone_and_the_others_are_sent(
    rejected, counting, django_capture_on_commit_callbacks
):
    counting.refuse = True
    ids = compose.messages_for_event(rejected)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_messages.call(ids) == {"sent": 2, "retrying": 1}
    refused = OutboxMessage.objects.get(recipient=REFUSED)
    assert (refused.state, refused.attempts) == ("retrying", 1)
    assert "SMTPRecipientsRefused" in refused.last_error
    assert REFUSED not in counting.sent
    assert len(counting.sent) == 2
    (retry,) = DBTaskResult.objects.filter(task_path=send_message.module_path)
    assert retry.args_kwargs["args"] == [refused.pk]


def test_a_message_changed_since_the_batch_read_it_is_left_to_whoever_changed_it(
    rejected, counting
):
    """Another worker claimed it, or it failed and waits for its retry, between the batch's
    read and its claim: the conditional claim misses and the batch does not send it; a
    message due a retry is not sent early by a batch run again either."""
    ids = compose.messages_for_event(rejected)
    waiting = list(OutboxMessage.objects.filter(pk__in=ids))
    OutboxMessage.objects.filter(pk=ids[1]).update(state="retrying", attempts=1)
    stale = next(m for m in waiting if m.pk == ids[1])
    assert claim_loaded(stale) is False
    assert send_messages.call(ids) == {"sent": 2}
    assert OutboxMessage.objects.get(pk=ids[1]).state == "retrying"
    assert len(counting.sent) == 2


def test_a_batch_costs_two_queries_an_email_and_two_for_the_batch(
    rejected, counting, django_assert_num_queries
):
    ids = compose.messages_for_event(rejected)
    with django_assert_num_queries(2 + 2 * len(ids)):
        send_messages.call(ids)


def test_many_messages_are_queued_in_batches_and_one_alone(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_sends(list(range(1, BATCH * 2 + 2)))
        queue_sends([7])
    batches = DBTaskResult.objects.filter(task_path=send_messages.module_path)
    assert sorted(len(b.args_kwargs["args"][0]) for b in batches) == [1, BATCH, BATCH]
    (single,) = DBTaskResult.objects.filter(task_path=send_message.module_path)
    assert single.args_kwargs["args"] == [7]
