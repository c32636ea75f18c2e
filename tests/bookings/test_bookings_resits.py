"""Resits and retakes: only after a Fail of the method's latest submitted attempt, never to
improve a Pass (seed 000 §4, 002, 004); a retake needs the checklist and further learning
where the policy says (Highfield, seed 002); within the resit window from the fail
notification unless exceptional circumstances were recorded (seed 000 §4)."""

from __future__ import annotations

from datetime import date
from html import unescape

import pytest

from openepa.assessments.models import Attempt, Judgement
from openepa.bookings.models import Booking
from openepa.domain.standard import InteractionMode, Level, Method
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.standards.loader import get_standard
from tests.bookings.helpers import at, local

pytestmark = pytest.mark.django_db


def sheet(world, method: str, *, failed: bool, day: date = date(2026, 12, 1)) -> Attempt:
    """A completed booking with a submitted marking sheet: every criterion met, except the
    first pass criterion when `failed`."""
    enrolment = world.enrolment
    booking = Booking.objects.create(
        enrolment=enrolment,
        method=method,
        kind="first",
        starts_at=at(day.month, day.day, 10, year=day.year),
        duration_minutes=60,
        venue="Harbour Bank",
        assessor=world.assessor,
        status="completed",
        created_by=world.admin,
    )
    attempt = Attempt.objects.create(
        enrolment=enrolment,
        booking=booking,
        method=method,
        number=1,
        kind="first",
        assessor=world.assessor,
        status="submitted",
        assessed_on=day,
    )
    standard = get_standard("ST0072")
    assert standard is not None
    criteria = standard.criteria_for(Method(method), frozenset({InteractionMode.FACE_TO_FACE}))
    first_pass = next(c.code for c in criteria if c.level == Level.PASS)
    Judgement.objects.bulk_create(
        Judgement(
            attempt=attempt,
            criterion_code=c.code,
            outcome="not_met" if failed and c.code == first_pass else "met",
            attempted=True,
        )
        for c in criteria
    )
    return attempt


def resit_due(world, fail_notified_on: date = date(2026, 12, 10)) -> None:
    Enrolment.objects.filter(pk=world.enrolment.pk).update(
        state="resit_due", fail_notified_on=fail_notified_on
    )


def book(client, world, booking_post, **overrides):
    client.force_login(world.admin)
    page = client.post(
        f"/bookings/enrolments/{world.enrolment.pk}/book/", booking_post(world, **overrides)
    )
    return page, unescape(page.content.decode())


@pytest.fixture
def failed_observation(planned):
    sheet(planned, "observation", failed=True, day=date(2026, 12, 1))
    sheet(planned, "discussion", failed=False, day=date(2026, 12, 2))
    resit_due(planned)
    return planned


def test_a_failed_method_can_be_resat(client, failed_observation, booking_post):
    world = failed_observation
    page, _ = book(client, world, booking_post, kind="resit", starts_at=local(at(12, 15, 10)))
    assert page.status_code == 302
    booking = Booking.objects.get(status="active")
    assert (booking.kind, booking.attempt_number) == ("resit", 2)
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "in_assessment"
    event = JourneyEvent.objects.get(action="book_assessment")
    assert (event.from_state, event.to_state) == ("resit_due", "in_assessment")


def test_in_resit_due_a_first_attempt_is_refused(client, failed_observation, booking_post):
    _, html = book(client, failed_observation, booking_post, starts_at=local(at(12, 15, 10)))
    assert (
        "The apprentice is due a resit or retake: book the failed method as a resit or retake."
        in html
    )


def test_no_resit_to_improve_a_pass(client, failed_observation, booking_post):
    _, html = book(
        client,
        failed_observation,
        booking_post,
        method="discussion",
        kind="resit",
        starts_at=local(at(12, 15, 14)),
        duration_minutes=60,
    )
    assert (
        "A resit or retake cannot be taken to improve a Pass or Distinction (the professional "
        "discussion)." in html
    )


def test_highfield_retake_needs_the_checklist_and_further_learning(
    client, failed_observation, booking_post
):
    world = failed_observation
    retake = {"kind": "retake", "starts_at": local(at(12, 15, 10))}
    _, html = book(client, world, booking_post, **retake)
    assert (
        "A retake needs the retake checklist (Highfield EPA kit — Retake and resit information): confirm it is complete."
        in html
    )
    _, html = book(client, world, booking_post, retake_checklist_confirmed="on", **retake)
    assert (
        "A retake follows a period of further learning (Highfield EPA kit — Retake and resit information): summarise it."
        in html
    )
    page, _ = book(
        client,
        world,
        booking_post,
        retake_checklist_confirmed="on",
        further_learning_summary="Four weeks of coaching on handling complaints",
        **retake,
    )
    assert page.status_code == 302
    assert Booking.objects.get(status="active").kind == "retake"


@pytest.fixture
def gq_failed(gq_world):
    sheet(gq_world, "observation", failed=True, day=date(2026, 11, 16))
    resit_due(gq_world, fail_notified_on=date(2026, 11, 20))
    return gq_world


def test_after_the_resit_window_the_whole_epa_is_retaken(client, gq_failed, booking_post):
    # Gateway Qualifications: within three months of the fail notification (seed 000 §4).
    late = {"kind": "resit", "starts_at": local(at(2, 22, 10, year=2027)), "duration_minutes": 60}
    _, html = book(client, gq_failed, booking_post, **late)
    assert (
        "The resit window ended on Saturday 20 February 2027 (Gateway Qualifications policy: "
        "within the window from the fail notification on Friday 20 November 2026, "
        "Gateway Qualifications EPA specification v1.1 — §4); the whole EPA must be taken again unless an EPAO admin records exceptional "
        "circumstances." in html
    )
    page, _ = book(
        client,
        gq_failed,
        booking_post,
        kind="resit",
        starts_at=local(at(2, 19, 10, year=2027)),
        duration_minutes=60,
    )
    assert page.status_code == 302


def test_exceptional_circumstances_allow_a_late_resit(client, gq_failed, booking_post):
    JourneyEvent.objects.create(
        enrolment=gq_failed.enrolment,
        actor=gq_failed.admin,
        action="resit_window_override",
        from_state="resit_due",
        to_state="resit_due",
        reason="Hospital stay",
    )
    page, html = book(
        client,
        gq_failed,
        booking_post,
        kind="resit",
        starts_at=local(at(3, 1, 10, year=2027)),
        duration_minutes=60,
    )
    assert page.status_code == 302, html[html.find("There is a problem") :][:600]


def test_an_ungraded_previous_attempt_cannot_be_resat(client, planned, booking_post):
    attempt = sheet(planned, "observation", failed=True)
    attempt.status = "draft"
    attempt.save()
    Enrolment.objects.filter(pk=planned.enrolment.pk).update(state="in_assessment")
    _, html = book(client, planned, booking_post, kind="resit", starts_at=local(at(12, 15, 10)))
    assert "the previous attempt has no grade yet" in html


@pytest.fixture
def nqual_failed(nqual_world):
    sheet(nqual_world, "observation", failed=True, day=date(2026, 11, 16))
    Enrolment.objects.filter(pk=nqual_world.enrolment.pk).update(
        first_activity_on=date(2026, 11, 16)
    )
    resit_due(nqual_world, fail_notified_on=date(2026, 11, 20))
    return nqual_world


def test_nqual_every_method_within_6_months_of_the_first_attempt(
    client, nqual_failed, booking_post
):
    # NQual: "All assessment methods must be taken within a 6-month period" (seed 004).
    late = {"kind": "resit", "starts_at": local(at(5, 17, 10, year=2027)), "duration_minutes": 60}
    page, html = book(client, nqual_failed, booking_post, **late)
    assert page.status_code == 200
    assert (
        "Every assessment method had to be taken by Sunday 16 May 2027 (NQual policy: within "
        "the period from the first attempt on Monday 16 November 2026); the whole EPA "
        "must be taken again unless an EPAO admin records exceptional circumstances." in html
    )
    in_time = {
        "kind": "resit",
        "starts_at": local(at(5, 14, 10, year=2027)),
        "duration_minutes": 60,
    }
    page, html = book(client, nqual_failed, booking_post, **in_time)
    assert page.status_code == 302, html[html.find("There is a problem") :][:600]


def test_a_resit_beyond_the_attempts_the_employer_funds_is_refused_naming_the_limit(
    client, failed_observation, booking_post
):
    # Seed 004: how many attempts an apprentice is given is up to their employer.
    world = failed_observation
    Enrolment.objects.filter(pk=world.enrolment.pk).update(funded_attempts=1)
    page, html = book(client, world, booking_post, kind="resit", starts_at=local(at(12, 15, 10)))
    assert page.status_code == 200
    assert (
        "This would be attempt 2 of the practical observation, but the employer funds 1 "
        "attempt of each method" in html
    )
    assert not Booking.objects.filter(status="active").exists()


def test_a_resit_within_the_attempts_the_employer_funds_is_booked(
    client, failed_observation, booking_post
):
    world = failed_observation
    Enrolment.objects.filter(pk=world.enrolment.pk).update(
        funded_attempts=2, further_learning_before_resit=False
    )
    client.force_login(world.admin)
    form = unescape(client.get(f"/bookings/enrolments/{world.enrolment.pk}/book/").content.decode())
    assert "Attempts of each method the employer funds: <strong>2</strong>" in form
    assert "no — a resit without further learning is at the employer's cost" in form
    page, _ = book(client, world, booking_post, kind="resit", starts_at=local(at(12, 15, 10)))
    assert page.status_code == 302
    assert Booking.objects.get(status="active").attempt_number == 2
