"""Helpers for the enrolments tests: more apprentices, bookings and results for the world."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from openepa.bookings.models import Booking
from openepa.enrolments.models import Enrolment
from openepa.results.models import OverallResult
from tests.personas import register


def add_apprentice(world, *, actor=None, employer=None, provider=None, epao=None, **names):
    return register(
        actor or world.admin,
        epao=epao or world.epao,
        employer=employer or world.employer,
        provider=provider or world.provider,
        **names,
    )


def book(enrolment: Enrolment, assessor, *, by, hours_from_now: int = 48) -> Booking:
    return Booking.objects.create(
        enrolment=enrolment,
        method="observation",
        starts_at=timezone.now() + timedelta(hours=hours_from_now),
        duration_minutes=60,
        assessor=assessor,
        created_by=by,
    )


def result(
    enrolment: Enrolment, *, due_on: date | None, released: bool = False, by=None
) -> OverallResult:
    return OverallResult.objects.create(
        enrolment=enrolment,
        grade="pass",
        methods={},
        last_component_on=date(2025, 1, 1),
        due_on=due_on,
        released_at=timezone.make_aware(datetime(2025, 2, 1, 12)) if released else None,
        released_by=by if released else None,
    )
