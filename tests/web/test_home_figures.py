"""The home page that steers (issue 17 §1): each role's figures, each a link to the list of
exactly what it counts; the admin's charts drawn as SVG with their numbers in a table; and
the page's queries the same whatever the amount of work (three times the rows, the same
queries, for every role)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import Membership, Role, User
from openepa.assessments.models import Attempt
from openepa.bookings.models import Booking
from openepa.cases.models import Case
from openepa.domain.journey import State
from openepa.enrolments.models import Apprentice, Enrolment
from openepa.quality.models import IqaSample
from openepa.results.models import OverallResult
from openepa.results.overview import MONTHS, first_of_month, week_end
from tests.personas import person

pytestmark = pytest.mark.django_db

METHODS = ("showcase", "observation", "discussion")
GRADES = ("fail", "pass", "distinction")
STATES = (
    State.GATEWAY_SUBMITTED,
    State.PLANNING,
    State.IN_ASSESSMENT,
    State.AWAITING_RESULTS,
    State.RESULTS_ISSUED,
    State.REGISTERED,
)


def pile(world: Any, n: int, start: int = 0) -> None:
    """`n` more units of work in the world's EPAO, written directly (not through the
    actions: only their rows matter here). Each unit: an apprentice of the world's
    employer and provider in a state of STATES, a submitted marking sheet by an assessor of
    its own (so the assessors outnumber the chart's top few), its IQA sample waiting, a
    result (every other one released, the rest due around today), an open enquiry about
    the released ones, and a booking of the world's assessor and apprentice today."""
    today = timezone.localdate()
    now = timezone.now()
    template = world.enrolment
    for i in range(start, start + n):
        apprentice = Apprentice.objects.create(
            uln=f"98{i:08d}",
            given_name="Piled",
            family_name=f"Apprentice{i:04d}",
            date_of_birth=template.apprentice.date_of_birth,
        )
        enrolment = Enrolment.objects.get(pk=template.pk)
        enrolment.pk = None
        enrolment.apprentice = apprentice
        enrolment.state = STATES[i % len(STATES)].value
        enrolment.gateway_accepted_on = today - timedelta(days=40 + i)
        enrolment.save()
        assessor = person(f"piled{i}@northern.example", f"Piled Assessor {i}", world.epao,
                          Role.ASSESSOR)  # fmt: skip
        method = METHODS[i % 3]
        booking = Booking.objects.create(
            enrolment=enrolment, method=method, starts_at=now - timedelta(days=3),
            duration_minutes=60, assessor=assessor, created_by=world.admin,
        )  # fmt: skip
        attempt = Attempt.objects.create(
            enrolment=enrolment, booking=booking, method=method, number=1, kind="first",
            assessor=assessor, status=Attempt.Status.SUBMITTED, assessed_on=today - timedelta(days=3),
            submitted_at=now, method_grade=GRADES[i % 3],
        )  # fmt: skip
        IqaSample.objects.create(attempt=attempt, reason="rate", explanation="Drawn", draw=1)
        released = i % 2 == 1
        result = OverallResult.objects.create(
            enrolment=enrolment, grade=GRADES[i % 3], methods={},
            last_component_on=today - timedelta(days=3),
            due_on=today + timedelta(days=(i % 5) - 2),
            released_at=now if released else None,
        )  # fmt: skip
        if released:
            Case.objects.create(
                enrolment=enrolment, kind="enquiry", result=result, raised_by=world.admin,
                raised_on=today - timedelta(days=10 * (i % 4)), grounds="Piled",
            )  # fmt: skip
        Booking.objects.create(
            enrolment=template, method=METHODS[i % 3], starts_at=now + timedelta(minutes=5),
            duration_minutes=60, assessor=world.assessor, created_by=world.admin,
        )  # fmt: skip


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figure(html: str, label: str) -> tuple[str, str]:
    """The number and the link of the figure labelled `label`."""
    found = re.search(
        r'<a class="govuk-link app-figures__link" href="([^"]+)"><span class="app-figures__value">'
        r"([^<]+)</span> <span class=\"app-figures__label\">" + re.escape(label),
        html,
    )
    assert found is not None, label
    return found.group(2), found.group(1).replace("&amp;", "&")


def test_the_admins_figures_count_the_work_and_link_to_it(world):
    pile(world, 12)
    admin = signed_in(world.admin)
    html = admin.get("/").content.decode()
    today = timezone.localdate()
    results = OverallResult.objects.filter(enrolment__epao=world.epao, released_at__isnull=True)
    due = [r.due_on for r in results if r.due_on is not None]
    this_week = sum(1 for d in due if today <= d <= week_end(today))
    overdue = sum(1 for d in due if d < today)

    value, href = figure(html, "results due for release this week")
    assert value == str(this_week)
    assert href == "/results/?due=week"
    listed = admin.get(href).content.decode()
    assert f"{this_week} result{'s' if this_week != 1 else ''} due this week." in listed
    if overdue:
        assert f"{overdue} overdue" in html
        assert (
            f"{overdue} result{'s' if overdue != 1 else ''} overdue."
            in admin.get("/results/?due=overdue").content.decode()
        )

    value, href = figure(html, "gateway reviews waiting")
    assert value == "2"  # units 0 and 6
    assert href == "/enrolments/pipeline?state=gateway_submitted"
    value, href = figure(html, "apprentices with assessments to book")
    assert value == "2"
    value, href = figure(html, "IQA samples not signed off")
    assert (value, href) == ("12", "/iqa/")
    assert "12 samples waiting." in admin.get(href).content.decode()
    value, href = figure(html, "enquiries and appeals open")
    assert (value, href) == ("6", "/cases/")
    assert "open more than 28 days" in html  # units raised 30 days ago
    value, href = figure(html, "certificates ready to request")
    assert href == "/certificates/"


def test_the_admins_charts_are_svg_with_their_numbers(world):
    pile(world, 12)
    html = signed_in(world.admin).get("/").content.decode()
    charts = re.findall(r"<svg class=\"app-chart__svg\"[^>]*>", html)
    assert len(charts) == 5
    for svg in charts:
        assert 'role="img"' in svg
        assert 'width="100%"' in svg
        assert 'viewBox="0 0 360 ' in svg
    for title in (
        "The pipeline: apprentices by state",
        "Results due for release over the next 10 working days",
        "Days from gateway to result, by month of release",
        "Grades by method, last twelve months",
        "Grades by assessor, the 8 with most decisions",
    ):
        assert f">{title}</title>" in html, title
        assert f"{title} (" in html, title  # the table's caption
    # The numbers in words on the bars, not colour alone: each grade is named.
    assert re.search(r">Distinction: \d+</text>", html)
    # Grades by method: 12 sheets, 4 of each grade, one method each in turn.
    table = html[html.index("Grades by method, last twelve months (") :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header"[^>]*>([^<]+)</th>(.*?)</tr>', table
    )
    assert [r[0] for r in rows] == [
        "Apprentice showcase",
        "Practical observation",
        "Professional discussion",
    ]
    numbers = [re.findall(r">(\d+)</td>", r[1]) for r in rows]
    assert numbers == [["4", "0", "0"], ["0", "4", "0"], ["0", "0", "4"]]
    # 12 assessors marked: the 8 busiest are drawn, the report has every one.
    assert "Every assessor (12) in the consistency report" in html
    # Turnaround: released today, accepted at gateway 41, 43, … 51 days before.
    month = timezone.localdate().strftime("%B %Y")
    assert f"{month} (6 results)" in html
    assert re.search(rf"In {month}, 6 results: median 45 days, 90th percentile 51 days\.", html)


def test_each_role_sees_its_own_figures(world):
    pile(world, 6)
    pages = {
        name: signed_in(user).get("/").content.decode()
        for name, user in world.personas().items()
        if user is not None
    }
    value, href = figure(pages["assessor"], "assessments today")
    assert (value, href) == ("6", "/bookings/mine/")
    figure(pages["assessor"], "more assessments this week")
    figure(pages["assessor"], "marking sheets to finish")
    assert figure(pages["iqa"], "samples waiting for your review") == ("6", "/iqa/")
    for party in ("employer", "provider"):
        value, href = figure(pages[party], "apprentices ready to submit for gateway")
        assert (value, href) == ("2", "/enrolments/?stage=gateway")  # world's own + unit 5
        assert figure(pages[party], "apprentices planned or booked for assessment")[0] == "2"
        assert figure(pages[party], "apprentices with results issued")[0] == "1"
    assert figure(pages["apprentice"], "assessments booked for you") == ("6", "/enrolments/")
    # Nobody else sees the admin's figures or charts; another EPAO's admin sees their own.
    for name, html in pages.items():
        if name not in ("admin", "outsider_admin"):
            assert "gateway reviews waiting" not in html, name
            assert "app-chart__svg" not in html, name
    assert figure(pages["outsider_admin"], "gateway reviews waiting")[0] == "0"
    assert figure(pages["outsider_admin"], "IQA samples not signed off")[0] == "0"
    # The employer's figure lists exactly those apprentices.
    erin = signed_in(world.employer_user)
    listed = erin.get("/enrolments/?stage=gateway").content.decode()
    assert "Showing: Ready to submit for gateway." in listed
    assert "Apprentice0005" in listed
    assert "Apprentice0001" not in listed


def _queries(client: Client) -> int:
    """The page's queries with every figure counted afresh (nothing kept from before)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_every_home_page_takes_the_same_queries_with_three_times_the_work(world):
    pile(world, 6)
    personas = {k: v for k, v in world.personas().items() if v is not None}
    before = {name: _queries(signed_in(user)) for name, user in personas.items()}
    pile(world, 12, start=6)
    after = {name: _queries(signed_in(user)) for name, user in personas.items()}
    assert after == before


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (date(2026, 11, 27), date(2025, 12, 1)),
        (date(2027, 1, 1), date(2026, 2, 1)),
        (date(2028, 2, 29), date(2027, 3, 1)),
    ],
)
def test_the_turnaround_chart_covers_twelve_months(today: date, first: date) -> None:
    assert first_of_month(today, back=MONTHS - 1) == first


def _sampled(html: str) -> str:
    return figure(html, "IQA samples not signed off")[0]


def test_the_admins_figures_are_kept_a_minute_and_the_page_says_since_when(world, settings):
    """Counted once for every admin of the EPAO, shown with the time they were counted, and
    counted again once the minute has passed; the lists below are kept with them
    (tests/web/test_home_kept.py)."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 3)
    admin = signed_in(world.admin)
    with CaptureQueriesContext(connection) as first:
        html = admin.get("/").content.decode()
    assert _sampled(html) == "3"
    counted = timezone.localtime()
    assert re.search(
        r"figures, charts and lists as of \d\d:\d\d, counted again every minute and after "
        r"each change you make\.",
        html,
    )
    assert (
        f"as of {counted:%H:%M}" in html or f"as of {counted - timedelta(minutes=1):%H:%M}" in html
    )
    pile(world, 2, start=3)
    colleague = signed_in(
        person("colin@northern.example", "Colin Colleague", world.epao, Role.EPAO_ADMIN)
    )
    with CaptureQueriesContext(connection) as kept:
        html = colleague.get("/").content.decode()
    assert _sampled(html) == "3"  # as counted, for every admin of the EPAO
    assert len(kept) < len(first)
    assert "Apprentice0004" not in html  # the lists as counted: the newest sample not yet
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        html = admin.get("/").content.decode()
    assert _sampled(html) == "5"
    assert "Apprentice0004" in html


def test_without_keeping_the_figures_are_counted_for_each_request(world, settings):
    settings.OPENEPA_HOME_FIGURES_SECONDS = 0
    pile(world, 3)
    admin = signed_in(world.admin)
    html = admin.get("/").content.decode()
    assert _sampled(html) == "3"
    assert "counted again" not in html
    pile(world, 2, start=3)
    assert _sampled(admin.get("/").content.decode()) == "5"


def test_an_admins_own_figures_are_never_shown_to_another_admin(world, settings):
    """An admin who also assesses sees their own assessments; the EPAO's kept figures are
    counted as an admin alone, so a colleague never sees them."""
    settings.OPENEPA_HOME_FIGURES_SECONDS = 60
    pile(world, 2)
    Membership.objects.create(user=world.admin, organisation=world.epao, role=Role.ASSESSOR)
    html = signed_in(world.admin).get("/").content.decode()
    assert figure(html, "IQA samples not signed off")[0] == "2"
    assert figure(html, "marking sheets to finish")[0] == "0"
    colleague = person("colin@northern.example", "Colin Colleague", world.epao, Role.EPAO_ADMIN)
    html = signed_in(colleague).get("/").content.decode()
    assert figure(html, "IQA samples not signed off")[0] == "2"
    assert "marking sheets to finish" not in html
    assert "assessments today" not in html
