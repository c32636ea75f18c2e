"""The home page that steers and the notices (issue 17 §1, §6) in Chromium: each role's home
with its figures (and the admin's charts, drawn as SVG, with their tables of numbers
opened), the filtered lists the figures link to, and the notices page, each at 320 and
1366 px with no sideways scrolling and no axe violation (WCAG 2.2 A and AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.accounts.models import User
from openepa.demo.people import demo_email
from openepa.notifications.models import OutboxMessage
from openepa.notifications.notices import add_notice
from tests.browser.test_every_width import signed_in
from tests.browser.widths import Sweep
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: Any) -> None:
    seed_small_demo()


def notices_for(email: str, n: int) -> None:
    """`n` notices, as the outbox writes them (the demo's emails wait for the worker)."""
    user = User.objects.get(email=email)
    for i in range(n):
        message = OutboxMessage.objects.create(
            kind="results_issued", key=f"browser:{i}", recipient=email,
            subject=f"Results issued: apprentice {i}", text_body="", html_body="",
        )  # fmt: skip
        add_notice(message, user=user, url="/")


def test_each_home_its_figures_lists_and_the_notices(
    browser: Any, live_server: Any, demo: None
) -> None:
    notices_for(demo_email("admin"), 3)
    problems: list[str] = []
    admin = signed_in(browser, live_server.url, "admin")
    sweep = Sweep("admin")
    expect(admin.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(admin.get_by_role("img", name="The pipeline: apprentices by state")).to_be_visible()
    # Every chart's numbers, opened, are checked too.
    for summary in admin.locator(".app-chart summary").all():
        summary.click()
    sweep.check(admin, "/", widths=(320, 1366))
    for path in ("/results/?due=week", "/iqa/", "/enrolments/pipeline?state=gateway_submitted"):
        response = admin.goto(live_server.url + path)
        assert response is not None, path
        assert response.status == 200, path
        sweep.check(admin, path, widths=(320, 1366))
    admin.goto(live_server.url + "/")
    expect(admin.locator(".app-count")).to_have_text("3")
    admin.get_by_role("link", name="Notices").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Notices")
    sweep.check(admin, "/notifications/", widths=(320, 1366))
    # A notice's title is a button: opening it (a POST) marks it read and goes to its page.
    with admin.expect_navigation():
        admin.get_by_role("button", name="Results issued: apprentice 2", exact=True).click()
    expect(admin.locator(".app-count")).to_have_text("2")
    admin.get_by_role("link", name="Notices").click()
    # Its details page is read without marking anything.
    admin.get_by_role("link", name="Results issued: apprentice 1").click()  # Details
    expect(admin.get_by_role("heading", level=1)).to_have_text("Results issued: apprentice 1")
    sweep.check(admin, "/notifications/<id>/", widths=(320, 1366))
    expect(admin.locator(".app-count")).to_have_text("2")
    admin.get_by_role("button", name="Mark as read").click()
    expect(admin.locator(".app-count")).to_have_text("1")
    admin.get_by_role("button", name="Mark all as read").click()
    expect(admin.locator(".app-count")).to_have_count(0)
    problems += sweep.problems
    admin.context.close()
    for role in ("assessor", "iqa", "employer", "provider", "apprentice"):
        page = signed_in(browser, live_server.url, role)
        expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
        role_sweep = Sweep(role)
        role_sweep.check(page, "/", widths=(320, 1366))
        problems += role_sweep.problems
        page.context.close()
    assert problems == [], "\n".join(problems)
