"""The pipeline downloads as CSV and XLSX exactly as filtered (issue 17 §4)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openepa.enrolments.actions import do_withdraw_enrolment
from tests.enrolments.helpers import add_apprentice
from tests.exports.helpers import column, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

PIPELINE = "/enrolments/pipeline"


def ulns_on_page(html: str) -> list[str]:
    return re.findall(r'data-label="ULN">(\d{10})<', html)


@pytest.fixture
def crowd(world):
    """Apprentices of the admin's EPAO, one with a name a spreadsheet would run, and one of
    another EPAO that no export of this EPAO may hold."""
    people = [add_apprentice(world, given=f"Person{i}", family=f"Crowd{i:02}") for i in range(6)]
    people.append(add_apprentice(world, given="=cmd|' /C calc'!A0", family="Crowd99"))
    add_apprentice(
        world,
        actor=world.outsider_admin,
        epao=world.other_epao,
        employer=world.other_employer,
        provider=world.other_provider,
        given="Alan",
        family="Crowd50",
    )
    do_withdraw_enrolment(actor=world.admin, enrolment_id=people[2].pk, reason="Left")
    return people


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "filters", [{}, {"q": "crowd"}, {"state": "registered", "q": "crowd"}, {"state": "withdrawn"}]
)
def test_the_export_holds_the_filtered_lists_rows_in_its_order(client, world, crowd, fmt, filters):
    client.force_login(world.admin)
    shown: list[str] = []
    page = client.get(PIPELINE, filters)
    while True:  # every page of the list, followed by its "Next" links
        html = page.content.decode()
        shown += ulns_on_page(html)
        found = re.search(r'href="(\?[^"]*after=[^"]+)"', html.replace("&amp;", "&"))
        if not found:
            break
        page = client.get(PIPELINE + found.group(1))
    read = csv_rows if fmt == "csv" else xlsx_rows
    rows = read(client.get(f"{PIPELINE}.{fmt}", filters))
    assert [str(u) for u in column(rows, "ULN")] == shown
    assert shown  # a list with rows, so the comparison says something


def test_the_page_links_to_its_downloads_with_its_filters(client, world, crowd):
    client.force_login(world.admin)
    html = client.get(PIPELINE, {"state": "withdrawn"}).content.decode()
    assert 'href="/enrolments/pipeline.csv?state=withdrawn"' in html
    assert 'href="/enrolments/pipeline.xlsx?state=withdrawn"' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_in_a_name_reaches_the_spreadsheet_as_text(client, world, crowd, fmt):
    client.force_login(world.admin)
    read = csv_rows if fmt == "csv" else xlsx_rows
    rows = read(client.get(f"{PIPELINE}.{fmt}", {"q": "Crowd99"}))
    assert column(rows, "Given name") == ["'=cmd|' /C calc'!A0"]
    assert not any(str(cell).startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize(
    "persona", ["employer", "provider", "apprentice", "assessor", "iqa", "outsider_employer"]
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_only_epao_admins_download_the_pipeline(client, world, persona, fmt):
    client.force_login(world.personas()[persona])
    assert client.get(f"{PIPELINE}.{fmt}").status_code == 404


def test_another_epaos_admin_downloads_only_their_own(client, world, crowd):
    client.force_login(world.outsider_admin)
    rows = csv_rows(client.get(f"{PIPELINE}.csv", {"q": "crowd"}))
    assert column(rows, "Family name") == ["Crowd50"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_query_count_does_not_grow_with_rows(
    client, world, fmt, django_assert_max_num_queries
):
    client.force_login(world.admin)
    counts = []
    # More than three of the pipeline's pages (25 a page) against one row.
    for extra in (1, 3 * 25 + 1):
        for i in range(extra):
            add_apprentice(world, given=f"More{i}", family=f"Rows{extra}")
        with CaptureQueriesContext(connection) as seen:
            rows = (csv_rows if fmt == "csv" else xlsx_rows)(client.get(f"{PIPELINE}.{fmt}"))
        assert len(rows) > extra
        counts.append(len(seen))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        csv_rows(client.get(f"{PIPELINE}.csv"))
