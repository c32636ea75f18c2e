"""The assessor's diary through its pages: the assessor keeps their own, an EPAO admin
keeps any of their assessors', anyone else gets 404; bookings respect it."""

from __future__ import annotations

from datetime import date, time
from html import unescape

import pytest

from openepa.assessors.availability import capacity_of, working_windows
from openepa.assessors.models import AssessorProfile, Availability
from openepa.bookings.models import Booking
from openepa.domain.diary import Capacity
from tests.assessors.test_allocation_at_booking import book
from tests.bookings.helpers import at, local

pytestmark = pytest.mark.django_db


def _pattern(**overrides):
    data = {
        "regions": ["london", "south_east"],
        "remote_capable": "on",
        "day_assessments": 3,
        "day_minutes": 300,
        "week_assessments": 10,
        "week_minutes": 1200,
    }
    for day in range(4):  # Monday to Thursday, with lunch
        data |= {
            f"works_{day}": "on",
            f"start_{day}": "08:30",
            f"end_{day}": "16:30",
            f"break_start_{day}": "12:00",
            f"break_end_{day}": "12:30",
        }
    return data | overrides


@pytest.mark.parametrize("who", ["assessor", "admin"])
def test_the_assessor_or_an_admin_keeps_the_diary(client, world, ian, who):
    client.force_login(getattr(world, who))
    page = client.get(f"/assessors/{ian.pk}/diary/")
    assert page.status_code == 200
    assert "Monday" in page.content.decode()
    response = client.post(f"/assessors/{ian.pk}/diary/", _pattern(version=ian.version))
    assert response.status_code == 302
    ian.refresh_from_db()
    assert ian.working_pattern["0"] == {
        "start": "08:30",
        "end": "16:30",
        "break_start": "12:00",
        "break_end": "12:30",
    }
    assert "4" not in ian.working_pattern  # Fridays not worked
    assert ian.regions == ["london", "south_east"]
    assert capacity_of(ian) == Capacity(3, 300, 10, 1200)
    profile = unescape(client.get(f"/assessors/{ian.pk}/").content.decode())
    assert "08:30 to 12:00 and 12:30 to 16:30" in profile
    assert "Not working" in profile


@pytest.mark.parametrize("who", ["second_assessor", "outsider_admin", "outsider_assessor", "iqa"])
def test_anyone_else_gets_404(client, world, ian, who):
    client.force_login(getattr(world, who))
    assert client.get(f"/assessors/{ian.pk}/diary/").status_code == 404
    assert (
        client.post(f"/assessors/{ian.pk}/diary/", _pattern(version=ian.version)).status_code == 404
    )
    ian.refresh_from_db()
    assert ian.working_pattern is None


def test_bad_hours_are_refused_naming_the_day(client, world, ian):
    client.force_login(world.assessor)
    page = client.post(
        f"/assessors/{ian.pk}/diary/",
        _pattern(version=ian.version, start_2="17:00", end_2="09:00"),
    )
    assert page.status_code == 200
    assert "Wednesday: the finish time must be after the start time." in unescape(
        page.content.decode()
    )
    ian.refresh_from_db()
    assert ian.working_pattern is None


def test_a_stale_diary_is_not_overwritten(client, world, ian):
    client.force_login(world.assessor)
    stale = ian.version
    assert client.post(f"/assessors/{ian.pk}/diary/", _pattern(version=stale)).status_code == 302
    page = client.post(f"/assessors/{ian.pk}/diary/", _pattern(version=stale, day_assessments=1))
    assert page.status_code == 200
    ian.refresh_from_db()
    assert ian.day_assessments == 3


def test_defaults_and_working_windows(world, ian):
    """Nothing set: Monday to Friday 09:00 to 17:00; leave and part days come off."""
    assert capacity_of(ian) == Capacity(4, 420, 16, 1800)
    Availability.objects.create(
        profile=ian, starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 3), created_by=world.admin
    )
    Availability.objects.create(
        profile=ian,
        starts_on=date(2027, 3, 4),
        ends_on=date(2027, 3, 4),
        from_time=time(13),
        to_time=time(17),
        created_by=world.admin,
    )
    found = working_windows([ian.pk], date(2027, 3, 1), date(2027, 3, 7))
    assert found == {
        (ian.pk, date(2027, 3, 1)): ((time(9), time(17)),),
        (ian.pk, date(2027, 3, 2)): ((time(9), time(17)),),
        (ian.pk, date(2027, 3, 4)): ((time(9), time(13)),),
        (ian.pk, date(2027, 3, 5)): ((time(9), time(17)),),
    }


def test_a_part_day_off_is_added_through_the_profile_page(client, world, ian):
    client.force_login(world.assessor)
    response = client.post(
        f"/assessors/{ian.pk}/availability/",
        {
            "starts_on": "2026-12-14",
            "available": "false",
            "from_time": "13:00",
            "to_time": "17:00",
            "note": "Dentist",
        },
    )
    assert response.status_code == 302
    entry = Availability.objects.get(profile=ian)
    assert (entry.from_time, entry.to_time) == (time(13), time(17))


# Bookings respect the diary (the booking action refuses, naming the clash).


def test_a_booking_outside_the_working_hours_is_refused(client, planned):
    # 14 December 2026 is a Monday; 16:30 + 90 minutes ends after 17:00.
    response, html = book(client, planned, starts_at=local(at(12, 14, 16, 30)))
    assert response.status_code == 200
    assert (
        "Ian Assessor works 09:00 to 17:00 on 14 December 2026; 16:30 to 18:00 is outside "
        "those hours." in html
    )
    assert not Booking.objects.exists()


def test_a_weekend_booking_is_refused_by_the_default_pattern(client, planned):
    _, html = book(client, planned, starts_at=local(at(12, 12, 10)))
    assert "Ian Assessor does not work on Saturdays (their working pattern)" in html
    assert not Booking.objects.exists()


def test_a_part_day_off_is_named(client, planned, ian):
    Availability.objects.create(
        profile=ian,
        starts_on=date(2026, 12, 14),
        ends_on=date(2026, 12, 14),
        from_time=time(9),
        to_time=time(12),
        note="School run",
        created_by=planned.assessor,
    )
    _, html = book(client, planned)
    assert (
        "Ian Assessor is unavailable from 09:00 to 12:00 on 14 December 2026 (School run)." in html
    )
    response, _ = book(client, planned, starts_at=local(at(12, 14, 13)))
    assert response.status_code == 302


def test_a_booking_over_the_daily_capacity_is_refused(client, planned, ian):
    AssessorProfile.objects.filter(pk=ian.pk).update(day_assessments=1)
    other = Booking.objects.create(
        enrolment=planned.enrolment,
        method="showcase",
        starts_at=at(12, 14, 9),
        duration_minutes=30,
        venue="Harbour Bank",
        assessor=planned.assessor,
        created_by=planned.admin,
        status=Booking.Status.COMPLETED,  # completed: does not count against the day
    )
    response, _ = book(client, planned, starts_at=local(at(12, 14, 13)))
    assert response.status_code == 302
    Booking.objects.exclude(pk=other.pk).update(status=Booking.Status.ACTIVE)
    other.delete()
    # Another enrolment's booking the same day would now pass the daily limit.
    from openepa.bookings.diary import clashes, profile_for

    profile = profile_for(planned.assessor.pk, planned.epao.pk)
    assert profile is not None
    assert clashes(profile, at(12, 14, 15), 60, "Ian Assessor") == [
        "Ian Assessor already has 1 assessment on 14 December 2026, their daily limit."
    ]
