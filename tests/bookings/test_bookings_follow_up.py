"""The discussion follow-up (seed 002): a failed observation is resat "along with an
additional professional discussion follow-up of 30 minutes" when a suitable situation to
evidence the criteria did not occur. Only a discussion, only for criteria the latest
observation carried over, at most the policy's follow-up minutes."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.domain.standard import InteractionMode, Method
from openepa.enrolments.models import Enrolment
from openepa.standards.loader import get_standard
from tests.bookings.helpers import at, local
from tests.bookings.test_bookings_resits import book, sheet

pytestmark = pytest.mark.django_db

RULE = (
    "a discussion follow-up judges only observation criteria carried over because the "
    "situation did not arise."
)


def observation_resit(world, carried: tuple[str, ...], day: date = date(2026, 12, 15)) -> Attempt:
    """A submitted observation resit (attempt 2) carrying `carried` over; the enrolment is
    in assessment because the observation has no grade yet."""
    booking = Booking.objects.create(
        enrolment=world.enrolment,
        method="observation",
        attempt_number=2,
        kind="resit",
        starts_at=at(day.month, day.day, 10, year=day.year),
        duration_minutes=90,
        venue="Harbour Bank",
        assessor=world.assessor,
        status="completed",
        created_by=world.admin,
    )
    attempt = Attempt.objects.create(
        enrolment=world.enrolment,
        booking=booking,
        method="observation",
        number=2,
        kind="resit",
        assessor=world.assessor,
        status="submitted",
        assessed_on=day,
    )
    standard = get_standard("ST0072")
    assert standard is not None
    criteria = standard.criteria_for(Method.OBSERVATION, frozenset({InteractionMode.FACE_TO_FACE}))
    Judgement.objects.bulk_create(
        Judgement(
            attempt=attempt,
            criterion_code=c.code,
            outcome="carried_over" if c.code in carried else "met",
        )
        for c in criteria
    )
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="in_assessment")
    return attempt


@pytest.fixture
def resat(planned):
    sheet(planned, "observation", failed=True, day=date(2026, 12, 1))
    sheet(planned, "discussion", failed=False, day=date(2026, 12, 2))
    return planned


def follow_up(**overrides):
    return {
        "method": "discussion",
        "kind": "follow_up",
        "starts_at": local(at(12, 16, 10)),
        "duration_minutes": 30,
        **overrides,
    }


def test_a_follow_up_is_booked_for_the_carried_over_criteria(client, resat, booking_post):
    observation_resit(resat, carried=("S9.1",))
    page, html = book(client, resat, booking_post, **follow_up())
    assert page.status_code == 302, html
    booking = Booking.objects.get(status="active")
    assert (booking.method, booking.kind, booking.attempt_number) == ("discussion", "follow_up", 2)
    resat.enrolment.refresh_from_db()
    assert resat.enrolment.state == "in_assessment"


def test_a_follow_up_with_nothing_carried_over_is_refused(client, resat, booking_post):
    observation_resit(resat, carried=())
    page, html = book(client, resat, booking_post, **follow_up())
    assert page.status_code == 200
    assert (
        "No observation criteria are waiting to be judged, so there is nothing for a "
        f"discussion follow-up to assess: {RULE}" in html
    )
    assert not Booking.objects.filter(status="active").exists()


@pytest.mark.parametrize(
    ("method", "words"),
    [("observation", "practical observation"), ("showcase", "apprentice showcase")],
)
def test_only_the_discussion_can_be_a_follow_up(client, resat, booking_post, method, words):
    observation_resit(resat, carried=("S9.1",))
    _, html = book(
        client, resat, booking_post, **follow_up(method=method, starts_at=local(at(12, 16, 14)))
    )
    assert (
        f"Only the professional discussion can be booked as a follow-up, not the {words}: {RULE}"
        in html
    )


def test_a_follow_up_longer_than_highfields_30_minutes_is_refused(client, resat, booking_post):
    observation_resit(resat, carried=("S9.1",))
    _, html = book(client, resat, booking_post, **follow_up(duration_minutes=45))
    assert (
        "A discussion follow-up lasts at most 30 minutes (Highfield EPA kit — Retake and resit "
        "information); 45 minutes were given." in html
    )
    assert not Booking.objects.filter(status="active").exists()


def test_a_second_pending_follow_up_is_refused(client, resat, booking_post):
    observation_resit(resat, carried=("S9.1",))
    page, _ = book(client, resat, booking_post, **follow_up())
    assert page.status_code == 302
    _, html = book(client, resat, booking_post, **follow_up(starts_at=local(at(12, 17, 10))))
    assert "The professional discussion is already booked for" in html
