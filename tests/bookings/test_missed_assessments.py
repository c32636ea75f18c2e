"""Missed assessments: the assessor records that the apprentice did not attend, or that the
assessment could not go ahead (with the reason); an admin decides. Every seeded policy is
silent, so the product default is offered first: it does not count as an attempt, and it
is rebooked (the calendar event is cancelled). The admin may decide it counts instead: the
method is then failed at that attempt and the next booking of it is the resit. Either
decision keeps its reason on the apprentice's timeline."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from html import unescape

import pytest

from openepa.assessments.actions import do_open_sheet
from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking
from openepa.domain.policy import MissedAssessmentPolicy
from openepa.domain.standard import Grade
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.policies import loader
from openepa.quality.consistency import consistency_report
from openepa.results.models import OverallResult
from tests.bookings.calendar_helpers import book
from tests.bookings.helpers import at, local
from tests.bookings.test_bookings_resits import sheet
from tests.clock import on

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(planned):
    with on(date(2026, 11, 27)):
        booking = book(planned)
    return planned, booking


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_assessor_records_a_no_show_and_the_admin_rebooks(client, booked, booking_post):
    world, booking = booked
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.assessor)
        detail = text(client.get(f"/bookings/{booking.pk}/"))
        assert "Record that the apprentice did not attend" in detail
        page = client.post(
            f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend", "reason": ""}
        )
        assert page.status_code == 302
        event = JourneyEvent.objects.get(action="record_missed_assessment")
        assert event.reason == "The apprentice did not attend"
        assert event.actor == world.assessor

        client.force_login(world.admin)
        home = text(client.get("/"))
        assert "Missed assessments to decide" in home
        assert f"/bookings/{booking.pk}/missed/decide/" in home
        decide = text(client.get(f"/bookings/{booking.pk}/missed/decide/"))
        assert "so OpenEPA's default is chosen below: it does not count" in decide
        page = client.post(
            f"/bookings/{booking.pk}/missed/decide/", {"decision": "rebook", "note": "Unwell"}
        )
        assert page.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_reason == (
        "The apprentice did not attend. Does not count as an attempt; to rebook. Unwell"
    )
    decided = JourneyEvent.objects.get(action="decide_missed_assessment")
    assert decided.data["counts_as_attempt"] is False
    client.force_login(world.admin)  # a new session: the clock is back to the suite's day
    timeline = text(client.get(f"/enrolments/{world.enrolment.pk}/"))
    assert "recorded that Ada Lovelace's observation did not go ahead" in timeline
    assert "Does not count as an attempt; to rebook" in timeline
    # Not an attempt: the observation is booked again as the first attempt.
    with on(date(2026, 11, 27)):
        again = book(world, starts_at=booking.starts_at.replace(day=8))
    assert (again.kind, again.attempt_number) == ("first", 1)


def test_could_not_go_ahead_needs_a_reason(client, booked):
    world, booking = booked
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.assessor)
        page = client.post(
            f"/bookings/{booking.pk}/missed/", {"outcome": "could_not_go_ahead", "reason": " "}
        )
        assert page.status_code == 200
        assert "Give the reason the assessment could not go ahead." in text(page)
        client.post(
            f"/bookings/{booking.pk}/missed/",
            {"outcome": "could_not_go_ahead", "reason": "Fire alarm at the branch"},
        )
    booking.refresh_from_db()
    assert (booking.outcome, booking.outcome_reason) == (
        "could_not_go_ahead",
        "Fire alarm at the branch",
    )
    event = JourneyEvent.objects.get(action="record_missed_assessment")
    assert event.reason == "The assessment could not go ahead: Fire alarm at the branch"


def test_not_before_the_day(client, booked):
    world, booking = booked
    with on(date(2026, 11, 30)):
        client.force_login(world.assessor)
        assert "did not attend" not in text(client.get(f"/bookings/{booking.pk}/"))
        page = client.post(f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend"})
        assert "You can record this from the day of the assessment." in text(page)
    booking.refresh_from_db()
    assert booking.outcome == ""


@pytest.mark.parametrize(
    "who", ["second_assessor", "outsider_assessor", "outsider_admin", "employer", "iqa"]
)
def test_only_the_allocated_assessor_records_it(client, booked, who):
    world, booking = booked
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.personas()[who])
        response = client.post(f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "who", ["assessor", "outsider_admin", "provider", "apprentice", "employer", "iqa"]
)
def test_only_the_epaos_admins_decide(client, booked, who):
    world, booking = booked
    Booking.objects.filter(pk=booking.pk).update(outcome="did_not_attend")
    client.force_login(world.personas()[who])
    assert client.get(f"/bookings/{booking.pk}/missed/decide/").status_code == 404
    for decision in ("rebook", "counts"):
        response = client.post(f"/bookings/{booking.pk}/missed/decide/", {"decision": decision})
        assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE
    assert not Attempt.objects.exists()
    assert not JourneyEvent.objects.filter(action__endswith="missed_assessment").exists()


def test_nothing_to_decide_until_the_assessor_records_it(client, booked):
    world, booking = booked
    client.force_login(world.admin)
    page = client.get(f"/bookings/{booking.pk}/missed/decide/", follow=True)
    assert page.redirect_chain == [(f"/bookings/{booking.pk}/", 302)]
    assert "There is nothing to decide" in text(page)
    assert client.post(f"/bookings/{booking.pk}/missed/decide/", {}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE


def checked(html: str, value: str) -> bool:
    """Whether the decision radio with this value is the one chosen."""
    return (
        re.search(rf'<input type="radio" name="decision" value="{value}"[^>]*checked', html)
        is not None
    )


def missed_by_the_assessor(client, world, booking) -> None:
    """The assessor records, through the page, that the apprentice did not attend."""
    with on(date(2026, 12, 1), hour=12):
        client.force_login(world.assessor)
        page = client.post(f"/bookings/{booking.pk}/missed/", {"outcome": "did_not_attend"})
        assert page.status_code == 302


def decide(client, world, booking, **data):
    with on(date(2026, 12, 1), hour=13):
        client.force_login(world.admin)
        return client.post(f"/bookings/{booking.pk}/missed/decide/", data)


def test_both_decisions_are_offered_with_the_product_default_chosen(client, booked):
    world, booking = booked
    missed_by_the_assessor(client, world, booking)
    client.force_login(world.admin)
    page = text(client.get(f"/bookings/{booking.pk}/missed/decide/"))
    assert "It does not count as an attempt: cancel the booking and book it again" in page
    assert "It counts as an attempt: the method is failed at this attempt" in page
    assert checked(page, "rebook")
    assert not checked(page, "counts")
    assert "Highfield Assessment's documents do not say whether a missed assessment counts" in page


def test_a_policy_that_counts_it_has_that_chosen_first(client, booked, monkeypatch):
    world, booking = booked
    real = loader.get_policy

    def counting(code: str):
        policy = real(code)
        assert policy is not None
        return dataclasses.replace(
            policy, missed_assessments=MissedAssessmentPolicy(counts_as_attempt=True)
        )

    monkeypatch.setattr(loader, "get_policy", counting)
    missed_by_the_assessor(client, world, booking)
    client.force_login(world.admin)
    page = text(client.get(f"/bookings/{booking.pk}/missed/decide/"))
    assert checked(page, "counts")
    assert not checked(page, "rebook")
    assert "Highfield Assessment's policy counts a missed assessment as an attempt" in page
    assert "cannot" not in page  # it is recorded, not refused
    # The admin still decides: here, against the policy, it does not count.
    assert decide(client, world, booking, decision="rebook").status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_a_decision_must_be_chosen(client, booked):
    world, booking = booked
    missed_by_the_assessor(client, world, booking)
    page = decide(client, world, booking, note="Unwell")
    assert page.status_code == 200
    assert "Choose whether it counts as an attempt." in text(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE


def test_counted_it_fails_the_method_and_the_next_booking_is_its_resit(
    client, booked, booking_post
):
    world, booking = booked
    missed_by_the_assessor(client, world, booking)
    page = decide(client, world, booking, decision="counts", note="Second no-show this year")
    assert page.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED  # not cancelled: it was an attempt
    attempt = Attempt.objects.get(booking=booking)
    assert (attempt.status, attempt.number, attempt.kind) == ("submitted", 1, "first")
    assert attempt.method_grade == "fail"
    assert attempt.missed_reason == "The apprentice did not attend"
    assert set(attempt.judgements.values_list("outcome", flat=True)) == {"not_evidenced"}
    assert set(attempt.judgements.values_list("note", flat=True)) == {
        "The apprentice did not attend"
    }
    event = JourneyEvent.objects.get(action="count_missed_assessment")
    assert event.actor == world.admin
    assert event.data["counts_as_attempt"] is True
    assert not JourneyEvent.objects.filter(action="decide_missed_assessment").exists()

    client.force_login(world.admin)
    timeline = text(client.get(f"/enrolments/{world.enrolment.pk}/"))
    assert (
        "decided Ada Lovelace's missed observation counts as an attempt: the observation is failed"
        in timeline
    )
    assert (
        "The apprentice did not attend. Counts as a failed attempt; the next booking is a "
        "resit or retake. Second no-show this year" in timeline
    )

    # The failed attempt leads to a resit: a first attempt is refused, the resit is attempt 2.
    with on(date(2026, 11, 27)):
        client.force_login(world.admin)
        address = f"/bookings/enrolments/{world.enrolment.pk}/book/"
        start = local(at(12, 8, 10))
        refused = text(client.post(address, booking_post(world, starts_at=start)))
        assert "has been attempted 1 time(s): a further attempt is a resit or retake" in refused
        page = client.post(address, booking_post(world, kind="resit", starts_at=start))
        assert page.status_code == 302
    resit = Booking.objects.get(status="active")
    assert (resit.method, resit.kind, resit.attempt_number) == ("observation", "resit", 2)


def test_counted_as_the_last_method_the_result_follows_as_for_any_fail(client, booked):
    """Every other method already graded: the missed observation that counts completes the
    assessment, and the result computed is a Fail because of it."""
    world, booking = booked
    sheet(world, "showcase", failed=False, day=date(2026, 12, 1))
    sheet(world, "discussion", failed=False, day=date(2026, 12, 2))
    missed_by_the_assessor(client, world, booking)
    assert decide(client, world, booking, decision="counts").status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "awaiting_results"
    result = OverallResult.objects.get(enrolment=world.enrolment)
    assert result.grade == "fail"
    assert result.methods["observation"]["grade"] == "fail"
    actions = list(
        JourneyEvent.objects.filter(enrolment=world.enrolment)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.index("count_missed_assessment") < actions.index("complete_assessment")


def test_a_counted_attempt_is_not_an_assessors_decision(client, booked):
    """No assessor judged anything: the consistency report counts only the marked sheet."""
    world, booking = booked
    sheet(world, "showcase", failed=False, day=date(2026, 12, 1))
    missed_by_the_assessor(client, world, booking)
    assert decide(client, world, booking, decision="counts").status_code == 302
    assert Attempt.objects.filter(status="submitted").count() == 2
    report = consistency_report(world.epao)
    assert report.overall.decisions == 1
    assert report.overall.count(Grade.FAIL) == 0


def test_it_counts_only_while_the_apprentice_is_in_assessment(client, booked):
    world, booking = booked
    missed_by_the_assessor(client, world, booking)
    Enrolment.objects.filter(pk=world.enrolment.pk).update(state="withdrawn")
    page = decide(client, world, booking, decision="counts")
    assert page.status_code == 200
    assert (
        "A missed assessment can count as an attempt only while the apprentice is in "
        "assessment; this enrolment is withdrawn." in text(page)
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE
    assert not Attempt.objects.exists()
    assert not JourneyEvent.objects.filter(action="count_missed_assessment").exists()


def test_a_sheet_opened_on_the_day_becomes_the_failed_attempt(client, booked):
    """The assessor opened the marking sheet, then the apprentice did not come: that draft
    is the attempt that counts, judged afresh (nothing on it was assessed)."""
    world, booking = booked
    Booking.objects.filter(pk=booking.pk).update(no_conflict_confirmed_at=booking.starts_at)
    with on(date(2026, 12, 1), hour=9):
        draft = do_open_sheet(actor=world.assessor, booking_id=booking.pk)
    draft.judgements.update(outcome="met", note="Written before they failed to arrive")
    missed_by_the_assessor(client, world, booking)
    assert decide(client, world, booking, decision="counts").status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.pk == draft.pk
    assert attempt.status == "submitted"
    assert set(attempt.judgements.values_list("outcome", flat=True)) == {"not_evidenced"}
    assert attempt.method_grade == "fail"
