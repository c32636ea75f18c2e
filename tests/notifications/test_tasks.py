"""The tasks' guarantees, run synchronously: idempotent (run twice, one effect), the table
of notices complete, retry backoff, reminder thresholds and calendar line folding."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.template.loader import get_template

from openepa.notifications.ics import _fold
from openepa.notifications.kinds import KIND_LABELS, NOTICES, RESIT_DEADLINE, RESULTS_OVERDUE
from openepa.notifications.models import OutboxMessage
from openepa.notifications.reminders import threshold_reached
from openepa.notifications.tasks import notify_for_event, retry_delay, send_message
from tests.journeys.driver import Journey

REASONS = "The employer has not signed off the gateway meeting record."


@pytest.mark.django_db
def test_each_task_run_twice_has_one_effect(world, deliver):
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    journey.reject_gateway(world.admin, REASONS)  # its own queued task is not run here
    event = world.enrolment.events.get(action="reject_gateway")
    with deliver():
        notify_for_event.enqueue(event.pk)
        notify_for_event.enqueue(event.pk)
    assert OutboxMessage.objects.count() == 3
    assert len(mail.outbox) == 3
    message = OutboxMessage.objects.get(recipient="erin@harbour.example")
    with deliver():
        send_message.enqueue(message.pk)
        send_message.enqueue(message.pk)
    assert len(mail.outbox) == 3
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 1)


@pytest.mark.django_db
def test_a_step_with_no_email_queues_nothing(world, deliver):
    journey = Journey(world.enrolment)
    with deliver():
        journey.submit_gateway(world.provider_user)
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_every_kind_has_its_templates_and_a_label():
    kinds = {n.kind for notices in NOTICES.values() for n in notices}
    kinds |= {RESIT_DEADLINE.kind, RESULTS_OVERDUE.kind}
    for kind in kinds:
        assert kind in KIND_LABELS, kind
        for name in (f"{kind}_subject.txt", f"{kind}.txt", f"{kind}.html"):
            get_template(f"notifications/email/{name}")  # raises when missing
    folder = Path("openepa/notifications/templates/notifications/email")
    stray = {p.name.split(".")[0].removesuffix("_subject") for p in folder.iterdir()}
    assert stray - kinds <= {"base", "_booking", "_result"}, "a template no notice uses"


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 5), (3, 25), (4, 125)])
def test_retries_wait_five_times_longer_each_time(attempts, minutes):
    assert retry_delay(attempts) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("remaining", "threshold"),
    [(12, None), (11, None), (10, 10), (8, 10), (4, 10), (3, 3), (1, 3), (0, 3)],
)
def test_the_reminder_threshold_reached(remaining, threshold):
    assert threshold_reached(remaining, [10, 3]) == threshold


def test_long_calendar_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "Professional discussion: end-point assessment of Zoë Ó Briain " * 3
    folded = _fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line
