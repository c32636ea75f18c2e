"""Showcase evidence in Chromium with axe (WCAG 2.2 A and AA, target sizes, visible focus):
the provider adds two files at once and chooses each one's criteria from OpenEPA's
suggestions; the admin sees on the booking page which criteria have no evidence; the
assessor opens the evidence beside its criterion on the marking sheet."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.evidence import suggestions
from openepa.evidence.models import EvidenceFile
from tests.assessments.helpers import book, sheet_url
from tests.browser.test_role_journeys import follow, sign_in
from tests.evidence.files import docx, pdf
from tests.personas import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(db: Any, settings: Any, tmp_path: Any, monkeypatch: Any) -> World:
    settings.OPENEPA_UPLOAD_ROOT = tmp_path / "uploads"
    monkeypatch.setattr(suggestions, "embeddings_available", lambda: False)
    return build_world()


def test_upload_tag_and_mark_with_the_evidence(visit: Any, world: World) -> None:
    tab = sign_in(visit, "provider", world.provider_user)
    page = tab.page
    tab.goto(f"/evidence/enrolments/{world.enrolment.pk}/", "portfolio-empty")
    page.get_by_label("Files").set_input_files(
        [
            {
                "name": "complaints-log.docx",
                "mimeType": DOCX,
                "buffer": docx(
                    "Complaint log: under our complaints procedure I followed the "
                    "organisational policies and procedures."
                ),
            },
            {
                "name": "safety.pdf",
                "mimeType": "application/pdf",
                "buffer": pdf(
                    "My responsibilities and my employer's under the Health and Safety at Work Act"
                ),
            },
        ]
    )
    page.get_by_label("The apprentice declares this is their own work").check()
    follow(tab, page.get_by_role("button", name="Add to the portfolio"), "tag-first")
    expect(page.get_by_role("heading", level=1)).to_contain_text("complaints-log")
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(40)
    for index in range(40):
        expect(boxes.nth(index)).not_to_be_checked()  # suggestions are never ticked
    first = boxes.first
    expect(page.locator("label", has=page.locator(".govuk-tag")).first).to_contain_text("Suggested")
    first.check()
    follow(tab, page.get_by_role("button", name="Save criteria"), "tag-second")
    expect(page.get_by_role("heading", level=1)).to_contain_text("safety")
    page.get_by_label("K3.3 State the responsibilities of employees and employers").check()
    follow(tab, page.get_by_role("button", name="Save criteria"), "portfolio-tagged")
    expect(page.get_by_role("table")).to_contain_text("K3.3")
    complaints, safety = EvidenceFile.objects.order_by("id")
    assert complaints.tags.count() == 1
    assert list(safety.tags.values_list("criterion_code", flat=True)) == ["K3.3"]

    booking = book(world, "showcase")
    admin = sign_in(visit, "admin", world.admin)
    admin.goto(f"/bookings/{booking.pk}/", "booking-gaps")
    expect(
        admin.page.get_by_role("list", name="Showcase criteria with no evidence")
    ).to_be_visible()

    assessor = sign_in(visit, "assessor", world.assessor)
    assessor.goto(sheet_url(booking), "sheet-with-evidence")
    link = assessor.page.get_by_role("link", name="safety (evidence for K3.3)")
    expect(link).to_be_visible()
    with assessor.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "safety.pdf"
