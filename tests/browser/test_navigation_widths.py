"""The header's navigation in Chromium (issue 17): every role's links in one row at a
laptop's 1280 px and at 1366 px, the EPAO admin's occasional lists under "More" (a
disclosure that opens without any script), and the header with "More" open at 320, 390,
820, 1280 and 1366 px with no sideways scrolling and no axe violation (WCAG 2.2 A and AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_width import ROLES, signed_in
from tests.browser.widths import WIDTHS, Sweep
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

LAPTOPS = (1280, 1366)

#: The top of each item of the navigation's row, in CSS px.
ROW_JS = """() => [...document.querySelectorAll('#main-navigation > .govuk-service-navigation__item')]
  .map((li) => Math.round(li.getBoundingClientRect().top))"""


@pytest.fixture
def demo(db: Any) -> None:
    # The small demo (one apprentice per story), copied in on SQLite after its first
    # seeding in the run (tests/seeded_demo.py) instead of played again for each test.
    seed_small_demo()


def test_each_roles_navigation_is_one_row_on_a_laptop(
    browser: Any, live_server: Any, demo: None
) -> None:
    for role in ROLES:
        page = signed_in(browser, live_server.url, role)
        for width in LAPTOPS:
            page.set_viewport_size({"width": width, "height": 900})
            tops = page.evaluate(ROW_JS)
            assert len(tops) > 1, role
            assert len(set(tops)) == 1, f"{role} at {width} px: items at {tops}"
        page.context.close()


def test_the_admin_finds_the_occasional_lists_under_more(
    browser: Any, live_server: Any, demo: None
) -> None:
    admin = signed_in(browser, live_server.url, "admin")
    nav = admin.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Pipeline")).to_be_visible()
    audit = nav.get_by_role("link", name="Audit log")
    expect(audit).to_be_hidden()
    nav.locator("summary", has_text="More").click()
    for name in (
        "Bulk work",
        "Outbox",
        "Register an apprentice",
        "Standardisation",
        "Ofqual returns",
        "Downloads",
    ):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    sweep = Sweep("admin")
    sweep.check(admin, "/ (More open)", widths=(*WIDTHS, 1280))
    admin.set_viewport_size({"width": 1280, "height": 900})
    with admin.expect_navigation():
        audit.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Audit log")
    # The page reached through "More" marks "More" as the current section.
    expect(nav.locator(".app-nav-more.govuk-service-navigation__item--active")).to_have_count(1)
    # Its link, folded away again under "More", still says it is the current page.
    expect(nav.locator("a", has_text="Audit log")).to_have_attribute("aria-current", "page")
    sweep.check(admin, "/audit/", widths=(*WIDTHS, 1280))
    admin.context.close()
    assert sweep.problems == [], "\n".join(sweep.problems)
