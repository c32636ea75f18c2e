"""Gateway decisions email the apprentice, employer and provider (seed 000 §2.2:
insufficient evidence is rejected with the reasons), driven through the real pages."""

from __future__ import annotations

import pytest
from django.core import mail

from openepa.notifications.models import OutboxMessage
from tests.journeys.driver import Journey
from tests.notifications.helpers import html_of, sent_to

pytestmark = pytest.mark.django_db

PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}
REASONS = "The employer has not signed off the gateway meeting record."


def test_a_rejected_gateway_tells_every_party_the_reasons(world, deliver):
    journey = Journey(world.enrolment)
    with deliver():
        journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    assert mail.outbox == []  # a submission is not one of the notified steps
    with deliver():
        journey.reject_gateway(world.admin, REASONS)
    emails = sent_to("Gateway not accepted")
    assert set(emails) == PARTIES
    for email in emails.values():
        assert (
            email.subject
            == "Gateway not accepted: Ada Lovelace, ST0072 Customer Service Practitioner"
        )
        assert REASONS in email.body
        assert "can submit the gateway evidence again" in email.body
        assert f"http://127.0.0.1:8000/enrolments/{world.enrolment.pk}/" in email.body
        assert REASONS in html_of(email)
    assert emails["erin@harbour.example"].body.startswith("Dear Erin Employer,")
    # The outbox records each, sent.
    rows = OutboxMessage.objects.filter(kind="gateway_rejected")
    assert {r.recipient for r in rows} == PARTIES
    assert {r.state for r in rows} == {"sent"}
    assert all(r.attempts == 1 and r.sent_at is not None for r in rows)


def test_an_accepted_gateway_tells_every_party_and_no_outsider(world, deliver):
    journey = Journey(world.enrolment)
    with deliver():
        journey.submit_gateway(world.provider_user)
        journey.accept_gateway(world.admin)
    emails = sent_to("Gateway accepted")
    assert set(emails) == PARTIES
    body = emails["ada@example.org"].body
    assert "Northern EPAO has accepted Ada Lovelace's gateway" in body
    assert "planning meeting" in body
    everyone = {r for e in mail.outbox for r in e.to}
    assert not everyone & {"otto@southern.example", "olga@hilltop.example", "omar@inland.example"}
