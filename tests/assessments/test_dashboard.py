"""Home-page sections: the assessor's sheets in progress and assessments to mark, the
admin's recently submitted sheets; the number of queries does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from openepa.assessments.dashboard import sections
from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking
from tests.assessments.helpers import book, open_sheet

pytestmark = pytest.mark.django_db


def render_sections(user) -> str:
    return "".join(render_to_string(s["template"], {"ctx": s["context"]}) for s in sections(user))


def future_bookings(world, rows: int) -> list[Booking]:
    today = timezone.localdate()
    return [
        book(world, "showcase", on=today + timedelta(days=i + 1), number=i + 1) for i in range(rows)
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_assessor_sections_query_count(world, rows, django_assert_max_num_queries):
    bookings = future_bookings(world, rows)
    drafts = future_bookings(world, rows)  # a second set, opened as drafts
    for booking in drafts:
        Attempt.objects.create(
            enrolment=world.enrolment,
            booking=booking,
            method="observation",
            number=booking.attempt_number,
            kind="first",
            assessor=world.assessor,
            assessed_on=booking.starts_at.date(),
        )
    with django_assert_max_num_queries(4):  # roles (2) + one per list
        html = render_sections(world.assessor)
    assert html.count("/marking/booking/") == len(bookings) + len(drafts)


@pytest.mark.parametrize("rows", [1, 50])
def test_admin_section_query_count(world, rows, django_assert_max_num_queries):
    for booking in future_bookings(world, rows):
        Attempt.objects.create(
            enrolment=world.enrolment,
            booking=booking,
            method="showcase",
            number=booking.attempt_number,
            kind="first",
            assessor=world.assessor,
            assessed_on=booking.starts_at.date(),
            status="submitted",
            submitted_at=timezone.now(),
        )
    with django_assert_max_num_queries(3):  # roles (2) + the list
        html = render_sections(world.admin)
    assert html.count("/marking/booking/") == min(rows, 20)


def test_sections_are_scoped_to_the_user(world):
    future_bookings(world, 2)
    assert "/marking/booking/" not in render_sections(world.second_assessor)
    assert "/marking/booking/" not in render_sections(world.outsider_assessor)
    assert sections(world.employer_user) == []
    assert "No marking sheets have been submitted yet." in render_sections(world.outsider_admin)


def test_home_page_lists_the_assessors_work(assessor_client, world):
    today = timezone.localdate()
    upcoming = book(world, "discussion", on=today + timedelta(days=2))
    started = book(world, "showcase", on=today)
    open_sheet(assessor_client, started)
    html = assessor_client.get("/").content.decode()
    assert "Assessments to mark" in html
    assert f"/marking/booking/{upcoming.pk}/" in html
    assert "Marking sheets in progress" in html
    assert f"/marking/booking/{started.pk}/" in html


def test_a_past_unmarked_booking_stays_on_the_list(world):
    past = book(world, "showcase", on=timezone.localdate() - timedelta(days=3))
    html = render_sections(world.assessor)
    assert f"/marking/booking/{past.pk}/" in html
    assert "Not marked yet" in html
