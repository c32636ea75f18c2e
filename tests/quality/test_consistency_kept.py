"""The consistency report's EPAO totals (its decisions overall and per method, and how many
assessors it lists) are counted once and kept for OPENEPA_HOME_FIGURES_SECONDS, as the
admin home's EPAO figures are (openepa.core.kept): each assessor's row is counted for every
request, a colleague's new decision reaches the EPAO's line once the time has passed, the
viewer's own change at once, and 0 keeps nothing. The page says when they were counted."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from openepa.accounts.models import Role
from tests.personas import person
from tests.results.builders import submit
from tests.web.test_home_figures import signed_in

pytestmark = pytest.mark.django_db

REPORT = "/assessors/consistency/"


def epao_line(html: str) -> str:
    found = re.search(r"EPAO overall: (\d+) decision", html)
    assert found, "the EPAO's line"
    return found.group(1)


def assessors_shown(html: str) -> str:
    found = re.search(r"(\d+) assessors?, by name", html)
    assert found, "the number of assessors"
    return found.group(1)


def decided(world, assessor, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        submit(
            world.enrolment, "showcase", on=date(2026, 10, 1) + timedelta(days=i),
            grade="pass", assessor=assessor,
        )  # fmt: skip


def ians_decisions(html: str) -> str:
    """The decisions on Ian's overall line (the first cell after his name and "Overall")."""
    found = re.search(r"Ian Assessor.*?Overall</td><td[^>]*>(\d+)<", html, re.DOTALL)
    assert found, "Ian's overall line"
    return found.group(1)


def page(client) -> str:
    response = client.get(REPORT)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_colleagues_decision_reaches_the_epaos_line_once_the_time_has_passed(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    decided(world, world.assessor, 2)
    admin = signed_in(world.admin)
    html = page(admin)
    assert epao_line(html) == "2"
    assert "counted again every minute and after each change you make" in html
    decided(world, world.assessor, 1, start=2)  # the assessor's, not the admin's
    html = page(admin)
    assert epao_line(html) == "2"  # as counted
    assert ians_decisions(html) == "3"  # his own row is read for the page
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        html = page(admin)
    assert epao_line(html) == "3"


def test_a_new_assessor_is_counted_after_the_time_or_at_once_without_keeping(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    admin = signed_in(world.admin)
    before = int(assessors_shown(page(admin)))
    person("nia@northern.example", "Nia Newcomer", world.epao, Role.ASSESSOR)
    assert int(assessors_shown(page(admin))) == before
    settings.OPENEPA_HOME_FIGURES_SECONDS = 0
    html = page(admin)
    assert int(assessors_shown(html)) == before + 1
    assert "Nia Newcomer" in html
    assert "counted again every" not in html


def test_the_viewers_own_change_counts_them_again_at_once(world, settings):
    """An IQA who changes something through a page (here: a POST answered with a redirect,
    noted in their session) sees the EPAO's totals counted again on their next look."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    admin = signed_in(world.admin)
    assert epao_line(page(admin)) == "0"
    decided(world, world.assessor, 1)
    assert epao_line(page(admin)) == "0"
    assert admin.post("/accounts/logout/").status_code == 302  # not noted: signed out
    admin = signed_in(world.admin)
    assert epao_line(page(admin)) == "0"
    # A writing request answered with a redirect is noted in the session: recounted.
    notices = admin.post("/notifications/read-all/")
    assert notices.status_code == 302, notices
    assert epao_line(page(admin)) == "1"


def test_no_epao_sees_another_epaos_kept_totals(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    decided(world, world.assessor, 2)
    assert epao_line(page(signed_in(world.admin))) == "2"
    assert epao_line(page(signed_in(world.outsider_admin))) == "0"
