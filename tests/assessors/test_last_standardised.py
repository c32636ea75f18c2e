"""The latest standardisation each profile attended, kept by the database
(LastStandardised) for the admin home's lapsing list: after every kind of write of a
profile, an attendance or an event it equals the latest attended event looked up."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Max

from openepa.assessors.models import (
    AssessorProfile,
    Attendance,
    LastStandardised,
    StandardisationEvent,
)

pytestmark = pytest.mark.django_db


def looked_up() -> dict[int, tuple[int, int, date | None]]:
    latest = dict(
        Attendance.objects.filter(attended=True)
        .order_by()
        .values_list("profile_id")
        .annotate(last=Max("event__held_on"))
    )
    return {
        p: (e, u, latest.get(p))
        for p, e, u in AssessorProfile.objects.values_list("id", "epao_id", "user_id")
    }


def kept() -> dict[int, tuple[int, int, date | None]]:
    return {
        p: (e, u, d)
        for p, e, u, d in LastStandardised.objects.values_list(
            "profile_id", "epao_id", "user_id", "held_on"
        )
    }


def test_the_kept_date_follows_every_write(world, ian):
    def check() -> None:
        assert kept() == looked_up()

    check()
    Attendance.objects.filter(profile=ian).delete()  # the persona's own, before these
    check()

    def event(on: date) -> StandardisationEvent:
        return StandardisationEvent.objects.create(
            epao=world.epao, held_on=on, title=f"On {on}", created_by=world.admin
        )

    first, second = event(date(2026, 3, 2)), event(date(2026, 6, 1))
    one = Attendance.objects.create(event=first, profile=ian, attended=True)
    check()
    two = Attendance.objects.create(event=second, profile=ian, attended=False)
    check()
    Attendance.objects.filter(pk=two.pk).update(attended=True)
    check()
    assert kept()[ian.pk][2] == date(2026, 6, 1)
    # The event moved to another day; an attendance moved to another event.
    StandardisationEvent.objects.filter(pk=second.pk).update(held_on=date(2026, 1, 5))
    check()
    assert kept()[ian.pk][2] == date(2026, 3, 2)
    Attendance.objects.filter(pk=two.pk).delete()
    check()
    Attendance.objects.filter(pk=one.pk).update(event=second)
    check()
    # A profile saved with every field (never writes the kept date back), a new one, and
    # an event removed with its attendances.
    ian.refresh_from_db()
    ian.notes = "Saved again"
    ian.save()
    check()
    second.delete()
    check()
    assert kept()[ian.pk][2] is None
