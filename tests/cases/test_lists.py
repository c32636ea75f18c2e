"""The admin's queue and the home-page sections: open requests and cases with no
special-category details, and a number of queries that does not grow with the rows."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import User
from openepa.bookings.models import Booking
from openepa.cases.dashboard import sections
from openepa.cases.models import Case, ReasonableAdjustment, SpecialConsideration
from openepa.results.models import OverallResult
from tests.cases.helpers import CIRCUMSTANCES, GROUNDS, LONDON, NEEDS, client_for, page
from tests.results.builders import another_enrolment

pytestmark = pytest.mark.django_db


def _rows(world, n: int, *, start: int = 0) -> None:
    """n enrolments, each with an open adjustment, special consideration and enquiry (the
    first is the world's enrolment when `start` is 0)."""
    today = timezone.localdate()
    for i in range(start, start + n):
        enrolment = world.enrolment if i == 0 else another_enrolment(world, i)
        ReasonableAdjustment.objects.create(
            enrolment=enrolment,
            requested_by=world.provider_user,
            requester_organisation=world.provider,
            requested_on=today,
            needs=NEEDS,
            arrangement="Extra time",
            late=bool(i % 2),
            late_reason="Diagnosed late",
        )
        booking = Booking.objects.create(
            enrolment=enrolment,
            method="observation",
            starts_at=datetime.combine(date(2026, 12, 1), time(10), tzinfo=LONDON),
            duration_minutes=60,
            assessor=world.assessor,
            created_by=world.admin,
        )
        SpecialConsideration.objects.create(
            enrolment=enrolment,
            booking=booking,
            requested_by=world.apprentice_user,
            requested_on=today,
            rescheduling_tried=True,
            circumstances=CIRCUMSTANCES,
        )
        result = OverallResult.objects.create(
            enrolment=enrolment,
            grade="fail",
            methods={},
            last_component_on=today,
            released_at=timezone.now(),
        )
        Case.objects.create(
            enrolment=enrolment,
            kind="enquiry",
            result=result,
            raised_by=world.employer_user,
            raiser_organisation=world.employer,
            raised_on=today,
            grounds=GROUNDS,
        )


@pytest.mark.parametrize("n", [1, 50])
def test_the_queue_query_count_does_not_grow_with_rows(world, n, django_assert_max_num_queries):
    _rows(world, n)
    client = client_for(world.admin)
    with django_assert_max_num_queries(8):
        response = client.get("/cases/")
    html = page(response)
    assert html.count("/cases/adjustments/") == n
    assert html.count("/cases/special-considerations/") == n
    assert html.count('href="/cases/') >= 3 * n
    for secret in (NEEDS, CIRCUMSTANCES, GROUNDS, "Diagnosed late"):
        assert secret not in html


@pytest.mark.parametrize("n", [1, 20])
def test_the_home_page_sections_query_count_does_not_grow(world, n, django_assert_max_num_queries):
    _rows(world, n)
    for user in (world.admin, world.employer_user, world.apprentice_user):
        user = User.objects.get(pk=user.pk)  # roles not cached yet, as in a request
        with django_assert_max_num_queries(6):
            shown = sections(user)
        assert shown


def test_the_queue_is_the_admins_only(world):
    for persona in ("employer", "provider", "apprentice", "assessor", "iqa"):
        assert client_for(world.personas()[persona]).get("/cases/").status_code == 404


def test_the_admins_home_lists_what_waits_and_the_outsider_sees_none_of_it(world):
    _rows(world, 1)
    home = page(client_for(world.admin).get("/"))
    assert "Adjustments, special considerations and appeals to decide" in home
    assert world.enrolment.apprentice.name in home
    other = page(client_for(world.outsider_admin).get("/"))
    assert "/cases/adjustments/" not in other
    party = page(client_for(world.employer_user).get("/"))
    assert "Your open requests, enquiries and appeals" in party
    assert "Your open requests" not in page(client_for(world.outsider_employer).get("/"))
    for html in (home, party):
        for secret in (NEEDS, CIRCUMSTANCES, GROUNDS):
            assert secret not in html


def test_the_navigation_links_the_admin_to_the_queue(world):
    assert 'href="/cases/"' in page(client_for(world.admin).get("/"))
    assert 'href="/cases/"' not in page(client_for(world.employer_user).get("/"))


@pytest.mark.parametrize("n", [1, 50])
def test_the_enrolment_page_query_count_does_not_grow(world, n, django_assert_max_num_queries):
    today = timezone.localdate()
    for _ in range(n):
        ReasonableAdjustment.objects.create(
            enrolment=world.enrolment,
            requested_by=world.apprentice_user,
            requested_on=today,
            needs=NEEDS,
            arrangement="Extra time",
        )
        booking = Booking.objects.create(
            enrolment=world.enrolment,
            method="observation",
            starts_at=timezone.now(),
            duration_minutes=60,
            assessor=world.assessor,
            created_by=world.admin,
        )
        SpecialConsideration.objects.create(
            enrolment=world.enrolment,
            booking=booking,
            requested_by=world.apprentice_user,
            requested_on=today,
            rescheduling_tried=True,
            circumstances=CIRCUMSTANCES,
        )
    client = client_for(world.provider_user)
    with django_assert_max_num_queries(12):
        html = page(client.get(f"/cases/enrolment/{world.enrolment.pk}/"))
    assert html.count("/cases/adjustments/") == n
    assert NEEDS not in html
    assert CIRCUMSTANCES not in html


def _home(user: User) -> tuple[int, str]:
    """The user's home page and the number of queries it took, as a first request."""
    with CaptureQueriesContext(connection) as queries:
        html = page(client_for(user).get("/"))
    return len(queries.captured_queries), html


def test_the_partys_home_shows_its_open_items_in_queries_that_do_not_grow(world):
    """The employer's, provider's and apprentice's list of open requests and cases reads
    only the columns it shows (cases.queries._PARTY_CASE and the like): the reviewer, who
    asked, the assessment and its day, each row's link; no special-category detail, and no
    query per row (the case's reviewer was once read row by row)."""
    _rows(world, 1)
    Case.objects.update(reviewer=world.admin)
    parties = (world.employer_user, world.provider_user, world.apprentice_user)
    one = {}
    for user in parties:
        one[user.pk], html = _home(user)
        assert f"reviewer {world.admin}" in html
        assert f'href="/cases/{Case.objects.get().pk}/"' in html
        assert f'href="/cases/adjustments/{ReasonableAdjustment.objects.get().pk}/"' in html
        consideration = SpecialConsideration.objects.get()
        assert f'href="/cases/special-considerations/{consideration.pk}/"' in html
        assert f"{consideration.booking.get_method_display()}, 1 December 2026" in html
        assert f"{world.provider}</td>" in html  # who asked for the adjustment
        for secret in (NEEDS, CIRCUMSTANCES, GROUNDS, "Diagnosed late"):
            assert secret not in html
    _rows(world, 8, start=1)
    Case.objects.update(reviewer=world.admin)
    for user in parties:
        queries, html = _home(user)
        assert html.count(f"reviewer {world.admin}") == (1 if user == world.apprentice_user else 9)
        assert queries == one[user.pk]
