"""Only the allocated assessor marks a sheet; the EPAO's admins view it; everyone else gets
the same 404 as for a missing booking, and anonymous visitors are asked to sign in."""

from __future__ import annotations

import pytest

from openepa.assessments.models import Attempt
from tests.assessments.helpers import book, form_data, open_sheet, sheet_url

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin": 200,
    "assessor": 200,
    "second_assessor": 404,
    "iqa": 404,
    "employer": 404,
    "provider": 404,
    "apprentice": 404,
    "outsider_admin": 404,
    "outsider_employer": 404,
    "outsider_provider": 404,
    "outsider_assessor": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_who_may_open_a_booking_sheet(client, world, persona, status):
    booking = book(world, "showcase")
    user = world.personas()[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(sheet_url(booking))
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    # Only the allocated assessor's visit creates the draft sheet.
    assert Attempt.objects.filter(booking=booking).exists() == (persona == "assessor")


def test_a_missing_booking_is_the_same_404(assessor_client):
    assert assessor_client.get("/marking/booking/999999/").status_code == 404


def test_admin_sees_that_marking_has_not_started(admin_client_, world):
    booking = book(world, "showcase")
    page = admin_client_.get(sheet_url(booking)).content.decode()
    assert "Ian Assessor has not started marking this assessment yet." in page


@pytest.mark.parametrize("persona", ["second_assessor", "admin", "provider", "outsider_admin"])
def test_nobody_else_can_save_or_preview_the_sheet(client, assessor_client, world, persona):
    booking = book(world, "showcase")
    attempt = open_sheet(assessor_client, booking)
    client.force_login(world.personas()[persona])
    data = form_data(attempt, default="not_met")
    saved = client.post(sheet_url(booking), data)
    assert saved.status_code == (405 if persona == "admin" else 404)
    assert client.post(f"/marking/attempt/{attempt.pk}/preview", data).status_code == 404
    assert not attempt.judgements.exclude(outcome="").exists()


def test_a_cancelled_booking_has_nothing_to_mark(assessor_client, world):
    booking = book(world, "showcase")
    booking.status = "cancelled"
    booking.save(update_fields=["status"])
    response = assessor_client.get(sheet_url(booking))
    assert response.status_code == 409
    assert "This booking was cancelled, so there is nothing to mark." in response.content.decode()


def test_marking_opens_only_in_assessment(assessor_client, world):
    booking = book(world, "showcase")
    world.enrolment.state = "planning"
    world.enrolment.save(update_fields=["state"])
    response = assessor_client.get(sheet_url(booking))
    assert response.status_code == 409
    assert (
        "Marking opens while the apprentice is in assessment; this enrolment is planning."
        in response.content.decode()
    )


def test_a_draft_of_a_cancelled_booking_cannot_be_saved(assessor_client, world):
    booking = book(world, "showcase")
    attempt = open_sheet(assessor_client, booking)
    booking.status = "cancelled"
    booking.save(update_fields=["status"])
    response = assessor_client.post(sheet_url(booking), form_data(attempt))
    assert (
        "This booking was cancelled, so its marking sheet is closed." in response.content.decode()
    )
    assert not attempt.judgements.exclude(outcome="").exists()
