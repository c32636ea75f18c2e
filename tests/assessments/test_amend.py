"""After submission only an EPAO admin can change a sheet, always with a reason, and the
change is recorded (what each outcome was and became, who, when, why)."""

from __future__ import annotations

import pytest

from openepa.assessments.actions import do_amend_sheet
from openepa.assessments.models import Amendment, Attempt
from openepa.core.refusals import ActionRefused
from openepa.enrolments.models import JourneyEvent
from tests.assessments.helpers import book, mark, open_sheet, sheet_url, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(assessor_client, world) -> Attempt:
    booking = book(world, "showcase")
    mark(assessor_client, booking)
    attempt = Attempt.objects.get(booking=booking)
    assert attempt.status == "submitted"
    return attempt


def amend_url(attempt: Attempt) -> str:
    return f"/marking/attempt/{attempt.pk}/amend"


def test_admin_amends_with_a_reason_and_it_is_recorded(admin_client_, world, submitted):
    page = admin_client_.get(sheet_url(submitted.booking)).content.decode()
    assert "Amend this sheet" in page
    response = admin_client_.post(
        amend_url(submitted),
        {
            "version": submitted.version,
            "outcome_K2_1": "not_met",
            "outcome_K2_2": "met",  # unchanged: not recorded as a change
            "reason": "IQA sample: K2.1 evidence did not state the aims.",
        },
        follow=True,
    )
    html = text(response)
    assert "The marking sheet was amended and the reason recorded." in html
    amendment = Amendment.objects.get(attempt=submitted)
    assert amendment.amended_by == world.admin
    assert amendment.changes == {"K2.1": {"from": "met", "to": "not_met"}}
    assert amendment.reason == "IQA sample: K2.1 evidence did not state the aims."
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="amend_marking_sheet")
    assert event.reason == amendment.reason
    assert event.data["changes"] == amendment.changes
    old_version = submitted.version
    submitted.refresh_from_db()
    assert submitted.version == old_version + 1
    assert submitted.judgements.get(criterion_code="K2.1").outcome == "not_met"
    # The read-only sheet shows the new grade and the amendment history.
    assert ">Fail</strong>" in html
    assert "K2.1: met → not_met" in html


def test_an_amendment_needs_a_reason(admin_client_, submitted):
    response = admin_client_.post(
        amend_url(submitted), {"version": submitted.version, "outcome_K2_1": "not_met"}
    )
    assert "Give the reason for the amendment; it is recorded with the change." in text(response)
    assert not Amendment.objects.exists()
    assert submitted.judgements.get(criterion_code="K2.1").outcome == "met"


def test_an_amendment_needs_a_change(admin_client_, submitted):
    response = admin_client_.post(
        amend_url(submitted), {"version": submitted.version, "reason": "Checking"}
    )
    assert "Choose at least one criterion and its new outcome." in text(response)
    same = admin_client_.post(
        amend_url(submitted),
        {"version": submitted.version, "reason": "Checking", "outcome_K2_1": "met"},
    )
    assert "Nothing to change: each chosen outcome is already recorded." in text(same)


def test_a_stale_amendment_is_refused(admin_client_, submitted):
    response = admin_client_.post(
        amend_url(submitted),
        {"version": submitted.version - 1, "outcome_K2_1": "not_met", "reason": "Typo"},
    )
    assert "Your changes were not saved: reload to see the latest version." in text(response)
    assert not Amendment.objects.exists()


def test_the_assessor_cannot_amend(assessor_client, world, submitted):
    assert assessor_client.get(amend_url(submitted)).status_code == 404
    with pytest.raises(ActionRefused) as refused:
        do_amend_sheet(
            actor=world.assessor,
            attempt_id=submitted.pk,
            expected_version=submitted.version,
            changes={"K2.1": "not_met"},
            reason="I changed my mind",
        )
    assert refused.value.message == "Only the EPAO's admins can amend a submitted marking sheet."


@pytest.mark.parametrize("persona", ["second_assessor", "iqa", "provider", "outsider_admin"])
def test_others_cannot_see_the_amendment_form(client, world, submitted, persona):
    client.force_login(world.personas()[persona])
    assert client.get(amend_url(submitted)).status_code == 404


def test_a_draft_cannot_be_amended(assessor_client, world):
    attempt = open_sheet(assessor_client, book(world, "discussion"))
    with pytest.raises(ActionRefused) as refused:
        do_amend_sheet(
            actor=world.admin,
            attempt_id=attempt.pk,
            expected_version=attempt.version,
            changes={"K1.1": "met"},
            reason="Helping out",
        )
    assert refused.value.message == (
        "Only a submitted marking sheet can be amended; this one is still being marked."
    )


def test_an_amendment_cannot_carry_a_criterion_over(world, assessor_client):
    booking = book(world, "observation")
    mark(assessor_client, booking)
    attempt = Attempt.objects.get(booking=booking)
    with pytest.raises(ActionRefused) as refused:
        do_amend_sheet(
            actor=world.admin,
            attempt_id=attempt.pk,
            expected_version=attempt.version,
            changes={"S9.1": "carried_over"},
            reason="Situation did not arise",
        )
    assert refused.value.message.startswith(
        "S9.1 can be amended to met, not met or not evidenced only"
    )
