"""The gateway task list and the admin's review, in Chromium with axe (WCAG 2.2 A and AA,
target size included) and the focus and target checks of Visitor.check: a returned
requirement shown to the provider as a task to redo, redone and resubmitted, and the
review page with every version."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from playwright.sync_api import expect

from openepa.gateway.actions import (
    GatewayDetails,
    do_save_gateway_details,
    do_sign_off_gateway,
    do_submit_gateway_tasks,
    do_upload_gateway_document,
)
from openepa.gateway.models import GatewaySubmission, RequirementReview
from tests.browser.test_role_journeys import GATEWAY_PDF, follow, review_each_requirement, sign_in
from tests.personas import World

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

REASON = "The record is not signed by the employer."


def submitted(world: World) -> None:
    """The world's gateway prepared and submitted through the actions."""
    pk = world.enrolment.pk
    provider = world.provider_user
    details = GatewayDetails(
        gateway_date=date(2026, 11, 2), english="level_1", maths="level_1", showcase_format="report"
    )
    do_save_gateway_details(actor=provider, enrolment_id=pk, details=details)
    do_upload_gateway_document(
        actor=provider,
        enrolment_id=pk,
        task="gateway_meeting_record",
        title="Unsigned record",
        upload=SimpleUploadedFile("record.pdf", GATEWAY_PDF, "application/pdf"),
    )
    do_sign_off_gateway(actor=provider, enrolment_id=pk, task="provider_sign_off", confirmed=True)
    do_sign_off_gateway(
        actor=world.employer_user, enrolment_id=pk, task="employer_sign_off", confirmed=True
    )
    do_submit_gateway_tasks(actor=provider, enrolment_id=pk, declared=True)


def test_a_returned_requirement_is_redone_and_accepted(
    visit: Any, world: World, tmp_path: Any
) -> None:
    with override_settings(OPENEPA_UPLOAD_ROOT=tmp_path):
        submitted(world)
        pk = world.enrolment.pk
        admin = sign_in(visit, "admin", world.admin)
        admin.goto(f"/gateway/enrolments/{pk}/", "review-open")
        expect(admin.page.get_by_role("link", name="Unsigned record").first).to_be_visible()
        review_each_requirement(admin, returned={"gateway_meeting_record": REASON})
        follow(
            admin,
            admin.page.get_by_role(
                "button", name="Return the gateway with the returned requirements"
            ),
            "returned",
        )
        assert GatewaySubmission.objects.get().status == "rejected"

        provider = sign_in(visit, "provider", world.provider_user)
        provider.goto(f"/gateway/enrolments/{pk}/submit/", "task-list-to-redo")
        page = provider.page
        expect(page.locator(".govuk-task-list")).to_contain_text("To redo")
        expect(page.locator(".govuk-task-list")).to_contain_text(REASON)
        follow(provider, page.get_by_role("link", name="Gateway meeting record"), "redo")
        page.get_by_label("Title").fill("Signed record")
        page.get_by_label("File").set_input_files(
            {"name": "signed.pdf", "mimeType": "application/pdf", "buffer": GATEWAY_PDF}
        )
        follow(provider, page.get_by_role("button", name="Upload"), "redone")
        provider.goto(f"/gateway/enrolments/{pk}/check/", "check-your-answers")
        page.get_by_label("I confirm the declaration above").check()
        follow(provider, page.get_by_role("button", name="Accept and submit the gateway"), "sent")

        admin.goto(f"/gateway/enrolments/{pk}/", "review-again")
        expect(admin.page.get_by_role("link", name="Signed record").first).to_be_visible()
        # The first version stays in the history of documents.
        expect(admin.page.get_by_role("link", name="Unsigned record").first).to_be_visible()
        review_each_requirement(admin)
        follow(admin, admin.page.get_by_role("button", name="Accept gateway"), "accepted")
        assert GatewaySubmission.objects.order_by("-id")[0].status == "accepted"


def test_sending_back_a_requirement_without_a_reason_shows_the_error(
    visit: Any, world: World, tmp_path: Any
) -> None:
    with override_settings(OPENEPA_UPLOAD_ROOT=tmp_path):
        submitted(world)
        admin = sign_in(visit, "admin", world.admin)
        admin.goto(f"/gateway/enrolments/{world.enrolment.pk}/", "review")
        card = admin.page.locator("#requirement-details")
        card.get_by_label("Return to the provider to redo").check()
        follow(admin, card.get_by_role("button", name="Record the decision"), "no-reason")
        expect(admin.page.get_by_role("alert").first).to_contain_text(
            "Give the reason for returning this requirement"
        )
        assert not RequirementReview.objects.exists()
