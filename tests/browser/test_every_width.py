"""Every page of every role at 320, 390, 820 and 1366 CSS px (tests/browser/widths.py): no
horizontal scrolling (WCAG 2.2 1.4.10 Reflow) and no axe violations (WCAG 2.2 A and AA,
target size) at any width.

The full sweep crawls each role's pages over the demo EPAO and is a `sweep` (`make
test-sweeps`); a smoke sample of the pages most used on a phone and a laptop runs in the
normal suite."""

from __future__ import annotations

from typing import Any

import pytest

from openepa.demo import DEMO_PASSWORD
from tests.browser.visitor import AXE
from tests.browser.widths import Sweep, crawl
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("admin", "assessor", "iqa", "apprentice", "employer", "provider")


@pytest.fixture
def demo(db: Any) -> None:
    seed_small_demo()


def signed_in(browser: Any, base_url: str, who: str) -> Any:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=True,  # to inject axe-core; the pages still send their CSP
    )
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(f"{who}@demo.openepa.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.sweep
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_at_every_width(browser: Any, live_server: Any, demo: None, role):
    page = signed_in(browser, live_server.url, role)
    sweep = Sweep(role)
    crawl(page, live_server.url, sweep)
    page.context.close()
    # The crawl really went somewhere: the home page and more than it.
    assert "web:home" in sweep.visited.values()
    assert len(sweep.visited) > 2, sweep.visited
    assert sweep.problems == [], (
        f"{len(sweep.problems)} problems on {len(sweep.visited)} pages of the {role}:\n"
        + "\n".join(sweep.problems)
    )


def test_a_sample_of_pages_on_a_phone_and_a_laptop(browser: Any, live_server: Any, demo: None):
    """The normal suite's smoke sample: lists of results, cases, certificates and emails, and
    the apprentice's result, which the issue found 556 px wide on a phone."""
    samples = {
        "admin": [
            "/results/",
            "/cases/",
            "/certificates/",
            "/notifications/outbox/",
            "/search/?q=ada",
            "/audit/",
        ],
        "apprentice": ["/"],
    }
    problems: list[str] = []
    for role, paths in samples.items():
        page = signed_in(browser, live_server.url, role)
        sweep = Sweep(role)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None, (role, path)
            assert response.status == 200, (role, path)
            sweep.check(page, path, widths=(320, 1366))
        if role == "apprentice":
            page.get_by_role("link", name="Your EPA result").first.click()
            page.wait_for_load_state()
            assert "/results/" in page.url
            sweep.check(page, page.url.removeprefix(live_server.url), widths=(320, 1366))
        problems += sweep.problems
        page.context.close()
    assert problems == [], "\n".join(problems)
