"""A download too long to stream, in Chromium with axe (WCAG 2.2 A and AA, target sizes) at a
phone's and a laptop's width with no sideways scrolling: the page offering to prepare it,
the download's own page once the worker wrote it, and the list of the user's downloads
(openepa.core.downloads, openepa.notifications.prepared). The limit is lowered so that the
demo's pipeline exceeds it; the live server runs in this process, so the setting holds
there too, and the worker's task runs as the request commits."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from openepa.notifications.models import PreparedDownload
from tests.browser.test_every_width import signed_in
from tests.browser.widths import Sweep
from tests.seeded_demo import seed_small_demo

pytestmark = [pytest.mark.browser, pytest.mark.sweep, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 1366)


@pytest.fixture
def demo(db: Any, settings: Any) -> None:
    seed_small_demo()
    settings.OPENEPA_DOWNLOAD_NOW_ROWS = 2
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_long_list_is_offered_prepared_and_listed(
    browser: Any, live_server: Any, demo: None
) -> None:
    admin = signed_in(browser, live_server.url, "admin")
    sweep = Sweep("admin")
    admin.goto(live_server.url + "/enrolments/pipeline")
    # The list's link (no `download` attribute) opens the page offering to prepare it.
    admin.get_by_role("link", name="CSV file").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Prepare the download")
    expect(admin.get_by_text("This download holds more than 2 rows")).to_be_visible()
    sweep.check(admin, "/enrolments/pipeline.csv", widths=WIDTHS)

    with admin.expect_navigation():
        admin.get_by_role("button", name="Prepare the download").click()
    download = PreparedDownload.objects.get()
    assert download.state == PreparedDownload.State.READY
    assert admin.url.endswith(f"/notifications/downloads/{download.pk}/")
    expect(admin.get_by_text(f"Your download is ready: {download.rows} rows")).to_be_visible()
    sweep.check(admin, "/notifications/downloads/<id>/", widths=WIDTHS)

    admin.goto(live_server.url + "/notifications/downloads/")
    expect(admin.get_by_role("link", name="Pipeline (CSV)")).to_be_visible()
    sweep.check(admin, "/notifications/downloads/", widths=WIDTHS)
    admin.context.close()
    assert sweep.problems == []
