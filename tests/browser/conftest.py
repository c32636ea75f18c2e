"""Browser tests: Python Playwright driving Debian's Chromium against Django's live server.

Never downloads a browser: Chromium comes from Debian (`scripts/ensure-browser-tools`).
Every page visited is checked (tests/browser/visitor.py): axe-core with WCAG 2.2 A and AA,
target sizes and visible focus. Screenshots of each step are saved under
test-artifacts/screenshots/ and the list of pages checked in test-artifacts/accessibility.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.visitor import (
    ARTIFACTS,
    AXE,
    CHECKED,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    SCREENSHOTS,
    Steps,
    Visitor,
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: run scripts/ensure-browser-tools (make test does)"
        )
    from playwright.sync_api import sync_playwright

    # The run's controller cleared earlier screenshots (tests/conftest.py).
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    (ARTIFACTS / "accessibility.json").write_text(json.dumps(CHECKED, indent=2) + "\n")


@pytest.fixture
def visit(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []
    steps = Steps()

    def open_tab(name: str, viewport: dict[str, int] | None = None, touch: bool = False) -> Visitor:
        # bypass_csp lets the test inject axe-core; the app's own pages still send their CSP.
        context = browser.new_context(
            viewport=viewport or DESKTOP,
            has_touch=touch,
            locale="en-GB",
            timezone_id="Europe/London",
            bypass_csp=True,
        )
        # axe-core is loaded into every page as it opens: quicker than adding it afterwards.
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        return Visitor(context.new_page(), live_server.url, name, steps)

    yield open_tab
    for context in contexts:
        context.close()
