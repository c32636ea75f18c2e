"""The browser tests' screenshot asks Chromium again after one refusal, and only then."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.visitor import Steps, Visitor

REFUSED = "Page.screenshot: Protocol error (Page.captureScreenshot): Unable to capture screenshot"


class Tab:
    """A page that answers each capture with the next of the given outcomes."""

    def __init__(self, *outcomes: str | None) -> None:
        self.outcomes = list(outcomes)
        self.taken: list[str] = []
        self.waited = 0

    def screenshot(self, path: str, full_page: bool) -> None:
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise PlaywrightError(outcome)
        self.taken.append(path)

    def wait_for_timeout(self, ms: int) -> None:
        self.waited += ms


def visitor(page: Any) -> Visitor:
    return Visitor(page, "http://testserver", "assessor", Steps())


def test_one_refusal_is_asked_again(tmp_path: Path) -> None:
    tab = Tab(REFUSED, None)
    visitor(tab).screenshot(tmp_path / "a.png")
    assert tab.taken == [str(tmp_path / "a.png")]
    assert tab.waited == 250


def test_a_second_refusal_fails(tmp_path: Path) -> None:
    with pytest.raises(PlaywrightError, match="Unable to capture screenshot"):
        visitor(Tab(REFUSED, REFUSED)).screenshot(tmp_path / "a.png")


def test_any_other_error_fails_at_once(tmp_path: Path) -> None:
    tab = Tab("Target page, context or browser has been closed", None)
    with pytest.raises(PlaywrightError, match="has been closed"):
        visitor(tab).screenshot(tmp_path / "a.png")
    assert tab.outcomes == [None]
