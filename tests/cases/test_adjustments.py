"""Reasonable adjustments through the pages (issue 5 §1): requested by the apprentice,
employer or provider; late after gateway submission (seed 000 §5); decided by the EPAO
admin with reasons; the arrangement shown to the allocated assessor, never the needs."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.cases.models import ReasonableAdjustment
from tests.cases.helpers import (
    NEEDS,
    booking_on,
    client_for,
    gateway_submitted,
    on,
    page,
    timeline_text,
)

pytestmark = pytest.mark.django_db

ARRANGEMENT = "25% extra time and questions read aloud"


def request_url(world) -> str:
    return f"/cases/enrolment/{world.enrolment.pk}/adjustments/new"


def ask(world, user, **extra):
    data = {"needs": NEEDS, "arrangement": ARRANGEMENT, "late_reason": "", **extra}
    return client_for(user).post(request_url(world), data)


def approve(world, item, arrangement=ARRANGEMENT):
    return client_for(world.admin).post(
        f"/cases/adjustments/{item.pk}/decide",
        {
            "decision": "approve",
            "reason": "Evidence from the provider supports it",
            "arrangement": arrangement,
            "version": item.version,
        },
    )


@pytest.mark.parametrize("persona", ["apprentice_user", "employer_user", "provider_user"])
def test_the_apprentice_employer_or_provider_requests_one(world, persona):
    response = ask(world, getattr(world, persona))
    item = ReasonableAdjustment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/adjustments/{item.pk}/"
    assert (item.needs, item.arrangement, item.late) == (NEEDS, ARRANGEMENT, False)
    organisations = {
        "apprentice_user": None,
        "employer_user": world.employer,
        "provider_user": world.provider,
    }
    assert item.requester_organisation == organisations[persona]
    event = world.enrolment.events.get(action="adjustment_requested")
    assert event.data == {"adjustment_id": item.pk, "late": False}
    assert NEEDS not in timeline_text(world)


@pytest.mark.parametrize(
    "persona", ["outsider_employer", "outsider_provider", "assessor", "iqa", "admin"]
)
def test_anyone_else_gets_a_404_on_the_form(world, persona):
    client = client_for(world.personas()[persona])
    assert client.get(request_url(world)).status_code == 404
    assert ask(world, world.personas()[persona]).status_code == 404
    assert not ReasonableAdjustment.objects.exists()


def test_on_the_day_of_gateway_submission_it_is_on_time(world, monkeypatch):
    gateway_submitted(world, date(2026, 11, 2))
    on(monkeypatch, date(2026, 11, 2))
    ask(world, world.provider_user)
    assert ReasonableAdjustment.objects.get().late is False


def test_after_gateway_submission_a_request_without_a_reason_is_refused(world, monkeypatch):
    gateway_submitted(world, date(2026, 11, 2))
    on(monkeypatch, date(2026, 11, 3))
    response = ask(world, world.provider_user)
    assert response.status_code == 200
    assert (
        "This request comes after the gateway submission of 2 November 2026: reasonable "
        "adjustments are asked for no later than gateway submission. Say why it "
        "is late; it is then accepted and flagged late for the EPAO." in page(response)
    )
    assert not ReasonableAdjustment.objects.exists()


def test_a_late_request_with_its_reason_is_accepted_and_flagged_for_the_admin(world, monkeypatch):
    gateway_submitted(world, date(2026, 11, 2))
    on(monkeypatch, date(2026, 11, 3))
    ask(world, world.provider_user, late_reason="The diagnosis came after gateway")
    item = ReasonableAdjustment.objects.get()
    assert item.late
    admin = client_for(world.admin)
    detail = page(admin.get(f"/cases/adjustments/{item.pk}/"))
    assert "After gateway submission" in detail
    assert "The diagnosis came after gateway" in detail
    queue = page(admin.get("/cases/"))
    assert "Late: after gateway" in queue
    assert NEEDS not in queue  # never in a list


def test_required_texts_are_refused_with_their_messages(world):
    response = ask(world, world.apprentice_user, needs=" ", arrangement="")
    assert "Describe what the apprentice needs and why; only the EPAO sees it." in page(response)
    response = ask(world, world.apprentice_user, arrangement="")
    assert "Say what the assessor should provide, for example extra time or a reader." in page(
        response
    )


def test_the_admin_approves_and_the_assessor_sees_what_to_provide_not_the_needs(world):
    ask(world, world.provider_user)
    item = ReasonableAdjustment.objects.get()
    response = approve(world, item, arrangement="Extra 20 minutes; a reader")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.decided_by, item.arrangement) == (
        "approved",
        world.admin,
        "Extra 20 minutes; a reader",
    )
    booking = booking_on(world, date(2026, 12, 1))
    assessor = client_for(world.assessor)
    for url in (f"/bookings/{booking.pk}/", f"/marking/booking/{booking.pk}/"):
        html = page(assessor.get(url))
        assert "Extra 20 minutes; a reader" in html, url
        assert NEEDS not in html, url
    event = world.enrolment.events.get(action="adjustment_decided")
    assert event.data == {"adjustment_id": item.pk, "decision": "approved"}
    assert "Evidence from the provider" not in timeline_text(world)


def test_a_rejection_needs_reasons_and_shows_them_to_the_requester(world):
    ask(world, world.provider_user)
    item = ReasonableAdjustment.objects.get()
    admin = client_for(world.admin)
    refused = admin.post(
        f"/cases/adjustments/{item.pk}/decide",
        {"decision": "reject", "reason": "", "arrangement": "", "version": item.version},
    )
    assert "Give the reasons for the decision; the requester sees them." in page(refused)
    admin.post(
        f"/cases/adjustments/{item.pk}/decide",
        {"decision": "reject", "reason": "Not supported by evidence", "version": item.version},
    )
    item.refresh_from_db()
    assert item.state == "rejected"
    provider_page = page(client_for(world.provider_user).get(f"/cases/adjustments/{item.pk}/"))
    assert "Not supported by evidence" in provider_page
    booking = booking_on(world, date(2026, 12, 1))
    # A rejected adjustment gives the assessor nothing to provide.
    assert "None recorded." in page(client_for(world.assessor).get(f"/bookings/{booking.pk}/"))


def test_a_decision_twice_is_refused(world):
    ask(world, world.provider_user)
    item = ReasonableAdjustment.objects.get()
    approve(world, item)
    response = client_for(world.admin).post(
        f"/cases/adjustments/{item.pk}/decide",
        {"decision": "reject", "reason": "Second thoughts", "version": item.version + 1},
    )
    assert "This request was already approved." in page(response)


def test_the_needs_are_seen_only_by_the_apprentice_the_requester_and_the_admins(world):
    ask(world, world.provider_user)
    item = ReasonableAdjustment.objects.get()
    url = f"/cases/adjustments/{item.pk}/"
    for persona in ("apprentice_user", "provider_user", "admin"):
        assert NEEDS in page(client_for(getattr(world, persona)).get(url)), persona
    # The enrolment's own employer sees the request, not the needs: it did not ask.
    employer = page(client_for(world.employer_user).get(url))
    assert ARRANGEMENT in employer
    assert NEEDS not in employer
    for persona in ("outsider_employer", "outsider_provider", "assessor", "iqa", "outsider_admin"):
        response = client_for(world.personas()[persona]).get(url)
        assert response.status_code == 404, persona
        assert NEEDS not in page(response)


def test_no_list_or_timeline_page_shows_the_needs(world):
    ask(world, world.apprentice_user)
    approve(world, ReasonableAdjustment.objects.get())
    enrolment = world.enrolment.pk
    pages = {
        "admin": ["/", "/cases/", f"/cases/enrolment/{enrolment}/", f"/enrolments/{enrolment}/"],
        "provider_user": ["/", f"/cases/enrolment/{enrolment}/", f"/enrolments/{enrolment}/"],
        "employer_user": ["/", f"/cases/enrolment/{enrolment}/", f"/enrolments/{enrolment}/"],
        "apprentice_user": ["/", f"/cases/enrolment/{enrolment}/", f"/enrolments/{enrolment}/"],
    }
    for persona, urls in pages.items():
        client = client_for(getattr(world, persona))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            assert NEEDS not in page(response), (persona, url)
    assert NEEDS not in timeline_text(world)


def test_a_decision_on_a_stale_form_is_refused(world):
    ask(world, world.provider_user)
    item = ReasonableAdjustment.objects.get()
    response = client_for(world.admin).post(
        f"/cases/adjustments/{item.pk}/decide",
        {"decision": "approve", "reason": "Fine", "arrangement": "A reader", "version": 99},
    )
    assert (
        "This record was changed by someone else while you were working on it. Reload the page "
        "to see the latest version, then make your change again." in page(response)
    )
    item.refresh_from_db()
    assert item.state == "requested"
