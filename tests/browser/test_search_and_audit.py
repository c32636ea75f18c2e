"""The header search and the audit log in Chromium with axe (WCAG 2.2 A and AA, target
sizes, focus), on the demo EPAO (issue 17 §3, §4): searching from the header's box without
any script of ours needed (a GET form), then narrowing the audit log by kind."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.enrolments.models import Enrolment
from tests.browser.test_context_pages import demo as demo  # the demo EPAO fixture, reused
from tests.browser.test_context_pages import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]


def test_search_from_the_header_and_read_the_audit_log(visit: Any, demo: Enrolment) -> None:
    admin = signed_in(visit, "admin")
    family = demo.apprentice.family_name
    box = admin.page.get_by_label("Search by ULN, name, number, employer or provider").first
    box.fill(family)
    with admin.page.expect_navigation():
        box.press("Enter")
    admin.check("admin-search-results")
    expect(admin.page.get_by_role("heading", level=1)).to_contain_text(family)
    expect(admin.page.get_by_role("heading", level=2, name="Apprentices")).to_be_visible()
    expect(admin.page.get_by_role("link", name=demo.apprentice.name).first).to_be_visible()

    admin.goto("/audit/", "admin-audit-log")
    admin.page.get_by_label("Kind").select_option("release_results")
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name="Apply").click()
    admin.check("admin-audit-log-filtered")
    expect(admin.page.get_by_role("cell", name="results were released").first).to_be_visible()

    admin.goto("/search/?q=a", "admin-search-too-short")
    expect(admin.page.get_by_text("Enter a ULN, a number, or a word")).to_be_visible()
