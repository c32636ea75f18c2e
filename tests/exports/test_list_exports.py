"""The results, IQA queue, open cases and assessor's bookings download as CSV and XLSX with
the page's rows in the page's order (issue 17 §4): each list built with an apprentice whose
name a spreadsheet would run, read through its page and its downloads as the person who
reads them, refused (404) to every other role and to another EPAO's admin."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.cases.models import Case
from openepa.quality.models import IqaSample
from openepa.results.models import OverallResult
from tests.enrolments.helpers import add_apprentice, book, result
from tests.exports.helpers import column, csv_rows, xlsx_rows
from tests.results.builders import submit

pytestmark = pytest.mark.django_db

HOSTILE = "=cmd|' /C calc'!A0"


def _people(world, n):
    return [
        add_apprentice(world, given=HOSTILE if i == 0 else f"Given{i}", family=f"Row{n}x{i}")
        for i in range(n)
    ]


def build_results(world, n):
    today = timezone.localdate()
    for i, enrolment in enumerate(_people(world, n)):
        result(enrolment, due_on=None if i == 1 else today + timedelta(days=3 - i))


def build_samples(world, n):
    for i, enrolment in enumerate(_people(world, n)):
        attempt = submit(
            enrolment, "showcase", on=date(2026, 1, 5) + timedelta(days=i), assessor=world.assessor
        )
        IqaSample.objects.create(
            attempt=attempt, reason="rate", explanation=f"draw {i}", draw=i, grade="pass"
        )


def build_cases(world, n):
    today = timezone.localdate()
    for enrolment in _people(world, n):
        released = OverallResult.objects.create(
            enrolment=enrolment,
            grade="fail",
            methods={},
            last_component_on=today,
            released_at=timezone.now(),
        )
        Case.objects.create(
            enrolment=enrolment,
            kind="enquiry",
            result=released,
            raised_by=world.employer_user,
            raiser_organisation=world.employer,
            raised_on=today,
            grounds="Private grounds",
        )


def build_bookings(world, n):
    for i, enrolment in enumerate(_people(world, n)):
        book(enrolment, world.assessor, by=world.admin, hours_from_now=48 + 24 * ((i * 7) % n))


# (page, its download without the extension, id column, link to each row, builder, reader)
LISTS = {
    "results": (
        "/results/",
        "/results/awaiting-release",
        "Result number",
        r"/results/(\d+)/",
        build_results,
        "admin",
    ),
    "iqa": ("/iqa/", "/iqa/queue", "Sample number", r"/iqa/sample/(\d+)/", build_samples, "iqa"),
    "cases": (
        "/cases/",
        "/cases/open-cases",
        "Case number",
        r"/cases/(\d+)/",
        build_cases,
        "admin",
    ),
    "bookings": (
        "/bookings/mine/",
        "/bookings/mine/bookings",
        "Booking number",
        r"/bookings/(\d+)/",
        build_bookings,
        "assessor",
    ),
}
PERSONAS = ["admin", "iqa", "assessor", "employer", "provider", "apprentice", "outsider_employer"]


def read(fmt):
    return csv_rows if fmt == "csv" else xlsx_rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(LISTS))
def test_the_download_holds_the_pages_rows_in_its_order(client, world, name, fmt):
    page, download, id_column, link, build, reader = LISTS[name]
    build(world, 5)
    client.force_login(world.personas()[reader])
    html = client.get(page).content.decode()
    # Each row's id once, in the page's order (a row may link to its page twice).
    shown = list(dict.fromkeys(int(x) for x in re.findall(f'href="{link}"', html)))
    assert len(shown) == 5
    assert f'href="{download}.{fmt}?' in html
    rows = read(fmt)(client.get(f"{download}.{fmt}"))
    assert [int(x) for x in column(rows, id_column)] == shown
    # The name a spreadsheet would run arrives as text.
    assert f"'{HOSTILE} Row5x0" in column(rows, "Apprentice")
    assert not any(str(cell).startswith("=") for row in rows for cell in row)
    assert "Private grounds" not in str(rows)


@pytest.mark.parametrize("name", list(LISTS))
def test_every_other_role_gets_404(client, world, name):
    _page, download, *_rest, reader = LISTS[name]
    for persona in PERSONAS:
        if persona == reader:
            continue
        client.force_login(world.personas()[persona])
        for fmt in ("csv", "xlsx"):
            assert client.get(f"{download}.{fmt}").status_code == 404, (persona, fmt)


@pytest.mark.parametrize("name", ["results", "cases"])
def test_another_epaos_admin_downloads_none_of_these_rows(client, world, name):
    _page, download, id_column, _link, build, _reader = LISTS[name]
    build(world, 3)
    client.force_login(world.outsider_admin)
    assert column(csv_rows(client.get(f"{download}.csv")), id_column) == []


#: More rows than three of the lists' pages (25 a page): a download reads its rows' related
#: records in its one query, never a query per row or per page of rows.
THREE_PAGES = 3 * 25 + 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", list(LISTS))
def test_the_query_count_does_not_grow_with_rows(client, world, name, fmt):
    _page, download, _id, _link, build, reader = LISTS[name]
    client.force_login(world.personas()[reader])
    counts = []
    for n in (1, THREE_PAGES):
        build(world, n)
        with CaptureQueriesContext(connection) as seen:
            rows = read(fmt)(client.get(f"{download}.{fmt}"))
        assert len(rows) > n
        counts.append(len(seen))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_calendars_bookings_download_as_the_calendar_shows_them(client, world, fmt):
    """The admins' list of bookings is the calendar: its download holds the period's
    bookings of every assessor in time order, as filtered; other roles' calendars hold only
    their own, and a role with no calendar gets 404."""
    build_bookings(world, 5)
    first = world.assessor.assessor_bookings.order_by("starts_at").first()
    query = f"?view=month&date={timezone.localtime(first.starts_at).date().isoformat()}"
    client.force_login(world.admin)
    html = client.get(f"/bookings/calendar/{query}").content.decode()
    shown = list(dict.fromkeys(int(x) for x in re.findall(r'href="/bookings/(\d+)/"', html)))
    assert shown
    assert f'href="/bookings/calendar/bookings.{fmt}{query.replace("&", "&amp;")}"' in html
    rows = read(fmt)(client.get(f"/bookings/calendar/bookings.{fmt}{query}"))
    assert [int(x) for x in column(rows, "Booking number")] == shown
    assert set(column(rows, "Assessor")) == {str(world.assessor)}
    assert not any(str(cell).startswith("=") for row in rows for cell in row)
    for persona in ("employer", "provider", "apprentice", "outsider_employer"):
        client.force_login(world.personas()[persona])
        assert client.get(f"/bookings/calendar/bookings.{fmt}{query}").status_code == 404
