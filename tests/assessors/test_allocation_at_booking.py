"""Booking an assessor who does not meet the assessment plan's requirements is refused
with a message naming the rule (seed 003 §6, §9); recording attendance lets them in."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from openepa.assessors.models import AssessorProfile, Attendance, Availability
from openepa.bookings.models import Booking, ConflictDeclaration
from tests.bookings.helpers import at, local

pytestmark = pytest.mark.django_db


def book(client, world, **overrides):
    world.enrolment.refresh_from_db()
    data = {
        "version": world.enrolment.version,
        "method": "observation",
        "kind": "first",
        "starts_at": local(at(12, 14, 10)),
        "duration_minutes": 90,
        "venue": "Harbour Bank, Quay Street",
        "assessor": world.assessor.pk,
        **overrides,
    }
    client.force_login(world.admin)
    response = client.post(f"/bookings/enrolments/{world.enrolment.pk}/book/", data)
    return response, unescape(response.content.decode())


def test_a_compliant_assessor_is_booked(client, planned):
    response, _ = book(client, planned)
    assert response.status_code == 302
    assert Booking.objects.filter(assessor=planned.assessor).count() == 1


def test_an_unstandardised_assessor_is_refused(client, planned, ian):
    Attendance.objects.filter(profile=ian).update(attended=False)
    response, html = book(client, planned)
    assert response.status_code == 200
    assert (
        "Ian Assessor cannot be allocated: has attended no standardisation event on or before "
        "14 December 2026 (ST0072 assessment plan (IfATE) — §9: standardisation at least every 12 months)."
        in html
    )
    assert not Booking.objects.exists()


def test_a_lapsed_standardisation_is_refused_with_its_date(client, planned, ian):
    Attendance.objects.filter(profile=ian).exclude(event__held_on=date(2026, 6, 1)).delete()
    _, html = book(client, planned, starts_at=local(at(6, 2, 10, year=2027)))
    assert (
        "Ian Assessor cannot be allocated: last standardisation attended on 1 June 2026, more "
        "than 12 months before 2 June 2027 (ST0072 assessment plan (IfATE) — §9: at least yearly)."
        in html
    )


def test_an_assessor_lacking_competence_is_refused(client, planned, ian):
    AssessorProfile.objects.filter(pk=ian.pk).update(competence_years=1)
    _, html = book(client, planned)
    assert (
        "Ian Assessor cannot be allocated: 1 year of occupational competence recorded, fewer "
        "than the 2 years the assessment plan requires (ST0072 assessment plan (IfATE) — §6)."
        in html
    )
    assert not Booking.objects.exists()


def test_an_assessor_without_a_qualification_is_refused(client, planned, ian):
    AssessorProfile.objects.filter(pk=ian.pk).update(qualification="none")
    _, html = book(client, planned)
    assert (
        "Ian Assessor cannot be allocated: holds no assessor qualification and is not working "
        "towards one (ST0072 assessment plan (IfATE) — §6" in html
    )


def test_an_assessor_working_towards_a_qualification_is_booked(client, planned, ian):
    AssessorProfile.objects.filter(pk=ian.pk).update(
        qualification="working_towards", qualification_expected_on=date(2027, 6, 1)
    )
    response, _ = book(client, planned)
    assert response.status_code == 302


def test_an_unavailable_assessor_is_refused(client, planned, ian):
    Availability.objects.create(
        profile=ian,
        starts_on=date(2026, 12, 10),
        ends_on=date(2026, 12, 18),
        note="Annual leave",
        created_by=planned.assessor,
    )
    _, html = book(client, planned)
    assert "Ian Assessor is on leave from 10 to 18 December 2026 (Annual leave)." in html
    response, _ = book(client, planned, starts_at=local(at(12, 21, 10)))
    assert response.status_code == 302


def test_an_assessor_who_cannot_assess_remotely_is_refused_a_remote_booking(client, world):
    from tests.bookings.helpers import to_planning

    to_planning(
        world,
        observation_setting="remote_desk",
        checks=frozenset(
            {
                "remote_camera",
                "remote_microphone",
                "remote_screen_sharing",
                "remote_two_way_interaction",
                "remote_private_room",
            }
        ),
    )
    AssessorProfile.objects.filter(user=world.assessor).update(remote_capable=False)
    _, html = book(client, world, remote="on", venue="")
    assert (
        "Ian Assessor cannot be allocated: not recorded as able to assess remotely, and this "
        "assessment is held remotely (assessor profile)." in html
    )


def test_an_assessor_with_no_profile_is_refused(client, planned, ian):
    Attendance.objects.filter(profile=ian).delete()
    Availability.objects.filter(profile=ian).delete()
    ian.events.all().delete()
    ian.delete()
    _, html = book(client, planned)
    assert "Ian Assessor cannot be allocated: has no assessor profile." in html


def test_a_conflicted_assessor_is_refused(client, planned):
    ConflictDeclaration.objects.create(
        assessor=planned.assessor, apprentice=planned.enrolment.apprentice, description="Cousin"
    )
    _, html = book(client, planned)
    assert (
        "Ian Assessor has declared a conflict of interest with the apprentice Ada Lovelace; an "
        "assessor must have no direct relationship with the apprentice (ST0072 assessment plan (IfATE) — §6)."
        in html
    )


def test_attendance_recorded_then_the_assessor_is_allowed(client, planned, ian):
    """The whole loop through the pages: refused, the admin records a standardisation
    event and Ian's attendance, then the same booking goes through."""
    Attendance.objects.filter(profile=ian).delete()
    _, html = book(client, planned)
    assert "has attended no standardisation event" in html
    page = client.post(
        "/assessors/standardisation/new/",
        {
            "epao": planned.epao.pk,
            "held_on": "2026-11-20",
            "title": "Winter standardisation",
            "materials": "Marked showcase samples",
            "invited": [ian.pk],
        },
    )
    assert page.status_code == 302
    client.post(page["Location"], {"attended": [ian.pk]})
    response, _ = book(client, planned)
    assert response.status_code == 302
    assert Booking.objects.filter(assessor=planned.assessor).count() == 1


def test_rescheduling_to_an_unavailable_day_is_refused(client, planned, ian):
    _response, _ = book(client, planned)
    booking = Booking.objects.get()
    Availability.objects.create(
        profile=ian,
        starts_on=date(2026, 12, 15),
        ends_on=date(2026, 12, 15),
        created_by=planned.admin,
    )
    page = client.post(
        f"/bookings/{booking.pk}/reschedule/",
        {
            "starts_at": local(at(12, 15, 10)),
            "duration_minutes": 90,
            "venue": "Harbour Bank",
            "assessor": planned.assessor.pk,
            "reason": "Room unavailable",
        },
    )
    assert "Ian Assessor is on leave from 15 December 2026." in unescape(page.content.decode())


def test_the_booking_form_shows_each_assessors_status(client, planned, ian):
    from datetime import timedelta

    from django.utils import timezone

    from openepa.accounts.models import Role
    from openepa.domain.dates import add_months
    from tests.personas import person

    person("nia@northern.example", "Nia Newcomer", planned.epao, Role.ASSESSOR)
    AssessorProfile.objects.filter(user=planned.second_assessor).update(competence_years=0)
    client.force_login(planned.admin)
    html = unescape(
        client.get(f"/bookings/enrolments/{planned.enrolment.pk}/book/").content.decode()
    )
    until = add_months(timezone.localdate() - timedelta(days=7), 12)
    assert f"Ian Assessor — standardised until {until:%-d %b %Y}" in html
    assert "Sue Assessor — cannot be allocated today" in html
    assert "Nia Newcomer — no assessor profile" in html
