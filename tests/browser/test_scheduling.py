"""The admin's scheduling pages in Chromium with axe (WCAG 2.2 A and AA, Visitor.check):
ask for a proposal, review it, change a line, apply it, re-plan a day, the capacity
outlook's SVG chart; the proposal also on a 320 px phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openepa.bookings.models import Booking
from openepa.planner.models import Proposal
from tests.bookings.helpers import to_planning
from tests.browser.forms import fill_date
from tests.browser.test_role_journeys import sign_in
from tests.personas import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db: Any, settings: Any) -> World:
    # The optimiser runs as soon as the request commits, as the worker would run it.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    found = build_world()
    found.employer.postcode = "NE1 4ST"
    found.employer.save(update_fields=["postcode"])
    to_planning(found)
    return found


def test_the_admin_schedules_reviews_applies_and_replans(visit: Any, world: World) -> None:
    admin = sign_in(visit, "admin", world.admin)
    page = admin.page
    admin.goto("/scheduling/", "scheduling")
    first = timezone.localdate() + timedelta(days=1)
    fill_date(page, "First day", first.isoformat())
    fill_date(page, "Last day", (first + timedelta(days=27)).isoformat())
    page.get_by_label("Time limit in seconds").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Make a proposal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposal for")
    admin.check("proposal-ready")
    expect(page.get_by_text("covers North East in person").first).to_be_visible()
    proposal = Proposal.objects.get()
    phone = sign_in(visit, "admin-phone", world.admin, viewport={"width": 320, "height": 800})
    phone.goto(f"/scheduling/{proposal.pk}/", "proposal-phone")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the proposal is {width} px wide at 320 px"
    page.get_by_role("link", name="Change the apprentice showcase for Ada Lovelace").click()
    admin.check("proposal-line")
    page.get_by_role("link", name="Back to the proposal").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply: book the proposed lines").click()
    admin.check("proposal-applied")
    assert Booking.objects.filter(status="active").count() == 3
    admin.goto("/scheduling/replan/", "replan")
    observation = Booking.objects.get(method="observation")
    page.get_by_label("Assessor who cannot work").select_option(str(observation.assessor_id))
    fill_date(page, "Day they cannot work", timezone.localdate(observation.starts_at).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Propose a re-plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("cannot work on")
    admin.check("replan-ready")
    admin.goto("/scheduling/outlook/", "outlook")
    expect(page.get_by_role("img", name="Assessments expected to need booking")).to_be_visible()
