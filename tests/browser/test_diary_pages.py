"""The assessor's diary and the allocation pages in Chromium with axe (WCAG 2.2 A and AA):
the assessor keeps their diary (at phone width too) and declines an allocation; the admin
checks an assessor's diary from the booking form and sees the re-allocation queue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.bookings.models import Booking
from openepa.enrolments.models import Enrolment
from tests.browser.test_context_pages import demo, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

__all__ = ["demo"]


def test_the_diary_and_allocation_pages_pass_axe(visit: Any, demo: Any) -> None:
    assessor = signed_in(visit, "assessor")
    assessor.goto("/assessors/me/diary/", "assessor-diary")
    page = assessor.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("diary")
    page.get_by_label("Works on Fridays").uncheck()
    page.get_by_label("Monday: break starts (optional)").fill("12:30")
    page.get_by_label("Monday: break ends").fill("13:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the diary").click()
    expect(page.get_by_text("Diary saved.")).to_be_visible()
    assessor.check("assessor-profile-with-diary")
    # Monday keeps the demo's hours, now with the break.
    expect(
        page.get_by_text(re.compile(r"^\d\d:\d\d to 12:30 and 13:00 to \d\d:\d\d$"))
    ).to_be_visible()

    phone = signed_in(visit, "assessor")
    phone.page.set_viewport_size({"width": 320, "height": 640})
    phone.goto("/assessors/me/diary/", "assessor-diary-phone")

    # A fresh allocation, as the admin has just made it (the demo's are all accepted).
    awaiting = Booking.objects.filter(status=Booking.Status.ACTIVE).order_by("-starts_at")[0]
    Booking.objects.filter(pk=awaiting.pk).update(response=Booking.Response.AWAITING)
    owner = signed_in(visit, awaiting.assessor.email.split("@")[0])
    owner.goto("/bookings/mine/", "assessor-bookings-awaiting")
    owner.goto(f"/bookings/{awaiting.pk}/decline/", "assessor-decline")
    owner.page.get_by_label("Why you are declining").fill("On leave that week")
    with owner.page.expect_navigation():
        owner.page.get_by_role("button", name="Decline this allocation").click()

    admin = signed_in(visit, "admin")
    admin.goto("/bookings/reallocate/", "admin-reallocate")
    expect(admin.page.get_by_role("heading", level=1)).to_have_text("Bookings to re-allocate")
    expect(admin.page.get_by_text(f"Declined by {awaiting.assessor}")).to_be_visible()
    planned = Enrolment.objects.filter(state="planning").order_by("id")[0]
    admin.goto(f"/bookings/enrolments/{planned.pk}/book/", "admin-book")
    expect(admin.page.locator('input[name="duration_minutes"]')).not_to_have_value("")
