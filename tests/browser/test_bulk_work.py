"""Bulk work in Chromium with axe (WCAG 2.2 A and AA, Visitor.check), as the demo EPAO's
admin: tick results awaiting release, confirm with the count, read the per-row report; the
bulk work page; the certificates and gateway choosers, each for every matching row, with their
confirmations and reports."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_context_pages import signed_in
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: Any) -> None:
    seed_small_demo()


def test_the_admin_releases_two_ticked_results_and_reads_the_report(visit: Any, demo: None) -> None:
    admin = signed_in(visit, "admin")
    admin.goto("/results/", "admin-results-to-choose")
    page = admin.page
    ticks = page.get_by_role("checkbox", name="Choose")
    ticks.nth(0).check()
    ticks.nth(1).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Release the chosen results").click()
    admin.check("admin-bulk-release-confirm")
    expect(page.get_by_role("heading", level=1)).to_have_text("Release 2 results?")
    with page.expect_navigation():
        page.get_by_role("button", name="Release 2 results").click()
    admin.check("admin-bulk-release-report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Release results: report")
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()

    admin.goto("/bulk/", "admin-bulk-work")
    expect(page.get_by_text("IQA sign-off is not offered in bulk")).to_be_visible()
    # The certificates and the gateway, each for every row matching: the confirmation with
    # its count, then the report (the gateway's with the submissions refused and why).
    for path, label in (("/bulk/certificates/", "certificates"), ("/bulk/gateway/", "gateway")):
        admin.goto(path, f"admin-bulk-{label}")
        page.get_by_label(re.compile(r"^All \d+ .* matching this list")).check()
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("the chosen")).click()
        admin.check(f"admin-bulk-{label}-confirm")
        expect(page.get_by_role("heading", level=1)).to_contain_text("?")
        with page.expect_navigation():
            page.locator("main form button.govuk-button").first.click()
        admin.check(f"admin-bulk-{label}-report")
        expect(page.get_by_role("heading", level=1)).to_contain_text("report")
