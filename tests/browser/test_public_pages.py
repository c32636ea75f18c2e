"""The pages a newcomer sees first, in a real browser, with axe."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from openepa.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", apprentices=2, verbosity=0)


def test_home_and_sign_in_by_keyboard(visit, demo):
    tab = visit("newcomer")
    tab.goto("/")
    assert "Demo EPAO" in tab.page.inner_text("h1")
    tab.goto("/accounts/login/")
    # Keyboard only: the skip link first, then the fields in order.
    tab.page.keyboard.press("Tab")
    assert tab.page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    tab.page.fill("#id_username", "employer@demo.openepa.test")
    tab.page.fill("#id_password", DEMO_PASSWORD)
    with tab.page.expect_navigation():
        tab.page.keyboard.press("Enter")
    tab.page.wait_for_load_state()
    tab.check("employer-home")
    assert "Welcome, Erin Employer" in tab.page.inner_text("h1")


def test_sign_in_error_summary_links_to_the_field(visit, demo):
    tab = visit("wrong-password")
    tab.goto("/accounts/login/")
    tab.page.fill("#id_username", "employer@demo.openepa.test")
    tab.page.fill("#id_password", "not the password")
    with tab.page.expect_navigation():
        tab.page.click("button[type=submit]")
    # Focused on arrival (GOV.UK Frontend's script): checked before the page's checks move
    # focus through every control.
    expect(tab.page.locator(".govuk-error-summary")).to_be_focused()
    tab.check("login-error")
