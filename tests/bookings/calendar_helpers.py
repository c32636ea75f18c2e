"""Bookings for the calendar and feed tests, made through the real booking action."""

from __future__ import annotations

from typing import Any

from openepa.bookings.actions import do_book_assessment
from openepa.bookings.models import Booking
from openepa.bookings.rules import Proposal
from tests.bookings.helpers import at


def book(world: Any, **overrides: Any) -> Booking:
    details: dict[str, Any] = {
        "method": "observation",
        "kind": "first",
        "starts_at": at(12, 1, 10),
        "duration_minutes": 90,
        "assessor_id": world.assessor.pk,
        "venue": "Harbour Bank, Quay Street",
    }
    details.update(overrides)
    return do_book_assessment(
        actor=world.admin, enrolment_id=world.enrolment.pk, proposal=Proposal(**details)
    )


def two_bookings(world: Any) -> tuple[Booking, Booking]:
    """Ian's observation in person on Tuesday 1 December 2026 and Sue's remote showcase
    interview on Wednesday 2 December."""
    observation = book(world)
    showcase = book(
        world,
        method="showcase",
        starts_at=at(12, 2, 14),
        duration_minutes=30,
        assessor_id=world.second_assessor.pk,
        remote=True,
        venue="",
    )
    return observation, showcase
