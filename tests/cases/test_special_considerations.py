"""Special considerations through the pages (issue 5 §2): for a booking, within the
policy's deadlines in working days across bank holidays (seed 000 §5), rescheduling asked
about first, decided with reasons, the outcome recorded against the attempt."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from openepa.assessments.models import Attempt
from openepa.cases.models import SpecialConsideration
from tests.cases.helpers import (
    CIRCUMSTANCES,
    booking_on,
    client_for,
    on,
    page,
    timeline_text,
)

pytestmark = pytest.mark.django_db


def ask(world, user, booking, **extra):
    data = {
        "booking": booking.pk,
        "rescheduling_tried": "yes",
        "why_not_rescheduled": "",
        "circumstances": CIRCUMSTANCES,
        **extra,
    }
    return client_for(user).post(
        f"/cases/enrolment/{world.enrolment.pk}/special-considerations/new", data
    )


@pytest.mark.parametrize(
    ("assessment", "today"),
    [
        # 10 working days before Friday 8 January 2027, across New Year's Day and Christmas.
        (date(2027, 1, 8), date(2026, 12, 22)),
        # 5 working days after Wednesday 23 December 2026, across Christmas and New Year.
        (date(2026, 12, 23), date(2027, 1, 4)),
        # 5 working days after Thursday 25 March 2027, across Good Friday and Easter Monday.
        (date(2027, 3, 25), date(2027, 4, 5)),
        (date(2027, 3, 30), date(2027, 3, 12)),
    ],
)
def test_in_time_under_the_policy_it_is_accepted(gq_world, monkeypatch, assessment, today):
    world = gq_world
    booking = booking_on(world, assessment)
    on(monkeypatch, today)
    response = ask(world, world.employer_user, booking)
    item = SpecialConsideration.objects.get()
    assert response["Location"] == f"/cases/special-considerations/{item.pk}/"
    assert (item.booking, item.requested_on, item.requester_organisation) == (
        booking,
        today,
        world.employer,
    )
    event = world.enrolment.events.get(action="special_consideration_requested")
    assert event.data["special_consideration_id"] == item.pk
    assert CIRCUMSTANCES not in timeline_text(world)


def test_the_day_after_the_last_day_before_is_refused_naming_the_date(gq_world, monkeypatch):
    world = gq_world
    booking = booking_on(world, date(2027, 1, 8))
    on(monkeypatch, date(2026, 12, 23))
    response = ask(world, world.apprentice_user, booking)
    assert (
        "It is too late to request special consideration before the assessment on 8 January "
        "2027: Gateway Qualifications's policy asks for requests no later than 10 working days "
        "before it, which was 22 December 2026, or after it until 15 January 2027 (Gateway "
        "Qualifications EPA specification v1.1 — §5). Ask the EPAO to reschedule the assessment instead."
        in page(response)
    )
    assert not SpecialConsideration.objects.exists()


def test_after_the_fifth_working_day_after_it_is_refused(gq_world, monkeypatch):
    world = gq_world
    booking = booking_on(world, date(2026, 12, 23))
    on(monkeypatch, date(2027, 1, 5))
    response = ask(world, world.provider_user, booking)
    assert (
        "The time to request special consideration for the assessment on 23 December 2026 "
        "closed on 4 January 2027: Gateway Qualifications's policy allows up to 5 working "
        "days after the assessment (Gateway Qualifications EPA specification v1.1 — §5)."
        in page(response)
    )
    assert not SpecialConsideration.objects.exists()


def test_a_silent_policy_sets_no_deadline_and_the_page_says_so(world, monkeypatch):
    booking = booking_on(world, date(2026, 12, 23))  # Highfield: silent (seed 002)
    form = page(
        client_for(world.apprentice_user).get(
            f"/cases/enrolment/{world.enrolment.pk}/special-considerations/new"
        )
    )
    assert "Highfield Assessment's policy sets no deadline for special consideration." in form
    on(monkeypatch, date(2027, 6, 1))
    ask(world, world.apprentice_user, booking)
    assert SpecialConsideration.objects.count() == 1


def test_the_page_shows_the_policy_deadlines_for_each_booking(gq_world):
    world = gq_world
    booking_on(world, date(2027, 1, 8))
    html = page(client_for(world.provider_user).get(f"/cases/enrolment/{world.enrolment.pk}/"))
    assert "no later than 22 December 2026" in html
    assert "no later than 15 January 2027" in html


def test_rescheduling_comes_first(world):
    booking = booking_on(world, date(2026, 12, 23))
    response = ask(world, world.provider_user, booking, rescheduling_tried="no")
    assert (
        "Say why the assessment could not be rescheduled: rescheduling comes first, and "
        "special consideration is a last resort." in page(response)
    )
    ask(
        world, world.provider_user, booking, rescheduling_tried="no", why_not_rescheduled="No slots"
    )
    item = SpecialConsideration.objects.get()
    assert (item.rescheduling_tried, item.why_not_rescheduled) == (False, "No slots")


def test_a_cancelled_booking_is_refused(world):
    booking = booking_on(world, date(2026, 12, 23))
    booking.status = "cancelled"
    booking.save()
    response = ask(world, world.provider_user, booking)
    assert "Select a valid choice" in page(response)  # not offered at all


def test_the_admin_approves_with_the_outcome_recorded_against_the_attempt(world):
    booking = booking_on(world, date(2026, 12, 23))
    ask(world, world.provider_user, booking)
    item = SpecialConsideration.objects.get()
    attempt = Attempt.objects.create(
        enrolment=world.enrolment,
        booking=booking,
        method="observation",
        number=1,
        kind="first",
        assessor=world.assessor,
        assessed_on=timezone.localdate(booking.starts_at),
    )
    admin = client_for(world.admin)
    url = f"/cases/special-considerations/{item.pk}/decide"
    refused = admin.post(
        url, {"decision": "approve", "reason": "Hospital letter", "outcome": "", "version": 1}
    )
    assert (
        "Record the outcome of the special consideration, for example the attempt not counting "
        "or a rescheduled assessment." in page(refused)
    )
    admin.post(
        url,
        {
            "decision": "approve",
            "reason": "Hospital letter seen",
            "outcome": "The attempt does not count; a new first attempt is booked",
            "version": 1,
        },
    )
    item.refresh_from_db()
    assert (item.state, item.attempt, item.decided_by) == ("approved", attempt, world.admin)
    shown = page(client_for(world.provider_user).get(f"/cases/special-considerations/{item.pk}/"))
    assert "The attempt does not count; a new first attempt is booked" in shown
    assert "recorded against Practical observation attempt 1" in shown
    event = world.enrolment.events.get(action="special_consideration_decided")
    assert event.data["attempt_id"] == attempt.pk
    assert "Hospital letter" not in timeline_text(world)


def test_the_circumstances_are_seen_only_by_the_apprentice_the_requester_and_the_admins(world):
    booking = booking_on(world, date(2026, 12, 23))
    ask(world, world.employer_user, booking)
    item = SpecialConsideration.objects.get()
    url = f"/cases/special-considerations/{item.pk}/"
    for user in (world.apprentice_user, world.employer_user, world.admin):
        assert CIRCUMSTANCES in page(client_for(user).get(url))
    assert CIRCUMSTANCES not in page(client_for(world.provider_user).get(url))
    for persona in ("outsider_employer", "outsider_provider", "assessor", "iqa"):
        response = client_for(world.personas()[persona]).get(url)
        assert response.status_code == 404, persona
    for user, urls in {
        world.admin: ["/", "/cases/", f"/bookings/{booking.pk}/"],
        world.assessor: ["/", f"/bookings/{booking.pk}/", f"/marking/booking/{booking.pk}/"],
        world.employer_user: ["/", f"/cases/enrolment/{world.enrolment.pk}/"],
    }.items():
        client = client_for(user)
        for address in urls:
            assert CIRCUMSTANCES not in page(client.get(address)), (user, address)
