"""The Ofqual data returns page in Chromium with axe (WCAG 2.2 A and AA, Visitor.check):
empty, then with the demo EPAO's outcomes return made and checked, as its admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.forms import fill_date
from tests.browser.test_context_pages import signed_in
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: Any) -> None:
    seed_small_demo()


def test_the_admin_makes_and_checks_a_return(visit: Any, demo: None) -> None:
    admin = signed_in(visit, "admin")
    admin.goto("/results/ofqual-returns/", "admin-ofqual-returns")
    page = admin.page
    page.get_by_label("End-point assessment outcomes").check()
    today = timezone.localdate()
    fill_date(page, "First day of the period", (today - timedelta(days=365)).isoformat())
    fill_date(page, "Last day of the period", today.isoformat())
    fill_date(page, "Reporting date", (today + timedelta(days=14)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Make and check the return").click()
    admin.check("admin-ofqual-returns-checked")
    expect(page.get_by_text("Every row keeps the published rules.")).to_be_visible()
    expect(page.get_by_role("link", name="Download the return (CSV)")).to_be_visible()
