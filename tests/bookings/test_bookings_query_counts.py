"""Every list page and dashboard section: the number of queries does not grow with rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from openepa.bookings.models import Booking, ConflictDeclaration
from openepa.enrolments.models import Enrolment
from tests.bookings.helpers import at
from tests.personas import register

pytestmark = pytest.mark.django_db


def _bookings(world, n):
    Booking.objects.bulk_create(
        Booking(
            enrolment=world.enrolment,
            method="observation",
            starts_at=at(12, 1, 8) + timedelta(hours=2 * i),
            duration_minutes=90,
            venue="Harbour Bank",
            assessor=world.assessor,
            created_by=world.admin,
            status="active" if i % 2 else "cancelled",
        )
        for i in range(n)
    )
    # A replaced booking, so the "replaces" column is exercised too.
    first, last = (
        Booking.objects.order_by("id")[:1].get(),
        Booking.objects.order_by("-id")[:1].get(),
    )
    if first != last:
        Booking.objects.filter(pk=last.pk).update(replaces=first)


@pytest.mark.parametrize("rows", [1, 50])
def test_enrolment_bookings_page(client, planned, django_assert_max_num_queries, rows):
    _bookings(planned, rows)
    client.force_login(planned.admin)
    with django_assert_max_num_queries(10):
        page = client.get(f"/bookings/enrolments/{planned.enrolment.pk}/")
    assert page.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_my_bookings_page(client, planned, django_assert_max_num_queries, rows):
    _bookings(planned, rows * 2)
    client.force_login(planned.assessor)
    with django_assert_max_num_queries(8):
        page = client.get("/bookings/mine/")
    assert page.content.decode().count("/bookings/") >= rows


@pytest.mark.parametrize("rows", [1, 50])
def test_conflicts_page(client, planned, django_assert_max_num_queries, rows):
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(
            assessor=planned.assessor,
            apprentice=planned.enrolment.apprentice if i % 2 else None,
            organisation=None if i % 2 else planned.employer,
            description=f"Relationship {i}",
        )
        for i in range(rows)
    )
    client.force_login(planned.assessor)
    with django_assert_max_num_queries(10):
        page = client.get("/bookings/conflicts/")
    assert page.content.decode().count("Relationship ") == rows


def _enrolments(world, n, state):
    for i in range(n - 1):
        register(
            world.provider_user,
            epao=world.epao,
            employer=world.employer,
            provider=world.provider,
            given=f"Apprentice{i}",
            family="Smith",
        )
    Enrolment.objects.filter(epao=world.epao).update(state=state)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("state", ["gateway_accepted", "planning"])
def test_admin_dashboard(client, world, django_assert_max_num_queries, rows, state):
    _enrolments(world, rows, state)
    client.force_login(world.admin)
    # The admin's home page gathers a section from every context (issues 4–5 added
    # the outbox, certificates, IQA, assessors and cases) and, since issue 17, its figures
    # and charts: a fixed number of queries.
    with django_assert_max_num_queries(34):
        page = client.get("/")
    assert page.status_code == 200
    link = "/planning/" if state == "gateway_accepted" else "/book/"
    html = page.content.decode()
    # The first ten, then a link to the pipeline filtered by the state.
    assert html.count(link) == min(rows, 10)
    assert (f'href="/enrolments/pipeline?state={state}">See all' in html) == (rows > 10)


@pytest.mark.parametrize("rows", [1, 50])
def test_assessor_dashboard(client, planned, django_assert_max_num_queries, rows):
    _bookings(planned, rows * 2)
    client.force_login(planned.assessor)
    with django_assert_max_num_queries(20):
        page = client.get("/")
    assert page.status_code == 200
