"""The calendars: a day, a week or a month of bookings for one assessor, a region or the
whole EPAO. Admins see their EPAO's, an assessor only their own; anyone else gets a 404."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest

from openepa.assessors.models import AssessorProfile
from openepa.bookings.models import Booking
from tests.bookings.calendar_helpers import two_bookings
from tests.bookings.helpers import at
from tests.clock import on

pytestmark = pytest.mark.django_db

WEEK = "/bookings/calendar/?view=week&date=2026-12-01"


@pytest.fixture
def booked(planned):
    observation, showcase = two_bookings(planned)
    return planned, observation, showcase


def page(client, user, url=WEEK):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def test_the_admin_sees_every_booking_of_the_week_by_day(client, booked):
    world, observation, showcase = booked
    html = page(client, world.admin)
    assert "Week of 30 November 2026 to 6 December 2026" in html
    # A heading per day, every day of the week, each booking a link with its details.
    for day in ("Monday 30 November 2026", "Tuesday 1 December 2026", "Sunday 6 December 2026"):
        assert day in html
    assert html.count('<h2 class="govuk-heading-m"') == 7
    assert f'href="/bookings/{observation.pk}/"' in html
    assert f'href="/bookings/{showcase.pk}/"' in html
    assert "10:00</strong> Practical observation: Ada Lovelace" in html
    assert "In person, Harbour Bank, Quay Street · Ian Assessor" in html
    assert "14:00</strong> Apprentice showcase: Ada Lovelace" in html
    assert "Remote · Sue Assessor" in html
    # The observation is on Tuesday, after Tuesday's heading and before Wednesday's.
    assert (
        html.index("Tuesday 1 December")
        < html.index("10:00</strong>")
        < html.index("Wednesday 2 December")
    )


def test_previous_and_next_are_links(client, booked):
    world, *_ = booked
    html = page(client, world.admin)
    assert 'href="/bookings/calendar/?view=week&amp;date=2026-11-23"' in html.replace("&", "&amp;")
    assert "view=week&date=2026-12-07" in html
    month = page(client, world.admin, "/bookings/calendar/?view=month&date=2026-12-15")
    assert "December 2026" in month
    assert "view=month&date=2026-11-01" in month
    assert "view=month&date=2027-01-01" in month
    # A month lists only the days with bookings.
    assert month.count('<h2 class="govuk-heading-m"') == 2


def test_one_assessor_and_a_region(client, booked):
    world, observation, showcase = booked
    html = page(client, world.admin, f"{WEEK}&assessor={world.second_assessor.pk}")
    assert "Bookings of Sue Assessor" in html
    assert f"/bookings/{showcase.pk}/" in html
    assert f"/bookings/{observation.pk}/" not in html
    AssessorProfile.objects.filter(user=world.assessor).update(regions=["london"])
    html = page(client, world.admin, f"{WEEK}&region=london")
    assert "Bookings of assessors covering London" in html
    assert f"/bookings/{observation.pk}/" in html
    assert f"/bookings/{showcase.pk}/" not in html


def test_an_assessor_sees_only_their_own(client, booked):
    world, observation, showcase = booked
    html = page(client, world.assessor)
    assert "My bookings" in html
    assert f"/bookings/{observation.pk}/" in html
    assert f"/bookings/{showcase.pk}/" not in html
    assert 'name="assessor"' not in html  # no filters
    client.force_login(world.assessor)
    assert client.get(f"{WEEK}&assessor={world.second_assessor.pk}").status_code == 404
    assert client.get(f"{WEEK}&region=london").status_code == 404


def test_cancelled_bookings_are_not_in_the_calendar(client, booked):
    world, observation, _ = booked
    Booking.objects.filter(pk=observation.pk).update(status=Booking.Status.CANCELLED)
    assert f"/bookings/{observation.pk}/" not in page(client, world.admin)


@pytest.mark.parametrize(
    "who", ["iqa", "employer", "provider", "apprentice", "outsider_employer", "outsider_provider"]
)
def test_other_roles_get_404(client, booked, who):
    world, *_ = booked
    client.force_login(world.personas()[who])
    assert client.get(WEEK).status_code == 404


def test_another_epaos_staff_see_nothing_of_ours(client, booked):
    world, observation, _ = booked
    html = page(client, world.outsider_admin)
    assert f"/bookings/{observation.pk}/" not in html
    client.force_login(world.outsider_admin)
    assert client.get(f"{WEEK}&assessor={world.assessor.pk}").status_code == 404
    html = page(client, world.outsider_assessor)
    assert f"/bookings/{observation.pk}/" not in html
    assert client.get(f"{WEEK}&assessor={world.assessor.pk}").status_code == 404


def test_anonymous_visitors_sign_in(client, booked):
    response = client.get(WEEK)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_the_day_list_for_an_assessor(client, booked):
    world, observation, _ = booked
    with on(date(2026, 12, 1), hour=8):
        html = page(client, world.assessor, "/bookings/calendar/?view=day")
    assert "Tuesday 1 December 2026" in html
    assert "Today" in html
    assert f"/bookings/{observation.pk}/" in html
    assert "Previous day" in html
    assert "Next day" in html


def test_a_bad_date_or_view_falls_back(client, booked):
    world, *_ = booked
    html = page(client, world.admin, "/bookings/calendar/?view=year&date=2026-13-45")
    assert "Week of" in html


def _many(world, n):
    Booking.objects.bulk_create(
        Booking(
            enrolment=world.enrolment,
            method="observation",
            starts_at=at(12, 1, 8) + timedelta(hours=i),
            duration_minutes=90,
            venue="Harbour Bank",
            assessor=world.assessor if i % 2 else world.second_assessor,
            created_by=world.admin,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("view", ["week", "month"])
def test_query_count_is_constant(client, planned, django_assert_max_num_queries, rows, view):
    _many(planned, rows)
    AssessorProfile.objects.filter(user=planned.assessor).update(regions=["london"])
    for user, extra in (
        (planned.admin, ""),
        (planned.admin, "&region=london"),
        (planned.assessor, ""),
    ):
        client.force_login(user)
        with django_assert_max_num_queries(10):
            response = client.get(f"/bookings/calendar/?view={view}&date=2026-12-01{extra}")
        assert response.content.decode().count('class="app-calendar-list__item"') >= rows // 2


def test_the_navigation_links_to_the_calendar(client, booked):
    world, *_ = booked
    for user in (world.admin, world.assessor):
        client.force_login(user)
        assert 'href="/bookings/calendar/"' in client.get("/").content.decode()
    client.force_login(world.assessor)
    home = client.get("/").content.decode()
    assert "/bookings/calendar/?view=day" in home
    assert "/bookings/calendar/feeds/" in home
