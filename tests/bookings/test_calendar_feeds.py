"""Private calendar feeds: an iCalendar URL per assessor and per EPAO with a secret token.
Parsed with `icalendar`, as a calendar app would: valid, one event per booking with a UID
that survives a reschedule, SEQUENCE counting changes, cancellations kept as CANCELLED."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta
from html import unescape

import pytest
from django.core import mail
from icalendar import Calendar, Component

from openepa.accounts.models import Membership, Role
from openepa.bookings.actions import do_cancel_booking, do_reschedule_booking
from openepa.bookings.models import Booking, CalendarFeed
from tests.bookings.calendar_helpers import book, two_bookings
from tests.bookings.helpers import at
from tests.clock import on
from tests.notifications.helpers import calendar_of

pytestmark = pytest.mark.django_db
FEEDS = "/bookings/calendar/feeds/"


@pytest.fixture(autouse=True)
def _late_november():
    """The feed covers a fortnight back to three months ahead: bookings of early December."""
    with on(date(2026, 11, 27)):
        yield


def create_feed(client, user, scope: str, epao) -> str:
    """Through the page: create the feed, then read its address from the page."""
    client.force_login(user)
    response = client.post(FEEDS, {"epao": epao.pk, "scope": scope})
    assert response.status_code == 302
    html = unescape(client.get(FEEDS).content.decode())
    (url,) = re.findall(r'value="(http://testserver/bookings/calendar/feeds/[^"]+\.ics)"', html)
    client.logout()
    return str(url).removeprefix("http://testserver")


def events(client, url: str) -> dict[str, Component]:
    """The feed, fetched without signing in and parsed, as {UID: VEVENT}."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(found) == len(calendar.walk("VEVENT")), "one event per UID"
    return found


def test_an_assessors_feed_has_their_own_bookings(client, planned):
    observation, _showcase = two_bookings(planned)
    url = create_feed(client, planned.assessor, "assessor", planned.epao)
    found = events(client, url)
    assert list(found) == [f"booking-{observation.pk}@openepa.localhost"]
    event = found[f"booking-{observation.pk}@openepa.localhost"]
    assert event["SUMMARY"] == "Practical observation: end-point assessment of Ada Lovelace"
    assert event.decoded("DTSTART") == at(12, 1, 10).astimezone(UTC)
    assert event.decoded("DTEND") == at(12, 1, 11, 30).astimezone(UTC)
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["LOCATION"] == "Harbour Bank, Quay Street"
    assert "DTSTAMP" in event
    assert str(event["URL"]) == f"http://testserver/bookings/{observation.pk}/"


def test_the_epao_feed_has_every_booking(client, planned):
    observation, showcase = two_bookings(planned)
    found = events(client, create_feed(client, planned.admin, "epao", planned.epao))
    assert set(found) == {
        f"booking-{observation.pk}@openepa.localhost",
        f"booking-{showcase.pk}@openepa.localhost",
    }
    assert "Assessor: Sue Assessor" in str(
        found[f"booking-{showcase.pk}@openepa.localhost"]["DESCRIPTION"]
    )
    assert found[f"booking-{showcase.pk}@openepa.localhost"]["LOCATION"] == "Remote (online)"


def test_a_reschedule_updates_and_a_cancellation_cancels_the_same_event(client, planned, deliver):
    with deliver():
        first = book(planned)
    url = create_feed(client, planned.assessor, "assessor", planned.epao)
    epao_url = create_feed(client, planned.admin, "epao", planned.epao)
    uid = f"booking-{first.pk}@openepa.localhost"
    assert events(client, url)[uid]["SEQUENCE"] == 0
    mail.outbox.clear()
    with deliver():
        moved = do_reschedule_booking(
            actor=planned.admin,
            booking_id=first.pk,
            starts_at=at(12, 3, 13),
            duration_minutes=90,
            assessor_id=planned.assessor.pk,
            remote=False,
            venue="Harbour Bank",
            reason="The apprentice is on leave",
        )
    event = events(client, url)[uid]
    assert event["SEQUENCE"] == 1
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == at(12, 3, 13).astimezone(UTC)
    # The emailed invitation and the feed agree: one entry in the calendar app.
    (invite,) = [calendar_of(m) for m in mail.outbox if m.to == ["ian@northern.example"]]
    assert (invite["UID"], invite["SEQUENCE"]) == (uid, "1")
    mail.outbox.clear()
    with deliver():
        do_cancel_booking(actor=planned.admin, booking_id=moved.pk, reason="Left the job")
    for feed_url in (url, epao_url):
        event = events(client, feed_url)[uid]
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 2
        assert "Left the job" in str(event["DESCRIPTION"])
    (cancel,) = [calendar_of(m) for m in mail.outbox if m.to == ["ian@northern.example"]]
    assert (cancel["UID"], cancel["SEQUENCE"], cancel["STATUS"]) == (uid, "2", "CANCELLED")


def test_a_booking_moved_to_another_assessor_is_cancelled_in_the_first_ones_feed(client, planned):
    first = book(planned)
    ian = create_feed(client, planned.assessor, "assessor", planned.epao)
    sue = create_feed(client, planned.second_assessor, "assessor", planned.epao)
    do_reschedule_booking(
        actor=planned.admin,
        booking_id=first.pk,
        starts_at=at(12, 1, 10),
        duration_minutes=90,
        assessor_id=planned.second_assessor.pk,
        remote=False,
        venue="Harbour Bank",
        reason="Ian is unwell",
    )
    uid = f"booking-{first.pk}@openepa.localhost"
    assert events(client, ian)[uid]["STATUS"] == "CANCELLED"
    assert events(client, sue)[uid]["STATUS"] == "CONFIRMED"
    assert events(client, ian)[uid]["SEQUENCE"] == events(client, sue)[uid]["SEQUENCE"] == 1


def test_regenerating_revokes_the_old_address(client, planned):
    book(planned)
    old = create_feed(client, planned.assessor, "assessor", planned.epao)
    new = create_feed(client, planned.assessor, "assessor", planned.epao)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert (
        client.get("/bookings/calendar/feeds/not-a-real-token-at-all-1234.ics").status_code == 404
    )


def test_only_a_hash_of_the_token_is_stored(client, planned):
    url = create_feed(client, planned.assessor, "assessor", planned.epao)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    stored = [str(getattr(feed, f.attname)) for f in CalendarFeed._meta.concrete_fields]
    assert not any(token in value for value in stored)


def test_the_feed_stops_when_the_owner_loses_the_role(client, planned):
    url = create_feed(client, planned.assessor, "assessor", planned.epao)
    Membership.objects.filter(user=planned.assessor, role=Role.ASSESSOR).delete()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["iqa", "employer", "provider", "apprentice", "outsider_employer"])
def test_people_without_a_feed_get_404(client, planned, who):
    client.force_login(planned.personas()[who])
    assert client.get(FEEDS).status_code == 404


@pytest.mark.parametrize(
    ("who", "scope"),
    [("outsider_admin", "epao"), ("outsider_assessor", "assessor"), ("assessor", "epao")],
)
def test_nobody_makes_a_feed_of_someone_elses_bookings(client, planned, who, scope):
    client.force_login(planned.personas()[who])
    assert client.post(FEEDS, {"epao": planned.epao.pk, "scope": scope}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_feeds_page_explains_how_to_subscribe(client, planned):
    client.force_login(planned.assessor)
    html = unescape(client.get(FEEDS).content.decode())
    assert "Create the feed address" in html
    assert "Outlook" in html
    assert "Google Calendar" in html


@pytest.mark.parametrize("rows", [1, 50])
def test_the_feeds_query_count_is_constant(client, planned, django_assert_max_num_queries, rows):
    Booking.objects.bulk_create(
        Booking(
            enrolment=planned.enrolment,
            method="observation",
            starts_at=at(12, 1, 8) + timedelta(hours=i),
            duration_minutes=90,
            venue="Harbour Bank",
            assessor=planned.assessor,
            created_by=planned.admin,
            status="active" if i % 3 else "cancelled",
        )
        for i in range(rows)
    )
    for user, scope in ((planned.assessor, "assessor"), (planned.admin, "epao")):
        url = create_feed(client, user, scope, planned.epao)
        with django_assert_max_num_queries(4):
            assert len(events(client, url)) == rows
