"""The calendars in Chromium with axe: an assessor's day list and week on a phone (320 and
390 px wide, no sideways scrolling, a booking opened by keyboard), an admin's month and
filters on a laptop, and the calendar feeds page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.bookings.models import Booking
from tests.bookings.calendar_helpers import two_bookings
from tests.bookings.helpers import to_planning
from tests.browser.test_role_journeys import sign_in
from tests.personas import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 700}
LAPTOP = {"width": 1366, "height": 900}
WEEK = "/bookings/calendar/?view=week&date=2026-12-01"


@pytest.fixture
def world(db: Any) -> World:
    world = build_world()
    to_planning(world)
    two_bookings(world)
    return world


def no_sideways_scroll(tab: Any) -> None:
    assert tab.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_an_assessor_on_a_phone(visit: Any, world: World) -> None:
    tab = sign_in(visit, "assessor", world.assessor, viewport=PHONE, touch=True)
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Today", exact=True).click()
    tab.check("today")
    expect(tab.page.get_by_role("link", name="Next day")).to_be_visible()
    tab.goto(WEEK, "week")
    no_sideways_scroll(tab)
    day = tab.page.get_by_role("heading", level=2, name="Tuesday 1 December 2026")
    expect(day).to_be_visible()
    # Keyboard: focus the booking's link and press Enter.
    link = tab.page.get_by_role("link", name="10:00 Practical observation: Ada Lovelace")
    link.focus()
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(
        "Practical observation for Ada Lovelace"
    )
    narrow = sign_in(visit, "assessor-narrow", world.assessor, viewport=NARROW)
    narrow.goto(WEEK, "week-320")
    no_sideways_scroll(narrow)


def test_an_admin_on_a_laptop(visit: Any, world: World) -> None:
    tab = sign_in(visit, "admin", world.admin, viewport=LAPTOP)
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Calendar", exact=True).click()
    tab.goto("/bookings/calendar/?view=month&date=2026-12-01", "month")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("December 2026")
    expect(
        tab.page.get_by_role("link", name="14:00 Apprentice showcase: Ada Lovelace")
    ).to_be_visible()
    tab.page.get_by_label("Assessor", exact=True).select_option(label="Ian Assessor")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Show").click()
    tab.check("month-one-assessor")
    expect(tab.page.get_by_text("Bookings of Ian Assessor")).to_be_visible()
    expect(
        tab.page.get_by_role("link", name="14:00 Apprentice showcase: Ada Lovelace")
    ).to_have_count(0)
    tab.goto("/bookings/calendar/feeds/", "feeds")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Create the feed address").click()
    tab.page.get_by_text("Show the feed address").click()
    address = tab.page.get_by_label("Feed address").input_value()
    assert address.endswith(".ics")
    # The address works without signing in (a fresh context has no session).
    feed = tab.page.context.browser.new_context().request.get(address)
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")
    tab.check("feeds-revealed")


def test_the_missed_assessment_pages(visit: Any, world: World) -> None:
    booking = Booking.objects.get(method="observation")
    tab = sign_in(visit, "assessor", world.assessor, viewport=PHONE, touch=True)
    tab.goto(f"/bookings/{booking.pk}/missed/", "missed")
    no_sideways_scroll(tab)
    tab.page.get_by_label("The assessment could not go ahead").check()
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Record it").click()
    tab.check("missed-needs-a-reason")
    expect(tab.page.get_by_role("alert")).to_contain_text(
        "Give the reason the assessment could not go ahead."
    )
    Booking.objects.filter(pk=booking.pk).update(outcome="did_not_attend")
    admin = sign_in(visit, "admin", world.admin, viewport=LAPTOP)
    admin.goto(f"/bookings/{booking.pk}/missed/decide/", "decide-missed")
    # Both decisions offered, the product default (the seeds are silent) chosen first.
    expect(admin.page.get_by_label("It does not count as an attempt", exact=False)).to_be_checked()
    expect(admin.page.get_by_label("It counts as an attempt", exact=False)).not_to_be_checked()
    expect(admin.page.get_by_role("button", name="Record the decision")).to_be_visible()
