"""Allocations accepted or declined: the assessor answers each allocation on their
bookings pages; declines, allocations unanswered after the policy's working days, and
bookings whose assessor can no longer take them go back to the admins' queue (a home-page
section and the re-allocation list)."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from openepa.assessors.models import Attendance, StandardisationEvent
from openepa.bookings.models import Booking
from openepa.bookings.reallocation import sweep
from openepa.enrolments.models import JourneyEvent
from openepa.notifications.tasks import send_reminders
from tests.bookings.helpers import at, book_observation
from tests.clock import on

pytestmark = pytest.mark.django_db

#: The allocation is made on Friday 27 November 2026; the assessment is on 14 December.
ALLOCATED = date(2026, 11, 27)


@pytest.fixture
def allocated(planned):
    with on(ALLOCATED):
        booking = book_observation(planned, at(12, 14, 10))
    return planned, booking


def _home(client, user):
    client.force_login(user)
    return unescape(client.get("/").content.decode())


@on(ALLOCATED)
def test_a_new_allocation_awaits_the_assessors_answer(client, allocated):
    world, booking = allocated
    assert booking.response == Booking.Response.AWAITING
    client.force_login(world.assessor)
    html = unescape(client.get(f"/bookings/{booking.pk}/").content.decode())
    assert "Awaiting the assessor's answer" in html
    assert f"/bookings/{booking.pk}/decline/" in html
    client.post(f"/bookings/{booking.pk}/confirm/")
    booking.refresh_from_db()
    assert booking.response == Booking.Response.ACCEPTED
    assert booking.no_conflict_confirmed_at is not None
    html = unescape(client.get("/bookings/mine/").content.decode())
    assert "Accepted" in html
    # Accepted: no longer offered a decline.
    assert f"/bookings/{booking.pk}/decline/" not in unescape(
        client.get(f"/bookings/{booking.pk}/").content.decode()
    )


@on(ALLOCATED)
def test_declining_needs_a_reason_and_goes_back_to_the_admins_queue(client, allocated):
    world, booking = allocated
    client.force_login(world.assessor)
    assert client.get(f"/bookings/{booking.pk}/decline/").status_code == 200
    page = client.post(f"/bookings/{booking.pk}/decline/", {"reason": "  "})
    assert "Give the reason for declining." in unescape(page.content.decode())
    booking.refresh_from_db()
    assert booking.response == Booking.Response.AWAITING
    response = client.post(f"/bookings/{booking.pk}/decline/", {"reason": "On a course that week"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.response == Booking.Response.DECLINED
    assert booking.reallocation_reason == "Declined by Ian Assessor: On a course that week"
    assert JourneyEvent.objects.filter(action="decline_allocation").count() == 1
    home = _home(client, world.admin)
    assert "Bookings to re-allocate" in home
    assert "Declined by Ian Assessor: On a course that week" in home
    assert f"/bookings/{booking.pk}/reschedule/" in home
    listed = unescape(client.get("/bookings/reallocate/").content.decode())
    assert "Declined by Ian Assessor: On a course that week" in listed


@on(ALLOCATED)
@pytest.mark.parametrize("who", ["admin", "second_assessor", "outsider_assessor", "outsider_admin"])
def test_only_the_allocated_assessor_declines(client, allocated, who):
    world, booking = allocated
    client.force_login(getattr(world, who))
    assert client.get(f"/bookings/{booking.pk}/decline/").status_code == 404
    assert client.post(f"/bookings/{booking.pk}/decline/", {"reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert booking.response == Booking.Response.AWAITING


@on(ALLOCATED)
@pytest.mark.parametrize("who", ["assessor", "iqa", "employer_user"])
def test_the_queue_is_for_admins(client, allocated, who):
    client.force_login(getattr(allocated[0], who))
    assert client.get("/bookings/reallocate/").status_code == 404


@on(ALLOCATED)
def test_another_epaos_admin_does_not_see_the_queue(client, allocated):
    world, booking = allocated
    client.force_login(world.assessor)
    client.post(f"/bookings/{booking.pk}/decline/", {"reason": "Unwell"})
    client.force_login(world.outsider_admin)
    assert "Unwell" not in unescape(client.get("/bookings/reallocate/").content.decode())
    assert "Unwell" not in _home(client, world.outsider_admin)


@on(ALLOCATED)
def test_an_allocation_unanswered_after_three_working_days_goes_back(client, allocated):
    """The policies are silent, so the product default of 3 working days applies: Friday's
    allocation is back on Wednesday (Mon, Tue, Wed), not on Tuesday."""
    world, booking = allocated
    assert sweep(date(2026, 12, 1)) == 0
    assert send_reminders(date(2026, 12, 2)) >= 0  # the daily scan runs the sweep
    booking.refresh_from_db()
    assert booking.reallocation_reason == (
        "Not accepted or declined by Ian Assessor within 3 working days of the allocation."
    )
    assert sweep(date(2026, 12, 3)) == 0  # flagged once
    assert "Not accepted or declined by Ian Assessor" in _home(client, world.admin)
    # Accepting after all takes it out of the queue.
    client.force_login(world.assessor)
    client.post(f"/bookings/{booking.pk}/confirm/")
    booking.refresh_from_db()
    assert booking.reallocation_reason == ""


@on(ALLOCATED)
def test_a_conflict_declared_flags_the_assessors_bookings(client, allocated):
    world, booking = allocated
    client.force_login(world.assessor)
    client.post(
        "/bookings/conflicts/",
        {"organisation": world.enrolment.employer_id, "description": "My sister runs it"},
    )
    booking.refresh_from_db()
    assert booking.reallocation_reason.startswith("Ian Assessor declared a conflict of interest")
    assert "Ian Assessor declared a conflict of interest" in _home(client, world.admin)


@on(ALLOCATED)
def test_a_lapsing_standardisation_flags_the_bookings_after_it(client, allocated):
    world, booking = allocated
    profile = world.assessor.assessor_profiles.get(epao=world.epao)
    Attendance.objects.filter(profile=profile).delete()
    event = StandardisationEvent.objects.create(
        epao=world.epao, held_on=date(2025, 12, 1), title="Old", created_by=world.admin
    )
    Attendance.objects.create(event=event, profile=profile, attended=True)
    assert sweep(ALLOCATED) == 1
    booking.refresh_from_db()
    assert booking.reallocation_reason == (
        "Ian Assessor's standardisation lapses after 1 December 2026, before this assessment "
        "(ST0072 assessment plan (IfATE) — §9: at least yearly)."
    )


@on(ALLOCATED)
def test_the_admins_home_section_reads_a_constant_number_of_queries(
    client, allocated, django_assert_max_num_queries
):
    world, booking = allocated
    Booking.objects.filter(pk=booking.pk).update(reallocation_reason="Declined")
    client.force_login(world.admin)
    with django_assert_max_num_queries(80):
        client.get("/bookings/reallocate/")
