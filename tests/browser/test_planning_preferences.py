"""The planning meeting's preferred dates and times in Chromium with axe (WCAG 2.2 A and
AA, Visitor.check): a date in the past refused on the field, a good one recorded, then
shown on the planning summary and as the booking form's hint (issue 16 §5)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openepa.bookings.models import PreferredSlot
from openepa.domain.dates import long_date
from openepa.domain.eligibility import EVIDENCE
from openepa.gateway.actions import GatewayEvidence, do_accept_gateway, do_submit_gateway
from tests.browser.forms import fill_date
from tests.browser.test_role_journeys import sign_in
from tests.personas import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db: Any) -> World:
    found = build_world()
    do_submit_gateway(
        actor=found.provider_user,
        enrolment_id=found.enrolment.pk,
        evidence=GatewayEvidence(
            gateway_date=date(2026, 11, 2),
            english="level_2",
            maths="level_2",
            english_level_2_attempted=True,
            maths_level_2_attempted=True,
            showcase_format="report",
            evidence=tuple(c for c in EVIDENCE if c != "showcase_format_choice"),
        ),
    )
    do_accept_gateway(actor=found.admin, enrolment_id=found.enrolment.pk)
    return found


def test_the_admin_records_preferred_dates_at_the_planning_meeting(
    visit: Any, world: World
) -> None:
    admin = sign_in(visit, "admin", world.admin)
    page = admin.page
    admin.goto(f"/bookings/enrolments/{world.enrolment.pk}/planning/", "planning")
    today = timezone.localdate()
    fill_date(page, "Date of the planning meeting", today.isoformat())
    page.get_by_label("Access arrangements").fill("None needed")
    page.get_by_label("The requirements of each assessment method were explained").check()
    page.get_by_label("Feedback after the EPA, certification and the appeals process").check()
    label = "Preferred date for the practical observation"
    fill_date(page, label, (today - timedelta(days=1)).isoformat())
    page.get_by_label("Preferred start time for the practical observation").fill("10:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the planning meeting").click()
    admin.check("planning-refused")
    refusal = "The preferred date for the practical observation cannot be in the past."
    expect(page.get_by_role("link", name=refusal)).to_be_visible()
    preferred = today + timedelta(days=14)
    fill_date(page, label, preferred.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Record the planning meeting").click()
    admin.check("planning-recorded")
    expect(
        page.get_by_text(f"Practical observation: {long_date(preferred)}, 10:00")
    ).to_be_visible()
    assert PreferredSlot.objects.get().day == preferred
    admin.goto(f"/bookings/enrolments/{world.enrolment.pk}/book/", "book")
    agreed = f"Agreed at the planning meeting: practical observation {long_date(preferred)}, 10:00."
    expect(page.get_by_text(agreed)).to_be_visible()
