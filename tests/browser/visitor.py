"""A person's browser tab in the browser tests, and the checks run on every page it visits:
axe-core (from package-lock.json, WCAG 2.2 A and AA with the target-size rule), targets of at
least 24 px, a visible focus on every focusable element, and a screenshot of each step."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
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
#: axe ships target-size (WCAG 2.5.8, tagged wcag22aa) disabled by default: turn it on.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
DESKTOP = {"width": 1280, "height": 900}
#: A tablet held upright (iPad Air), as assessors mark on.
TABLET = {"width": 820, "height": 1180}

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# while one is running unless told that this (single-threaded test) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Everything a target may be; what WCAG 2.5.8 (Target Size, Minimum) is about.
TARGETS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button],"
    " [tabindex]:not([tabindex='-1'])"
)

# Targets smaller than 24 by 24 CSS pixels, except links inside a sentence (WCAG 2.5.8's
# "inline" exception). Stricter than axe, which also accepts small targets spaced apart
# and leaves obscured ones "to review".
SMALL_TARGETS_JS = """(selector) => {
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
    if (!block) return false;
    const other = [...block.childNodes].filter((n) => n !== el && !n.contains?.(el))
      .map((n) => n.textContent).join('');
    return /[A-Za-z0-9]/.test(other);
  };
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    // Hidden until focused: the skip link, and text for screen readers only.
    if (el.closest('.govuk-visually-hidden') || el.classList.contains('govuk-skip-link')) continue;
    if (inSentence(el)) continue;
    if (box.width < 24 || box.height < 24) {
      small.push(`${el.outerHTML.slice(0, 120)}: ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
    }
  }
  return small;
}"""

# Focus each focusable element in turn and read its computed style: a visible outline or
# box shadow (WCAG 2.4.7 Focus Visible). Focus goes back where it was afterwards.
FOCUS_NOT_VISIBLE_JS = """(selector) => {
  const before = document.activeElement;
  // GOV.UK Frontend makes an element it focuses (the error summary, a banner) focusable
  // only until it loses focus: keep that so focus can go back to it.
  const beforeTabIndex = before && before.getAttribute('tabindex');
  const missing = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.getClientRects().length === 0) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    if (!outline && style.boxShadow === 'none') missing.push(el.outerHTML.slice(0, 120));
  }
  if (before && before !== document.body) {
    if (beforeTabIndex !== null && !before.hasAttribute('tabindex')) {
      before.setAttribute('tabindex', beforeTabIndex);
    }
    before.focus({preventScroll: true});
  } else {
    // Nothing had focus: leave the next Tab starting from the top of the page again.
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus({preventScroll: true});
    start.remove();
  }
  return missing;
}"""

#: Every page checked in this session: written to test-artifacts/accessibility.json.
CHECKED: list[dict[str, Any]] = []


class Steps:
    """Numbers the steps of one test across every person's tab, for the screenshots."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count


class Visitor:
    """One person's browser tab, with an accessibility check and a screenshot at every step."""

    def __init__(self, page: Any, base_url: str, name: str, steps: Steps) -> None:
        self.page = page
        self.base_url = base_url
        self.name = name
        self.steps = steps
        self.checked: list[str] = []

    def goto(self, path: str, label: str | None = None) -> None:
        self.page.goto(self.base_url + path)
        self.check(label or path)

    def screenshot(self, path: Path) -> None:
        """A full-page screenshot, asked for twice if Chromium refuses the first.

        Chromium now and then answers a capture with "Unable to capture screenshot" and takes
        the same picture when asked again a moment later (seen once in CI, on a page that had
        just loaded). The picture is evidence, not the check, so one refusal is not a failure;
        any other error, or a second refusal, still is."""
        try:
            self.page.screenshot(path=str(path), full_page=True)
        except PlaywrightError as refused:
            if "Unable to capture screenshot" not in str(refused):
                raise
            self.page.wait_for_timeout(250)
            self.page.screenshot(path=str(path), full_page=True)

    def check(self, label: str) -> None:
        """Screenshot the page, then check it: axe (WCAG 2.2 A/AA), target sizes, focus."""
        step = self.steps.next()
        slug = re.sub(r"[^a-z0-9]+", "-", f"{step:02d}-{self.name}-{label}".lower()).strip("-")
        self.screenshot(SCREENSHOTS / f"{slug}.png")
        result = self.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        ran = {
            r["id"]
            for kind in ("violations", "passes", "incomplete", "inapplicable")
            for r in result[kind]
        }
        assert "target-size" in ran, "axe did not run its target-size rule"
        violations = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        small = self.page.evaluate(SMALL_TARGETS_JS, TARGETS)
        unfocused = self.page.evaluate(FOCUS_NOT_VISIBLE_JS, TARGETS)
        self.checked.append(self.page.url)
        CHECKED.append(
            {
                "screenshot": f"{slug}.png",
                "url": self.page.url.removeprefix(self.base_url),
                "axe_violations": len(violations),
                "small_targets": len(small),
                "focus_not_visible": len(unfocused),
            }
        )
        assert violations == [], (
            f"axe found violations on {self.page.url}:\n{json.dumps(violations, indent=2)}"
        )
        assert small == [], f"targets under 24x24 px on {self.page.url}:\n" + "\n".join(small)
        assert unfocused == [], f"no visible focus on {self.page.url}:\n" + "\n".join(unfocused)
