"""Booking made, changed and cancelled: emails to the apprentice, employer, provider and
the allocated assessor, each with a calendar invitation (RFC 5545/5546) that keeps one
UID through a reschedule and cancels with METHOD:CANCEL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from openepa.bookings.models import Booking
from openepa.domain.standard import Method
from openepa.notifications.models import OutboxMessage
from tests.journeys.driver import Journey, working_day_after
from tests.notifications.helpers import calendar_of, html_of, sent_to

pytestmark = pytest.mark.django_db

PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}
IAN = "ian@northern.example"
SUE = "sue@northern.example"


def _utc(value: str) -> datetime:
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


@pytest.fixture
def planned(world, deliver):
    journey = Journey(world.enrolment)
    with deliver():
        journey.submit_gateway(world.provider_user)
        journey.accept_gateway(world.admin)
        journey.record_planning(world.admin)
    mail.outbox.clear()
    return journey


def test_a_booking_sends_an_invitation_to_the_parties_and_the_assessor(world, planned, deliver):
    day = working_day_after(6)
    with deliver():
        booking_id = planned.book(world.admin, Method.OBSERVATION, world.assessor, day, 10, 90)
    booking = Booking.objects.get(pk=booking_id)
    emails = sent_to("Practical observation booked for Ada Lovelace")
    assert set(emails) == PARTIES | {IAN}
    email = emails["ada@example.org"]
    assert "When: " in email.body
    assert "at 10:00 (90 minutes)" in email.body
    assert "Where: Harbour Bank, Quay Street branch" in email.body
    assert "Assessor: Ian Assessor" in email.body
    assert "Harbour Bank, Quay Street branch" in html_of(email)
    invite = calendar_of(email)
    assert invite["_mimetype"] == "text/calendar; method=REQUEST"
    assert invite["METHOD"] == "REQUEST"
    assert invite["UID"] == f"booking-{booking.pk}@openepa.localhost"
    assert invite["SEQUENCE"] == "0"
    # 10:00 UK time, in UTC as RFC 5545 asks: the booking's own instant.
    assert _utc(invite["DTSTART"]) == booking.starts_at
    assert _utc(invite["DTEND"]) == booking.starts_at + timedelta(minutes=90)
    assert timezone.localtime(booking.starts_at).hour == 10
    assert invite["LOCATION"] == "Harbour Bank\\, Quay Street branch"
    assert invite["SUMMARY"] == "Practical observation: end-point assessment of Ada Lovelace"
    # The outbox records what was attached.
    row = OutboxMessage.objects.get(kind="booking_made", recipient=IAN)
    assert row.attachments == [
        {"filename": "invite.ics", "mimetype": "text/calendar; method=REQUEST"}
    ]
    assert row.ics.startswith("BEGIN:VCALENDAR\r\n")


def test_a_reschedule_updates_the_invitation_and_cancels_it_for_the_assessor_taken_off(
    world, planned, deliver
):
    with deliver():
        old = planned.book(
            world.admin, Method.OBSERVATION, world.assessor, working_day_after(6), 10, 90
        )
    mail.outbox.clear()
    later = working_day_after(8)
    with deliver():
        response = planned.as_(world.admin).post(
            f"/bookings/{old}/reschedule/",
            {
                "starts_at": f"{later.isoformat()}T14:00",
                "duration_minutes": 90,
                "venue": "Harbour Bank, Quay Street branch",
                "assessor": world.second_assessor.pk,
                "reason": "The apprentice is unwell",
            },
        )
    assert response.status_code == 302
    new = Booking.objects.get(replaces_id=old)
    changed = sent_to("Practical observation rescheduled for Ada Lovelace")
    assert set(changed) == PARTIES | {SUE}
    body = changed["erin@harbour.example"].body
    assert "Reason: The apprentice is unwell" in body
    assert "with Ian Assessor" in body  # what it was
    assert "Assessor: Sue Assessor" in body  # what it is now
    invite = calendar_of(changed["erin@harbour.example"])
    assert invite["METHOD"] == "REQUEST"
    assert invite["UID"] == f"booking-{old}@openepa.localhost"  # the same calendar entry
    assert invite["SEQUENCE"] == "1"
    assert _utc(invite["DTSTART"]) == new.starts_at
    assert timezone.localtime(new.starts_at).hour == 14
    # Ian is no longer the assessor: his calendar entry is cancelled.
    (cancel,) = sent_to("cancelled").values()
    assert cancel.to == [IAN]
    assert "it was rescheduled with another assessor" in cancel.body
    assert "/enrolments/" not in cancel.body  # no longer his to open
    withdrawn = calendar_of(cancel)
    assert withdrawn["METHOD"] == "CANCEL"
    assert withdrawn["UID"] == f"booking-{old}@openepa.localhost"
    assert withdrawn["STATUS"] == "CANCELLED"


def test_a_cancellation_sends_a_calendar_cancellation(world, planned, deliver):
    with deliver():
        booking_id = planned.book(
            world.admin, Method.SHOWCASE, world.assessor, working_day_after(5), 9, 30
        )
    mail.outbox.clear()
    with deliver():
        response = planned.as_(world.admin).post(
            f"/bookings/{booking_id}/cancel/",
            {"reason": "The employer's office is closed that day"},
        )
    assert response.status_code == 302
    emails = sent_to("Apprentice showcase cancelled for Ada Lovelace")
    assert set(emails) == PARTIES | {IAN}
    email = emails[IAN]
    assert "Reason: The employer's office is closed that day" in email.body
    invite = calendar_of(email)
    assert invite["_mimetype"] == "text/calendar; method=CANCEL"
    assert invite["METHOD"] == "CANCEL"
    assert invite["UID"] == f"booking-{booking_id}@openepa.localhost"
    assert invite["SEQUENCE"] == "1"  # later than the invitation's 0
