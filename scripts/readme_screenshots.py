"""Take the README's screenshots of the demo EPAO (docs/screenshots/), as each role sees it.

    .venv/bin/python scripts/readme_screenshots.py [--apprentices 200] [--set before|after]

With --set NAME it takes instead the three full-page shots that compare the design before and
after a change (docs/screenshots/NAME/): the admin home at 1366 px, the assessor's marking
sheet on a tablet (820 px) and the apprentice's result on a phone (390 px).

Builds the demo in a throwaway SQLite file, serves it with runserver on a free port, signs in
as each demo user in Debian's Chromium and saves one viewport-sized PNG per main screen.
Nothing touches the developer's own database."""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "demo-password-2026"
DESKTOP = {"width": 1280, "height": 860}
TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def sign_in(page: Page, base: str, who: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(f"{who}@demo.openepa.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shoot(page: Page, name: str, folder: Path = OUT, full_page: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(path.relative_to(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apprentices", type=int, default=200)
    parser.add_argument("--set", help="take the before/after trio into docs/screenshots/SET/")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3"}
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_reference_data", "-v", "0")
        manage(env, "seed_demo", "--apprentices", str(args.apprentices))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base, timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            if args.set:
                comparison(base, OUT / args.set)
            else:
                screens(base)
        finally:
            server.terminate()


def open_marking_sheet(page: Page, base: str) -> None:
    """From the assessor's own bookings, the first booking that has a marking sheet."""
    page.goto(f"{base}/bookings/mine/")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    page.locator("main a", has_text=re.compile("marking sheet", re.I)).first.click()
    page.wait_for_load_state()


def comparison(base: str, folder: Path) -> None:
    """The three full-page shots that compare one design with another."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def as_(who: str, viewport: dict[str, int]) -> Page:
            page = browser.new_context(viewport=viewport).new_page()  # type: ignore[arg-type]
            sign_in(page, base, who)
            return page

        shoot(as_("admin", WIDE), "admin-home-1366", folder, full_page=True)
        assessor = as_("assessor", TABLET)
        open_marking_sheet(assessor, base)
        shoot(assessor, "assessor-marking-sheet-820", folder, full_page=True)
        apprentice = as_("apprentice", PHONE)
        apprentice.get_by_role("link", name="Your EPA result").first.click()
        apprentice.wait_for_load_state()
        shoot(apprentice, "apprentice-result-390", folder, full_page=True)
        browser.close()


def screens(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def as_(who: str, viewport: dict[str, int] = DESKTOP) -> Page:
            page = browser.new_context(viewport=viewport).new_page()  # type: ignore[arg-type]
            sign_in(page, base, who)
            return page

        admin = as_("admin")
        shoot(admin, "admin-home")
        # The home page's charts, each with its numbers opened below it.
        admin.evaluate("document.getElementById('charts-title').scrollIntoView()")
        admin.evaluate("window.scrollBy(0, -20)")
        shoot(admin, "admin-home-charts")
        admin.goto(f"{base}/audit/")
        admin.get_by_role("navigation", name="Main").locator("summary", has_text="More").click()
        shoot(admin, "admin-audit-log")
        admin.goto(f"{base}/enrolments/pipeline")
        shoot(admin, "admin-pipeline")
        admin.goto(f"{base}/results/")
        shoot(admin, "admin-results")
        admin.goto(f"{base}/assessors/consistency/")
        shoot(admin, "admin-consistency-report")
        admin.goto(f"{base}/scheduling/outlook/")
        shoot(admin, "admin-capacity-outlook")

        assessor = as_("assessor", TABLET)
        shoot(assessor, "assessor-home")
        open_marking_sheet(assessor, base)
        shoot(assessor, "assessor-marking-sheet")
        assessor.go_back()
        assessor.wait_for_load_state()
        shoot(assessor, "assessor-booking")
        assessor.goto(f"{base}/bookings/calendar/?view=week")
        shoot(assessor, "assessor-calendar-week")
        phone = as_("assessor", PHONE)
        open_marking_sheet(phone, base)
        # Down to the criteria, where the folded grade preview sits at the foot of the screen.
        phone.locator("#timing-title").scroll_into_view_if_needed()
        phone.evaluate("window.scrollBy(0, 600)")
        shoot(phone, "assessor-marking-sheet-phone")

        iqa = as_("iqa")
        iqa.goto(f"{base}/iqa/")
        shoot(iqa, "iqa-queue")

        apprentice = as_("apprentice", PHONE)
        apprentice.get_by_role("link", name="Your EPA result").first.click()
        apprentice.wait_for_load_state()
        shoot(apprentice, "apprentice-result")

        provider = as_("provider")
        shoot(provider, "provider-home")
        browser.close()


if __name__ == "__main__":
    main()
