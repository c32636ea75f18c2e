"""Missed assessments: the assessor records that the apprentice did not attend, or that the
assessment could not go ahead (with the reason); an admin decides. Every seeded policy is
silent, so the product default applies: it does not count as an attempt, and it is rebooked.
The reasons stay on the apprentice's timeline and the calendar event is cancelled."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from openepa.bookings.models import Booking
from openepa.enrolments.models import JourneyEvent
from tests.bookings.calendar_helpers import book
from tests.clock import on

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(planned):
    with on(date(2026, 11, 27)):
        booking = book(planned)
    return planned, booking


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_assessor_records_a_no_show_and_the_admin_rebooks(client, booked, booking_post):
    world, booking = booked
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.assessor)
        detail = text(client.get(f"/bookings/{booking.pk}/"))
        assert "Record that the apprentice did not attend" in detail
        page = client.post(
            f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend", "reason": ""}
        )
        assert page.status_code == 302
        event = JourneyEvent.objects.get(action="record_missed_assessment")
        assert event.reason == "The apprentice did not attend"
        assert event.actor == world.assessor

        client.force_login(world.admin)
        home = text(client.get("/"))
        assert "Missed assessments to decide" in home
        assert f"/bookings/{booking.pk}/missed/decide/" in home
        decide = text(client.get(f"/bookings/{booking.pk}/missed/decide/"))
        assert "OpenEPA's default applies: it does not count" in decide
        page = client.post(f"/bookings/{booking.pk}/missed/decide/", {"note": "Unwell"})
        assert page.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_reason == (
        "The apprentice did not attend. Does not count as an attempt; to rebook. Unwell"
    )
    decided = JourneyEvent.objects.get(action="decide_missed_assessment")
    assert decided.data["counts_as_attempt"] is False
    client.force_login(world.admin)  # a new session: the clock is back to the suite's day
    timeline = text(client.get(f"/enrolments/{world.enrolment.pk}/"))
    assert "recorded that Ada Lovelace's observation did not go ahead" in timeline
    assert "Does not count as an attempt; to rebook" in timeline
    # Not an attempt: the observation is booked again as the first attempt.
    with on(date(2026, 11, 27)):
        again = book(world, starts_at=booking.starts_at.replace(day=8))
    assert (again.kind, again.attempt_number) == ("first", 1)


def test_could_not_go_ahead_needs_a_reason(client, booked):
    world, booking = booked
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.assessor)
        page = client.post(
            f"/bookings/{booking.pk}/missed/", {"outcome": "could_not_go_ahead", "reason": " "}
        )
        assert page.status_code == 200
        assert "Give the reason the assessment could not go ahead." in text(page)
        client.post(
            f"/bookings/{booking.pk}/missed/",
            {"outcome": "could_not_go_ahead", "reason": "Fire alarm at the branch"},
        )
    booking.refresh_from_db()
    assert (booking.outcome, booking.outcome_reason) == (
        "could_not_go_ahead",
        "Fire alarm at the branch",
    )
    event = JourneyEvent.objects.get(action="record_missed_assessment")
    assert event.reason == "The assessment could not go ahead: Fire alarm at the branch"


def test_not_before_the_day(client, booked):
    world, booking = booked
    with on(date(2026, 11, 30)):
        client.force_login(world.assessor)
        assert "did not attend" not in text(client.get(f"/bookings/{booking.pk}/"))
        page = client.post(f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend"})
        assert "You can record this from the day of the assessment." in text(page)
    booking.refresh_from_db()
    assert booking.outcome == ""


@pytest.mark.parametrize(
    "who", ["second_assessor", "outsider_assessor", "outsider_admin", "employer", "iqa"]
)
def test_only_the_allocated_assessor_records_it(client, booked, who):
    world, booking = booked
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.personas()[who])
        response = client.post(f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["assessor", "outsider_admin", "provider", "apprentice"])
def test_only_the_epaos_admins_decide(client, booked, who):
    world, booking = booked
    Booking.objects.filter(pk=booking.pk).update(outcome="did_not_attend")
    client.force_login(world.personas()[who])
    assert client.post(f"/bookings/{booking.pk}/missed/decide/", {}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE


def test_nothing_to_decide_until_the_assessor_records_it(client, booked):
    world, booking = booked
    client.force_login(world.admin)
    page = client.get(f"/bookings/{booking.pk}/missed/decide/", follow=True)
    assert page.redirect_chain == [(f"/bookings/{booking.pk}/", 302)]
    assert "There is nothing to decide" in text(page)
    assert client.post(f"/bookings/{booking.pk}/missed/decide/", {}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE
