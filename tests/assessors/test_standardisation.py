"""Standardisation events through the pages (seed 003 §7, §9): the admin records an event,
its materials and attendance; IQAs and the invited assessors read it; nobody else does."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.utils import timezone

from openepa.assessors.models import Attendance, StandardisationEvent
from openepa.domain.dates import add_months, long_date

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def create(client, world, ian, **overrides):
    client.force_login(world.admin)
    data = {
        "epao": world.epao.pk,
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "title": "Showcase marking",
        "materials": "Three anonymised showcases, marked",
        "materials_link": "https://files.example/standardisation",
        "invited": [ian.pk],
        **overrides,
    }
    return client.post("/assessors/standardisation/new/", data)


def test_the_admin_records_an_event_and_attendance(client, world, ian):
    response = create(client, world, ian)
    event = StandardisationEvent.objects.get(title="Showcase marking")
    assert response["Location"] == f"/assessors/standardisation/{event.pk}/"
    html = text(client.get(response["Location"]))
    assert "Three anonymised showcases, marked" in html
    assert "https://files.example/standardisation" in html
    assert "Not recorded yet" in html
    page = client.post(response["Location"], {"attended": [ian.pk]}, follow=True)
    assert "Attendance recorded." in text(page)
    assert Attendance.objects.get(event=event, profile=ian).attended
    # Un-ticking records that they did not attend.
    client.post(response["Location"], {})
    assert not Attendance.objects.get(event=event, profile=ian).attended
    listing = text(client.get("/assessors/standardisation/"))
    assert "Showcase marking" in listing


def test_attendance_of_a_future_event_is_refused(client, world, ian):
    held = timezone.localdate() + timedelta(days=10)
    response = create(client, world, ian, held_on=held.isoformat())
    page = client.post(response["Location"], {"attended": [ian.pk]})
    assert (
        f"Attendance can be recorded once the event has taken place: it is on {long_date(held)}."
        in text(page)
    )
    assert not Attendance.objects.get(event__held_on=held, profile=ian).attended


def test_an_event_needs_a_title(client, world, ian):
    page = create(client, world, ian, title="")
    assert "Give the event a title." in text(page)


def test_the_iqa_and_the_invited_assessor_read_the_event(client, world, ian):
    event = StandardisationEvent.objects.filter(epao=world.epao).first()
    assert event is not None
    client.force_login(world.iqa)
    html = text(client.get(f"/assessors/standardisation/{event.pk}/"))
    assert event.title in html
    assert "Record attendance" not in html
    assert client.post(f"/assessors/standardisation/{event.pk}/", {}).status_code == 404
    client.force_login(world.assessor)
    assert client.get(f"/assessors/standardisation/{event.pk}/").status_code == 200
    assert client.post(f"/assessors/standardisation/{event.pk}/", {}).status_code == 404
    assert client.get("/assessors/standardisation/").status_code == 404


@pytest.mark.parametrize(
    "persona",
    ["employer", "provider", "apprentice", "outsider_admin", "outsider_assessor"],
)
def test_outsiders_get_404(client, world, persona):
    event = StandardisationEvent.objects.filter(epao=world.epao).first()
    assert event is not None
    client.force_login(world.personas()[persona])
    assert client.get(f"/assessors/standardisation/{event.pk}/").status_code == 404
    assert client.post(f"/assessors/standardisation/{event.pk}/", {}).status_code == 404
    if persona != "outsider_admin":  # who records events for their own EPAO
        assert client.get("/assessors/standardisation/new/").status_code == 404


def test_an_assessor_not_invited_gets_404(client, world, ian):
    create(client, world, ian, invited=[])
    event = StandardisationEvent.objects.get(title="Showcase marking")
    client.force_login(world.assessor)
    assert client.get(f"/assessors/standardisation/{event.pk}/").status_code == 404


def test_the_profile_lists_attendance_and_standardised_until(client, world, ian):
    client.force_login(world.assessor)
    html = text(client.get(f"/assessors/{ian.pk}/"))
    assert "ST0072 standardisation" in html
    last = timezone.localdate() - timedelta(days=7)
    assert f"Last attended {long_date(last)}" in html


@pytest.mark.parametrize("rows", [1, 50])
def test_events_list_query_count(client, world, ian, django_assert_max_num_queries, rows):
    for i in range(rows):
        event = StandardisationEvent.objects.create(
            epao=world.epao,
            held_on=timezone.localdate() - timedelta(days=i),
            title=f"Event {i}",
            created_by=world.admin,
        )
        Attendance.objects.create(event=event, profile=ian, attended=True)
    client.force_login(world.admin)
    with django_assert_max_num_queries(10):
        page = client.get("/assessors/standardisation/")
    assert text(page).count("Event ") >= rows


def test_the_home_page_warns_of_lapsing_standardisation(client, world, ian):
    client.force_login(world.admin)
    html = text(client.get("/"))
    assert "Assessors: standardisation lapsed or lapsing within 30 days" in html
    assert "Every assessor is standardised for the next 30 days." in html
    Attendance.objects.filter(profile=ian).delete()
    event = StandardisationEvent.objects.create(
        epao=world.epao,
        held_on=timezone.localdate() - timedelta(days=350),
        title="Last year's",
        created_by=world.admin,
    )
    Attendance.objects.create(event=event, profile=ian, attended=True)
    # Written here, not through the admin's pages: shown once the EPAO's kept part of the
    # page is counted again, as here when it is gone (tests/web/test_home_kept.py).
    cache.clear()
    html = text(client.get("/"))
    until = long_date(add_months(event.held_on, 12))
    assert f"Ian Assessor</a>: standardised until {until}" in html
    assert "Sue Assessor" not in html


@pytest.mark.parametrize("days_ago", [0, 300, 333, 334, 335, 336, 337, 400, None])
def test_the_home_pages_lapsing_list_is_the_rule_read_in_the_database(world, ian, days_ago):
    """The home page picks lapsing assessors in the database; it must pick exactly those
    whose compliance, computed by the domain rule for each assessor, lapses within 30 days,
    around the boundary day and with no standardisation at all."""
    from openepa.assessors.queries import lapsing, statuses

    Attendance.objects.filter(profile=ian).delete()
    today = timezone.localdate()
    if days_ago is not None:
        event = StandardisationEvent.objects.create(
            epao=world.epao,
            held_on=today - timedelta(days=days_ago),
            title="Standardisation",
            created_by=world.admin,
        )
        Attendance.objects.create(event=event, profile=ian, attended=True)
    soon = today + timedelta(days=30)
    expected = [
        (s.membership.pk, s.standardised_until)
        for s in statuses(frozenset({world.epao.pk}), today)
        if s.profile is None or s.standardised_until is None or s.standardised_until <= soon
    ]
    found = lapsing(frozenset({world.epao.pk}), today, soon, limit=100)
    assert [(s.membership.pk, s.standardised_until) for s in found] == expected
