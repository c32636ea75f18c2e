"""The Ofqual data returns page in Chromium with axe (WCAG 2.2 A and AA, Visitor.check):
empty, then with the demo EPAO's outcomes return made and checked, as its admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from openepa.demo.stories import SCENARIOS
from tests.browser.forms import fill_date
from tests.browser.test_context_pages import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: Any) -> None:
    call_command("seed_demo", apprentices=len(SCENARIOS), verbosity=0)


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
