"""The assessor's side: only their own bookings, the no-conflict confirmation, and
declaring a conflict of interest (seed 003 §6)."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from openepa.bookings.actions import do_book_assessment
from openepa.bookings.models import Booking, ConflictDeclaration
from openepa.bookings.rules import Proposal
from openepa.enrolments.models import JourneyEvent
from tests.bookings.helpers import at, book_observation
from tests.clock import on

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(planned):
    booking = book_observation(planned, at(12, 1, 10))
    return planned, booking


def test_the_assessor_sees_and_confirms_their_booking(client, booked):
    world, booking = booked
    client.force_login(world.assessor)
    html = client.get("/bookings/mine/").content.decode()
    assert f"/bookings/{booking.pk}/" in html
    assert "Accept or decline" in html
    html = unescape(client.get(f"/bookings/{booking.pk}/").content.decode())
    assert (
        "I confirm I have no conflict of interest with this apprentice, their employer or provider"
        in html
    )
    assert 'id="approved-adjustments"' in html
    page = client.post(f"/bookings/{booking.pk}/confirm/", follow=True)
    assert "you confirmed you have no conflict of interest" in page.content.decode()
    booking.refresh_from_db()
    assert booking.no_conflict_confirmed_at is not None
    assert JourneyEvent.objects.filter(action="confirm_no_conflict").count() == 1
    assert "Accept or decline" not in client.get("/bookings/mine/").content.decode()


def test_an_assessor_with_a_declared_conflict_cannot_confirm(client, booked):
    world, booking = booked
    ConflictDeclaration.objects.create(
        assessor=world.assessor, organisation=world.employer, description="Worked there"
    )
    client.force_login(world.assessor)
    page = client.post(f"/bookings/{booking.pk}/confirm/", follow=True)
    assert (
        "You have declared a conflict of interest with this apprentice, their employer or "
        "provider: ask the EPAO admin to allocate another assessor (ST0072 assessment plan (IfATE) — §6)."
        in unescape(page.content.decode())
    )
    booking.refresh_from_db()
    assert booking.no_conflict_confirmed_at is None


@pytest.mark.parametrize(
    "persona",
    [
        "second_assessor",
        "outsider_assessor",
        "outsider_admin",
        "provider",
        "employer",
        "iqa",
        "apprentice",
    ],
)
def test_nobody_else_sees_or_confirms_the_booking(client, booked, persona):
    world, booking = booked
    client.force_login(world.personas()[persona])
    assert client.get(f"/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/bookings/{booking.pk}/confirm/").status_code == 404
    assert f"/bookings/{booking.pk}/" not in client.get("/").content.decode()
    booking.refresh_from_db()
    assert booking.no_conflict_confirmed_at is None


def test_the_admin_cannot_confirm_for_the_assessor(client, booked):
    world, booking = booked
    client.force_login(world.admin)
    assert client.get(f"/bookings/{booking.pk}/").status_code == 200
    assert client.post(f"/bookings/{booking.pk}/confirm/").status_code == 404


def test_my_bookings_is_for_assessors_only(client, booked):
    world, _ = booked
    client.force_login(world.second_assessor)
    assert "No assessments are allocated to you." in client.get("/bookings/mine/").content.decode()
    client.force_login(world.provider_user)
    assert client.get("/bookings/mine/").status_code == 404
    assert client.get("/bookings/conflicts/").status_code == 404


def test_declaring_a_conflict_by_uln_blocks_booking(client, planned):
    client.force_login(planned.assessor)
    uln = planned.enrolment.apprentice.uln
    page = client.post("/bookings/conflicts/", {"uln": uln, "description": "My niece"})
    assert page.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.apprentice == planned.enrolment.apprentice
    html = client.get("/bookings/conflicts/").content.decode()
    assert "My niece" in html


def test_declaring_a_conflict_with_an_employer(client, planned):
    client.force_login(planned.assessor)
    page = client.post(
        "/bookings/conflicts/", {"organisation": planned.employer.pk, "description": "Ex-employee"}
    )
    assert page.status_code == 302
    assert ConflictDeclaration.objects.get().organisation == planned.employer


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"uln": "", "description": "x"},
            "Name either an apprentice (by ULN) or an employer or provider.",
        ),
        (
            {"uln": "9999999999", "description": "x"},
            "No apprentice with ULN 9999999999 is registered with your EPAO.",
        ),
        ({"uln": "1234567890", "description": ""}, "Describe the relationship."),
    ],
)
def test_conflict_declaration_refusals(client, planned, data, message):
    client.force_login(planned.assessor)
    page = client.post("/bookings/conflicts/", data)
    assert message in unescape(page.content.decode())
    assert not ConflictDeclaration.objects.exists()


def test_an_apprentice_of_another_epao_cannot_be_named(client, planned):
    client.force_login(planned.outsider_assessor)
    uln = planned.enrolment.apprentice.uln
    page = client.post("/bookings/conflicts/", {"uln": uln, "description": "x"})
    assert f"No apprentice with ULN {uln} is registered with your EPAO." in page.content.decode()


@on(date(2026, 11, 27))  # before the bookings of 1 and 2 December 2026 below
def test_the_assessor_dashboard_lists_upcoming_bookings_unconfirmed_first(client, booked):
    world, booking = booked
    later = do_book_assessment(
        actor=world.admin,
        enrolment_id=world.enrolment.pk,
        proposal=Proposal(
            method="discussion",
            kind="first",
            starts_at=at(12, 2, 10),
            duration_minutes=60,
            assessor_id=world.assessor.pk,
            venue="Harbour Bank",
        ),
    )
    Booking.objects.filter(pk=booking.pk).update(no_conflict_confirmed_at=at(11, 20))
    client.force_login(world.assessor)
    html = client.get("/").content.decode()
    assert "Your upcoming assessments" in html
    assert html.index(f"/bookings/{later.pk}/") < html.index(f"/bookings/{booking.pk}/")
