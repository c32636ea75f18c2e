"""Every page at every width: the pages each role reaches by following links from its home
page on the demo EPAO, each looked at 320, 390, 820 and 1366 CSS px wide for horizontal
overflow (WCAG 2.2 1.4.10 Reflow) and with axe-core (WCAG 2.2 A and AA, target size).

The pages are found by crawling rather than listed by hand, so a page added later is swept
without anyone remembering to add it: breadth first from "/", following the same-origin
links a person can follow (not downloads, not sign out), at most ``PER_ROUTE`` pages of each
URL pattern (one booking's page stands for every booking's)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from tests.browser.visitor import AXE_OPTIONS

#: The widths every page must work at: the narrowest phone WCAG names (320), a common phone
#: (390), a tablet held upright (820) and a common laptop (1366).
WIDTHS = (320, 390, 820, 1366)
HEIGHT = 900
#: Pages of each URL pattern looked at; the next ones differ only in their data.
PER_ROUTE = 1
#: URL names that are not pages: files, and answers for machines.
NOT_PAGES = {"web:healthz", "accounts:logout"}
#: (A list's download has no `download` attribute: past a size its link answers a page
#: offering to prepare the file, openepa.core.downloads; a prepared file is at ".../file".)
NOT_PAGE_SUFFIXES = (".csv", ".xlsx", ".json", ".pdf", "/download", "/file")

#: Links a person can follow in the page: same origin, not a download, not a fragment.
LINKS_JS = """() => [...document.querySelectorAll('a[href]')]
  .filter((a) => !a.hasAttribute('download') && a.origin === location.origin)
  .map((a) => a.pathname + a.search)"""

#: How far the page scrolls sideways, and the elements that stick out of the viewport
#: (outermost first; hidden text for screen readers and the skip link are allowed off screen).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const hidden = '.visually-hidden, .govuk-visually-hidden, .skip-link, .govuk-skip-link';
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest(hidden)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 || box.left < -1 || box.width > width + 1) {
      if (out.some((o) => o.el.contains(el))) continue;
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      out.push({el, text: `${name} ${Math.round(box.left)}..${Math.round(box.right)}`});
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    wide: out.slice(0, 5).map((o) => o.text),
  };
}"""


def route_of(path: str) -> str | None:
    """The URL name of a page, or None for what is not a page to sweep."""
    if path.split("?")[0].endswith(NOT_PAGE_SUFFIXES):
        return None
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    name = match.view_name
    return None if name in NOT_PAGES else name


@dataclass
class Sweep:
    """What one role's sweep found."""

    role: str
    visited: dict[str, str] = field(default_factory=dict)  # path -> URL name
    problems: list[str] = field(default_factory=list)

    def check(self, page: Any, path: str, widths: tuple[int, ...] = WIDTHS) -> None:
        """The page, already loaded, at each width: overflow and axe."""
        for width in widths:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow["scrollWidth"] > overflow["innerWidth"] or overflow["wide"]:
                self.problems.append(
                    f"{self.role} {path} at {width} px: {overflow['scrollWidth']} px wide; "
                    + "; ".join(overflow["wide"])
                )
            result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            for violation in result["violations"]:
                targets = [n["target"] for n in violation["nodes"]][:3]
                self.problems.append(
                    f"{self.role} {path} at {width} px: axe {violation['id']} on {targets}"
                )


def crawl(page: Any, base_url: str, sweep: Sweep, limit: int = 80) -> None:
    """Breadth first from the home page, checking each new kind of page at every width."""
    seen_routes: dict[str, int] = {}
    queue: deque[str] = deque(["/"])
    queued = {"/"}
    while queue and len(sweep.visited) < limit:
        path = queue.popleft()
        route = route_of(path)
        if route is None or seen_routes.get(route, 0) >= PER_ROUTE:
            continue
        response = page.goto(base_url + path)
        if response is None or response.status != 200 or not page.url.startswith(base_url):
            continue
        landed = page.url.removeprefix(base_url)
        seen_routes[route] = seen_routes.get(route, 0) + 1
        sweep.visited[landed] = route
        sweep.check(page, landed)
        for link in page.evaluate(LINKS_JS):
            if link not in queued and route_of(link) is not None:
                queued.add(link)
                queue.append(link)
