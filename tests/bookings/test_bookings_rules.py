"""Booking refusals through the page, each with its user-facing message: the observation
before the discussion (seed 000 §2.4, 002), the EPA window and gateway notice (000, 002,
004), durations (policy data), conflicts of interest (003 §6), 5-minute starts, state."""

from __future__ import annotations

from html import unescape

import pytest

from openepa.bookings.models import Booking, ConflictDeclaration, PlanningMeeting
from openepa.enrolments.models import Enrolment, JourneyEvent
from tests.bookings.helpers import at, local

pytestmark = pytest.mark.django_db


def book(client, world, booking_post, **overrides):
    client.force_login(world.admin)
    page = client.post(
        f"/bookings/enrolments/{world.enrolment.pk}/book/", booking_post(world, **overrides)
    )
    return page, unescape(page.content.decode())


def test_the_first_booking_moves_planning_to_in_assessment(client, planned, booking_post):
    page, _ = book(client, planned, booking_post)
    assert page.status_code == 302
    booking = Booking.objects.get()
    assert page["Location"] == f"/bookings/{booking.pk}/"
    assert (booking.method, booking.kind, booking.attempt_number) == ("observation", "first", 1)
    assert booking.slots.count() == 18  # 90 minutes in 5-minute slots
    planned.enrolment.refresh_from_db()
    assert planned.enrolment.state == "in_assessment"
    event = JourneyEvent.objects.get(action="book_assessment")
    assert (event.from_state, event.to_state) == ("planning", "in_assessment")
    # A second booking is recorded without a state change.
    page, _ = book(
        client,
        planned,
        booking_post,
        method="discussion",
        starts_at=local(at(12, 1, 14)),
        duration_minutes=60,
    )
    assert page.status_code == 302
    assert JourneyEvent.objects.filter(action="book_assessment").count() == 2


def test_a_discussion_with_no_observation_booked_is_refused(client, planned, booking_post):
    _, html = book(client, planned, booking_post, method="discussion", duration_minutes=60)
    assert (
        "Book the practical observation first: the practical observation comes before the "
        "professional discussion." in html
    )
    assert not Booking.objects.exists()


def test_a_discussion_may_not_start_before_the_observation_ends(client, planned, booking_post):
    book(client, planned, booking_post)  # 10:00 to 11:30
    _, html = book(
        client,
        planned,
        booking_post,
        method="discussion",
        starts_at=local(at(12, 1, 11, 25)),
        duration_minutes=60,
    )
    assert (
        "The professional discussion cannot start before the practical observation ends "
        "(Tuesday 1 December 2026 at 11:30)" in html
    )
    page, _ = book(
        client,
        planned,
        booking_post,
        method="discussion",
        starts_at=local(at(12, 1, 11, 30)),
        duration_minutes=60,
    )
    assert page.status_code == 302


def test_an_observation_may_not_come_after_the_discussion(client, planned, booking_post):
    book(client, planned, booking_post)
    book(
        client,
        planned,
        booking_post,
        method="discussion",
        starts_at=local(at(12, 2, 10)),
        duration_minutes=60,
    )
    # Reschedule the observation to after the discussion.
    observation = Booking.objects.get(method="observation")
    page = client.post(
        f"/bookings/{observation.pk}/reschedule/",
        {
            "starts_at": local(at(12, 3, 10)),
            "duration_minutes": 90,
            "venue": "Harbour Bank",
            "assessor": planned.assessor.pk,
            "reason": "Apprentice on leave",
        },
    )
    html = unescape(page.content.decode())
    assert (
        "The practical observation must end before the professional discussion booked for "
        "Wednesday 2 December 2026 at 10:00" in html
    )
    observation.refresh_from_db()
    assert observation.status == "active"  # the refusal rolled the cancellation back


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"duration_minutes": 120},
            "The Highfield Assessment policy allows at least 60 and at most 90 minutes for the observation; 120 minutes were given",
        ),
        (
            {"duration_minutes": 45},
            "allows at least 60 and at most 90 minutes for the observation; 45 minutes were given",
        ),
        (
            {"method": "showcase", "duration_minutes": 40},
            "The Highfield Assessment policy allows at most 30 minutes for the showcase interview; 40 minutes were given",
        ),
        (
            {"starts_at": local(at(12, 1, 10, 7))},
            "Start times must be on a 5-minute boundary (for example 10:00 or 10:05); 10:07:00 is not.",
        ),
        ({"venue": ""}, "Give the venue, or tick that the assessment is held remotely."),
        (
            {"kind": "resit"},
            "The practical observation has not been attempted yet: book it as a first attempt.",
        ),
    ],
)
def test_booking_refusals(client, planned, booking_post, overrides, message):
    _, html = book(client, planned, booking_post, **overrides)
    assert message in html
    assert not Booking.objects.exists()


def test_a_bound_the_policy_does_not_state_is_not_enforced(client, planned, booking_post):
    # Highfield states no minimum for the showcase interview (seed 002: "up to 30 minutes").
    page, _ = book(client, planned, booking_post, method="showcase", duration_minutes=10)
    assert page.status_code == 302


def test_the_same_method_cannot_be_booked_twice(client, planned, booking_post):
    book(client, planned, booking_post)
    _, html = book(client, planned, booking_post, starts_at=local(at(12, 8, 10)))
    assert (
        "The practical observation is already booked for Tuesday 1 December 2026 at 10:00: "
        "reschedule or cancel that booking instead." in html
    )


def test_a_remote_observation_needs_the_planning_checks(client, planned, booking_post):
    _, html = book(client, planned, booking_post, remote="on", venue="")
    assert "A remote observation needs the planning meeting to confirm the remote checks" in html
    PlanningMeeting.objects.update(remote_observation_checked=True)
    page, _ = book(client, planned, booking_post, remote="on", venue="")
    assert page.status_code == 302


@pytest.mark.parametrize("party", ["apprentice", "employer", "provider"])
def test_an_assessor_with_a_declared_conflict_is_refused(client, planned, booking_post, party):
    enrolment = planned.enrolment
    declaration = ConflictDeclaration.objects.create(
        assessor=planned.assessor,
        apprentice=enrolment.apprentice if party == "apprentice" else None,
        organisation={"employer": enrolment.employer, "provider": enrolment.provider}.get(party),
        description="Former colleague",
    )
    _, html = book(client, planned, booking_post)
    named = {
        "apprentice": "the apprentice Ada Lovelace",
        "employer": "Harbour Bank",
        "provider": "Coastal Training",
    }[party]
    assert (
        f"Ian Assessor has declared a conflict of interest with {named}; an assessor must have "
        "no direct relationship with the apprentice (ST0072 assessment plan (IfATE) — §6). Choose another assessor."
        in html
    )
    declaration.withdrawn_at = declaration.declared_at
    declaration.save()
    page, _ = book(client, planned, booking_post)
    assert page.status_code == 302


def test_the_assessor_must_assess_for_this_epao(client, planned, booking_post):
    _, html = book(client, planned, booking_post, assessor=planned.outsider_assessor.pk)
    assert "Select a valid choice" in html  # not even offered
    assert not Booking.objects.exists()


def test_nothing_can_be_booked_before_planning(client, world, booking_post):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="gateway_accepted")
    _, html = book(client, world, booking_post)
    assert (
        "Assessments can be booked once the planning meeting is recorded; "
        "this enrolment is gateway accepted." in html
    )


def test_nqual_outside_the_window_from_gateway_is_refused(client, nqual_world, booking_post):
    # NQual: all EPA activity within 3 months of gateway (seed 004); accepted 2 November 2026.
    _, html = book(
        client,
        nqual_world,
        booking_post,
        starts_at=local(at(2, 3, 10, year=2027)),
        duration_minutes=60,
    )
    assert (
        "The NQual EPA window is 3 months from gateway acceptance on Monday 2 November 2026 and "
        "ends on Tuesday 2 February 2027; Wednesday 3 February 2027 is after it" in html
    )
    page, _ = book(
        client,
        nqual_world,
        booking_post,
        starts_at=local(at(2, 2, 10, year=2027)),
        duration_minutes=60,
    )
    assert page.status_code == 302


def test_nqual_before_gateway_was_accepted_is_refused(client, nqual_world, booking_post):
    _, html = book(
        client, nqual_world, booking_post, starts_at=local(at(10, 30, 10)), duration_minutes=60
    )
    assert "is before gateway was accepted on Monday 2 November 2026" in html


def test_nqual_needs_ten_working_days_notice(client, nqual_world, booking_post):
    # Form sent Monday 2 November 2026: the 10th working day after is Monday 16 November.
    _, html = book(
        client, nqual_world, booking_post, starts_at=local(at(11, 13, 10)), duration_minutes=60
    )
    assert (
        "The NQual policy needs the gateway form at least 10 working days before the "
        "assessment: the form was sent on Monday 2 November 2026, so the earliest date is "
        "Monday 16 November 2026." in html
    )
    page, _ = book(
        client, nqual_world, booking_post, starts_at=local(at(11, 16, 10)), duration_minutes=60
    )
    assert page.status_code == 302


def test_highfield_window_is_advisory_so_it_warns(client, planned, booking_post):
    book(client, planned, booking_post)  # first activity 1 December 2026
    client.force_login(planned.admin)
    page = client.post(
        f"/bookings/enrolments/{planned.enrolment.pk}/book/",
        booking_post(
            planned,
            method="discussion",
            starts_at=local(at(3, 2, 10, year=2027)),
            duration_minutes=60,
        ),
        follow=True,
    )
    html = unescape(page.content.decode())
    assert Booking.objects.filter(method="discussion", status="active").exists()
    warning = (
        "The Highfield Assessment EPA window is 3 months from the first assessment activity on "
        "Tuesday 1 December 2026 and ends on Monday 1 March 2027; Tuesday 2 March 2027 is after it"
    )
    assert warning in html
    assert "This window is advisory, so the booking stands." in html
    event = JourneyEvent.objects.filter(action="book_assessment").last()
    assert event is not None
    assert warning[4:40] in event.data["epa_window_warning"]


@pytest.mark.parametrize(
    "persona",
    [
        "provider",
        "employer",
        "assessor",
        "iqa",
        "apprentice",
        "outsider_admin",
        "outsider_assessor",
    ],
)
def test_only_the_epao_admin_books(client, planned, booking_post, persona):
    client.force_login(planned.personas()[persona])
    base = f"/bookings/enrolments/{planned.enrolment.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "book/").status_code == 404
    assert client.post(base + "book/", booking_post(planned)).status_code == 404
    assert not Booking.objects.exists()


def test_the_booking_page_is_an_accessible_form(client, planned, booking_post):
    client.force_login(planned.admin)
    html = client.get(f"/bookings/enrolments/{planned.enrolment.pk}/book/").content.decode()
    for heading in ("Assessment", "When", "Where", "Assessor", "Retake only"):
        assert f'<h2 class="govuk-heading-m">{heading}</h2>' in html
    assert '<fieldset class="govuk-fieldset" id="id_starts_at" role="group"' in html
    for part in ("day", "month", "year", "hour", "minute"):
        assert (
            f'<label class="govuk-label govuk-date-input__label" for="id_starts_at_{part}">' in html
        )
    assert 'type="datetime-local"' not in html
    assert "<script>" not in html
    assert "style=" not in html
