"""An assessor is never double-booked: the database refuses overlapping AssessorSlot rows
even when the Python check is bypassed. Rescheduling keeps the history; cancelling frees
the assessor's time."""

from __future__ import annotations

from html import unescape

import pytest
from django.db import IntegrityError, transaction

from openepa.bookings import rules
from openepa.bookings.actions import do_book_assessment
from openepa.bookings.models import AssessorSlot, Booking
from openepa.bookings.rules import Proposal
from openepa.core.refusals import ActionRefused
from openepa.enrolments.models import JourneyEvent
from tests.bookings.helpers import at, local, to_planning
from tests.personas import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(planned):
    """A second apprentice of the same EPAO, also ready for booking."""
    other = register(
        planned.provider_user,
        epao=planned.epao,
        employer=planned.employer,
        provider=planned.provider,
        given="Grace",
        family="Hopper",
    )
    return planned, to_planning(planned, other)


def proposal(world, **overrides):
    values = {
        "method": "observation",
        "kind": "first",
        "starts_at": at(12, 1, 10),
        "duration_minutes": 90,
        "assessor_id": world.assessor.pk,
        "venue": "Harbour Bank",
    }
    values.update(overrides)
    return Proposal(**values)


def test_an_overlapping_booking_names_the_clash(client, two):
    world, other = two
    do_book_assessment(actor=world.admin, enrolment_id=world.enrolment.pk, proposal=proposal(world))
    client.force_login(world.admin)
    page = client.post(
        f"/bookings/enrolments/{other.pk}/book/",
        {
            "version": other.version,
            "method": "observation",
            "kind": "first",
            "starts_at": local(at(12, 1, 11, 25)),
            "duration_minutes": 60,
            "venue": "Harbour Bank",
            "assessor": world.assessor.pk,
        },
    )
    assert (
        "Ian Assessor is already booked at that time: practical observation with Ada Lovelace "
        "from Tuesday 1 December 2026 at 10:00 for 90 minutes." in unescape(page.content.decode())
    )
    assert Booking.objects.filter(enrolment=other).count() == 0


def test_back_to_back_bookings_are_fine(two):
    world, other = two
    do_book_assessment(actor=world.admin, enrolment_id=world.enrolment.pk, proposal=proposal(world))
    do_book_assessment(
        actor=world.admin,
        enrolment_id=other.pk,
        proposal=proposal(world, starts_at=at(12, 1, 11, 30)),
    )
    assert AssessorSlot.objects.count() == 36


def test_the_database_refuses_an_overlapping_slot_inserted_directly(two):
    world, _ = two
    booking = do_book_assessment(
        actor=world.admin, enrolment_id=world.enrolment.pk, proposal=proposal(world)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessorSlot.objects.create(
            assessor=world.assessor, starts_at=at(12, 1, 10, 45), booking=booking
        )
    # A different assessor at the same instant is fine.
    AssessorSlot.objects.create(
        assessor=world.second_assessor, starts_at=at(12, 1, 10, 45), booking=booking
    )


def test_when_the_python_check_is_bypassed_the_constraint_still_refuses(two, monkeypatch):
    """Two admins booking at the same instant both pass the friendly check; the unique
    (assessor, starts_at) constraint refuses the second, and nothing of it is kept."""
    world, other = two
    do_book_assessment(actor=world.admin, enrolment_id=world.enrolment.pk, proposal=proposal(world))
    monkeypatch.setattr(rules, "check_assessor_free", lambda p, name: None)
    with pytest.raises(ActionRefused) as refused:
        do_book_assessment(
            actor=world.admin,
            enrolment_id=other.pk,
            proposal=proposal(world, starts_at=at(12, 1, 11)),
        )
    assert refused.value.field == "assessor"
    assert "Ian Assessor is already booked at that time" in refused.value.message
    assert not Booking.objects.filter(enrolment=other).exists()  # rolled back
    other.refresh_from_db()
    assert other.state == "planning"


def test_rescheduling_keeps_the_history(client, planned):
    old = do_book_assessment(
        actor=planned.admin, enrolment_id=planned.enrolment.pk, proposal=proposal(planned)
    )
    client.force_login(planned.admin)
    assert client.get(f"/bookings/{old.pk}/reschedule/").status_code == 200
    page = client.post(
        f"/bookings/{old.pk}/reschedule/",
        {
            "starts_at": local(at(12, 4, 14)),
            "duration_minutes": 60,
            "venue": "Harbour Bank",
            "assessor": planned.second_assessor.pk,
            "reason": "Apprentice unwell",
        },
    )
    new = Booking.objects.get(replaces=old)
    assert page.status_code == 302
    assert page["Location"] == f"/bookings/{new.pk}/"
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert old.cancelled_reason == "Rescheduled: Apprentice unwell"
    assert not old.slots.exists()
    assert new.slots.count() == 12
    assert (new.status, new.attempt_number, new.kind) == ("active", 1, "first")
    event = JourneyEvent.objects.get(action="reschedule_booking")
    assert event.data["replaces"] == old.pk
    assert event.reason == "Apprentice unwell"
    html = client.get(f"/bookings/enrolments/{planned.enrolment.pk}/").content.decode()
    assert "Rescheduled: Apprentice unwell" in html
    assert "replaces the booking of 1 December 2026 at 10:00" in html
    # The first assessor's time is free again.
    assert not AssessorSlot.objects.filter(assessor=planned.assessor).exists()


def test_rescheduling_needs_a_reason(client, planned):
    old = do_book_assessment(
        actor=planned.admin, enrolment_id=planned.enrolment.pk, proposal=proposal(planned)
    )
    client.force_login(planned.admin)
    page = client.post(
        f"/bookings/{old.pk}/reschedule/",
        {
            "starts_at": local(at(12, 4, 14)),
            "duration_minutes": 60,
            "venue": "Harbour Bank",
            "assessor": planned.assessor.pk,
            "reason": "",
        },
    )
    assert "Give the reason for rescheduling." in page.content.decode()


def test_cancelling_frees_the_slot(client, two):
    world, other = two
    first = do_book_assessment(
        actor=world.admin, enrolment_id=world.enrolment.pk, proposal=proposal(world)
    )
    client.force_login(world.admin)
    assert (
        "Give the reason for cancelling."
        in client.post(f"/bookings/{first.pk}/cancel/", {"reason": ""}).content.decode()
    )
    page = client.post(f"/bookings/{first.pk}/cancel/", {"reason": "Employer closed that day"})
    assert page.status_code == 302
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert not first.slots.exists()
    assert JourneyEvent.objects.filter(action="cancel_booking").count() == 1
    # The same assessor, same time, for another apprentice.
    do_book_assessment(actor=world.admin, enrolment_id=other.pk, proposal=proposal(world))
    # A cancelled booking cannot be changed again.
    page = client.post(f"/bookings/{first.pk}/cancel/", {"reason": "again"})
    assert "This booking is cancelled; only a current booking can be changed." in unescape(
        page.content.decode()
    )


@pytest.mark.parametrize(
    "persona", ["assessor", "provider", "employer", "outsider_admin", "outsider_assessor"]
)
def test_only_the_epao_admin_reschedules_or_cancels(client, planned, persona):
    booking = do_book_assessment(
        actor=planned.admin, enrolment_id=planned.enrolment.pk, proposal=proposal(planned)
    )
    client.force_login(planned.personas()[persona])
    assert client.get(f"/bookings/{booking.pk}/reschedule/").status_code == 404
    assert client.post(f"/bookings/{booking.pk}/cancel/", {"reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "active"
