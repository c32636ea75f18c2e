"""Marking integrity through the marking pages: a sheet opens only for an accepted booking,
is submitted only once the assessment has started, with actual times, an evidence note for
each judgement and a "check your answers" step; the observation comes before the discussion.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking
from openepa.domain.dates import add_working_days
from openepa.enrolments.models import JourneyEvent
from tests.assessments.helpers import (
    book,
    check_url,
    form_data,
    mark,
    open_sheet,
    sheet_url,
    text,
)


def test_sheet_opens_only_once_the_assessor_has_accepted_the_booking(
    assessor_client, admin_client_, world
):
    booking = book(world, "showcase", accepted=False)
    refused = assessor_client.get(sheet_url(booking))
    assert refused.status_code == 409
    assert "Accept this booking first: on the booking's page, confirm you have no conflict" in (
        text(refused)
    )
    assert not Attempt.objects.filter(booking=booking).exists()
    detail = text(assessor_client.get(f"/bookings/{booking.pk}/"))
    assert "The marking sheet opens once you have accepted this booking." in detail
    assert "Open the marking sheet" not in detail
    # The admin sees the sheet has not been started, as before.
    assert admin_client_.get(sheet_url(booking)).status_code == 200

    accepted = assessor_client.post(f"/bookings/{booking.pk}/confirm/")
    assert accepted.status_code == 302
    booking.refresh_from_db()
    assert booking.no_conflict_confirmed_at is not None
    assert assessor_client.get(sheet_url(booking)).status_code == 200
    assert "Open the marking sheet" in text(assessor_client.get(f"/bookings/{booking.pk}/"))


def test_submission_waits_for_the_booked_start_time(assessor_client, world):
    # A working day (bookings are made on working days), whatever today is.
    day = add_working_days(timezone.localdate(), 3)
    booking = book(world, "showcase", on=day)
    with time_machine.travel(
        timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=8))
    ):
        html = text(mark(assessor_client, booking))
        assert "This assessment is booked to start at" in html
        assert "its marking sheet can be submitted once it has started." in html
        assert Attempt.objects.get(booking=booking).status == "draft"
        # The check page refuses too, back to the sheet with the reason.
        response = assessor_client.get(check_url(booking), follow=True)
        assert "once it has started" in text(response)
    with time_machine.travel(
        timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=11))
    ):
        assert mark(assessor_client, booking).status_code == 302
    assert Attempt.objects.get(booking=booking).status == "submitted"


@pytest.mark.parametrize("intent", ["save", "submit"])
def test_actual_start_before_the_booked_start_is_refused_on_its_field(
    assessor_client, world, intent
):
    booking = book(world, "showcase")  # booked for 09:00
    attempt = open_sheet(assessor_client, booking)
    data = form_data(attempt, intent=intent, start="08:45", end="09:40")
    html = text(assessor_client.post(sheet_url(booking), data))
    assert (
        "The actual start time (08:45) is before the booked start (09:00): an assessment "
        "cannot start before its booked time." in html
    )
    assert 'id="id_actual_start-error"' in html
    attempt.refresh_from_db()
    assert attempt.actual_start is None  # nothing half written
    assert attempt.status == "draft"


def test_every_judgement_needs_an_evidence_note_named_by_criterion(assessor_client, world):
    booking = book(world, "showcase")
    attempt = open_sheet(assessor_client, booking)
    first, second, third = attempt.judgements.order_by("id").values_list(
        "criterion_code", flat=True
    )[:3]
    data = form_data(attempt, intent="submit", notes={first: "", second: "  "})
    html = text(assessor_client.post(sheet_url(booking), data))
    assert f"Still without a note: {first}, {second}." in html
    assert f"Write the evidence note for {first}: what you saw, heard or read" in html
    assert f"Write the evidence note for {second}: what you saw, heard or read" in html
    assert f'id="id_note_{first.replace(".", "_")}-error"' in html
    assert f'id="id_note_{second.replace(".", "_")}-error"' in html
    assert f"Write the evidence note for {third}" not in html
    attempt.refresh_from_db()
    assert attempt.status == "draft"
    # The draft kept the other notes; a draft may be saved without notes at all.
    assert attempt.judgements.get(criterion_code=third).note
    saved = assessor_client.post(sheet_url(booking), form_data(attempt, notes={third: ""}))
    assert saved.status_code == 302


def test_check_your_answers_shows_the_sheet_and_confirming_locks_it(assessor_client, world):
    booking = book(world, "observation")
    attempt = open_sheet(assessor_client, booking)
    data = form_data(
        attempt,
        {"S9.1": "carried_over"},
        intent="submit",
        notes={"S9.1": "No upset customer during the visit; to cover in the discussion."},
    )
    response = assessor_client.post(sheet_url(booking), data)
    assert response.status_code == 302
    assert response.url == check_url(booking)
    attempt.refresh_from_db()
    assert attempt.status == "draft"  # nothing locked until confirmed

    page = text(assessor_client.get(check_url(booking)))
    assert "Check your answers before submitting" in page
    assert "No upset customer during the visit; to cover in the discussion." in page
    assert "Carried over to the discussion" in page
    assert (
        '<dt class="govuk-summary-list__key">Carried over to the professional discussion</dt><dd class="govuk-summary-list__value">S9.1</dd>'
        in page
    )
    assert "No grade yet: carried-over criteria are judged in the professional discussion" in page
    assert f'href="{sheet_url(booking)}#id_outcome_S9_1"' in page
    assert "Confirm and submit (locks the sheet)" in page

    confirmed = assessor_client.post(check_url(booking), {"version": str(attempt.version)})
    assert confirmed.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "submitted"
    assert attempt.submitted_by == world.assessor
    assert attempt.submitted_at is not None
    sheet = text(assessor_client.get(sheet_url(booking)))
    assert f"by {world.assessor}" in sheet
    assert JourneyEvent.objects.filter(action="submit_marking_sheet").count() == 1


def test_check_your_answers_shows_the_method_grade(assessor_client, world):
    booking = book(world, "discussion")
    mark(assessor_client, booking, confirm=False)
    page = text(assessor_client.get(check_url(booking)))
    assert '<p class="govuk-body"><strong>Distinction</strong></p>' in page


def test_confirming_a_changed_sheet_is_refused(assessor_client, world):
    booking = book(world, "showcase")
    mark(assessor_client, booking, confirm=False)
    attempt = Attempt.objects.get(booking=booking)
    shown = attempt.version
    # Changed in another tab after the check page was shown.
    assert assessor_client.post(sheet_url(booking), form_data(attempt)).status_code == 302
    response = assessor_client.post(check_url(booking), {"version": str(shown)})
    assert response.status_code == 409
    assert "Your changes were not saved: reload to see the latest version." in text(response)
    attempt.refresh_from_db()
    assert attempt.status == "draft"


def test_check_page_is_only_for_the_allocated_assessor(client, world):
    booking = book(world, "showcase")
    mine = client
    mine.force_login(world.assessor)
    mark(mine, booking, confirm=False)
    for user in (world.second_assessor, world.outsider_assessor, world.admin):
        client.force_login(user)
        assert client.get(check_url(booking)).status_code == 404
        assert client.post(check_url(booking), {"version": "1"}).status_code == 404
    assert Attempt.objects.get(booking=booking).status == "draft"


def test_discussion_dated_before_its_observation_is_refused_naming_both_dates(
    assessor_client, world
):
    observation = book(world, "observation", on=date(2026, 3, 10))
    # Booked before the rule existed at the booking form, or moved by hand: the marking
    # pages refuse it too.
    discussion = book(world, "discussion", on=date(2026, 3, 5))
    html = text(mark(assessor_client, discussion))
    assert (
        "This sheet cannot be submitted: The professional discussion on 5 March 2026 is dated "
        "before the practical observation on 10 March 2026 that it follows" in html
    )
    assert Attempt.objects.get(booking=discussion).status == "draft"
    # Once the observation is cancelled and rebooked before it, the discussion stands.
    Booking.objects.filter(pk=observation.pk).update(status="cancelled")
    book(world, "observation", on=date(2026, 3, 4), number=1)
    assert mark(assessor_client, discussion).status_code == 302
