"""The booking form prefills the policy's duration for the method and, before booking,
shows the chosen assessor's clashes and travel region ("Check the assessor's diary",
server-rendered: no JavaScript needed)."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from openepa.assessors.models import AssessorProfile, Availability
from openepa.bookings.models import Booking
from tests.bookings.helpers import at, local

pytestmark = pytest.mark.django_db


def _data(world, **overrides):
    world.enrolment.refresh_from_db()
    return {
        "version": world.enrolment.version,
        "method": "observation",
        "kind": "first",
        "starts_at": local(at(12, 14, 10)),
        "duration_minutes": "",
        "venue": "Harbour Bank",
        "assessor": world.assessor.pk,
        **overrides,
    }


def test_the_form_prefills_the_policys_duration(client, planned):
    client.force_login(planned.admin)
    html = unescape(
        client.get(f"/bookings/enrolments/{planned.enrolment.pk}/book/").content.decode()
    )
    # Highfield's observation is typically 90 minutes (the world's EPAO uses Highfield's policy).
    assert 'name="duration_minutes" value="90"' in html
    assert "Check the assessor's diary" in html


def test_checking_shows_the_assessors_day_without_booking(client, planned):
    AssessorProfile.objects.filter(user=planned.assessor, epao=planned.epao).update(
        regions=["north_east"], remote_capable=True
    )
    Availability.objects.create(
        profile=planned.assessor.assessor_profiles.get(epao=planned.epao),
        starts_on=date(2026, 12, 14),
        ends_on=date(2026, 12, 18),
        note="Holiday",
        created_by=planned.admin,
    )
    client.force_login(planned.admin)
    page = client.post(
        f"/bookings/enrolments/{planned.enrolment.pk}/book/",
        _data(planned, method="discussion", check="1"),
    )
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert not Booking.objects.exists()
    assert "Ian Assessor's diary on 14 December 2026" in html
    assert "Ian Assessor is on leave from 14 to 18 December 2026 (Holiday)." in html
    assert "North East" in html
    assert 'name="duration_minutes" value="60"' in html  # the discussion's maximum, filled in


def test_a_clear_day_says_so_and_the_booking_then_goes_through(client, planned):
    client.force_login(planned.admin)
    url = f"/bookings/enrolments/{planned.enrolment.pk}/book/"
    html = unescape(client.post(url, _data(planned, check="1")).content.decode())
    assert "No clash:" in html
    assert "09:00 to 17:00" in html
    assert client.post(url, _data(planned)).status_code == 302
    assert Booking.objects.get().duration_minutes == 90


@pytest.mark.parametrize("who", ["assessor", "outsider_admin", "employer_user"])
def test_others_cannot_check(client, planned, who):
    client.force_login(getattr(planned, who))
    page = client.post(
        f"/bookings/enrolments/{planned.enrolment.pk}/book/", _data(planned, check="1")
    )
    assert page.status_code == 404
