"""Browser tests: Python Playwright driving Debian's Chromium against Django's live server.

Never downloads a browser: Chromium comes from Debian (`scripts/ensure-browser-tools`).
Accessibility is checked with axe-core (from package-lock.json) on every page visited.
Screenshots of each step are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
#: WCAG 2.2 A and AA, and the earlier levels they include.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# while one is running unless told that this (single-threaded test) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: run scripts/ensure-browser-tools (make test does)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class Visitor:
    """One person's browser tab, with an axe check and a screenshot at every step."""

    def __init__(self, page: Any, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.checked: list[str] = []

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check(path)

    def check(self, label: str) -> None:
        """Run axe on the current page (WCAG 2.2 A/AA) and save a screenshot."""
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name}-{self.step:02d}-{label}".lower()).strip("-")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        self.checked.append(self.page.url)
        assert violations == [], (
            f"axe found violations on {self.page.url}:\n{json.dumps(violations, indent=2)}"
        )


@pytest.fixture
def visit(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_tab(name: str, viewport: dict[str, int] | None = None) -> Visitor:
        # bypass_csp lets the test inject axe-core; the app's own pages still send their CSP.
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, bypass_csp=True
        )
        contexts.append(context)
        return Visitor(context.new_page(), live_server.url, name)

    yield open_tab
    for context in contexts:
        context.close()
