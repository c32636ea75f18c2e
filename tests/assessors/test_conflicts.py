"""Conflict declarations (seed 003 §6): the assessor declares one through the page,
allocation refuses it, the assessor can withdraw it and then be booked; nobody else can
withdraw it."""

from __future__ import annotations

from html import unescape

import pytest

from openepa.bookings.models import Booking, ConflictDeclaration
from tests.assessors.test_allocation_at_booking import book

pytestmark = pytest.mark.django_db


def test_declare_refuse_withdraw_then_book(client, planned):
    client.force_login(planned.assessor)
    client.post(
        "/bookings/conflicts/",
        {"uln": planned.enrolment.apprentice.uln, "description": "My neighbour's daughter"},
    )
    declaration = ConflictDeclaration.objects.get(assessor=planned.assessor)
    _, html = book(client, planned)
    assert (
        "Ian Assessor has declared a conflict of interest with the apprentice Ada Lovelace" in html
    )
    assert not Booking.objects.exists()

    client.force_login(planned.assessor)
    page = client.post(f"/bookings/conflicts/{declaration.pk}/withdraw/", follow=True)
    html = unescape(page.content.decode())
    assert "Declaration withdrawn." in html
    assert "Withdrawn " in html
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is not None

    response, _ = book(client, planned)
    assert response.status_code == 302
    booking = Booking.objects.get()
    # Accepting the booking: the assessor confirms no conflict.
    client.force_login(planned.assessor)
    page = client.post(f"/bookings/{booking.pk}/confirm/", follow=True)
    assert "you confirmed you have no conflict of interest" in page.content.decode()


@pytest.mark.parametrize("persona", ["second_assessor", "admin", "outsider_assessor", "iqa"])
def test_only_the_declaring_assessor_can_withdraw(client, world, persona):
    declaration = ConflictDeclaration.objects.create(
        assessor=world.assessor, organisation=world.employer, description="Worked there"
    )
    client.force_login(world.personas()[persona])
    assert client.post(f"/bookings/conflicts/{declaration.pk}/withdraw/").status_code == 404
    declaration.refresh_from_db()
    assert declaration.withdrawn_at is None
