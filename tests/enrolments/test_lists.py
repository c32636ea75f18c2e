"""My apprentices (/enrolments/) and the EPAO admin's pipeline (/enrolments/pipeline)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from openepa.domain.journey import State
from openepa.enrolments.actions import do_withdraw_enrolment
from openepa.enrolments.models import Enrolment
from openepa.enrolments.queries import counts_by_state, pipeline_for
from tests.enrolments.helpers import add_apprentice, book, result

pytestmark = pytest.mark.django_db

LIST = "/enrolments/"
PIPELINE = "/enrolments/pipeline"


def names_in(html: str) -> set[str]:
    """The apprentices listed in the table (each row's header cell links to the record)."""
    return set(
        re.findall(
            r'<th scope="row" class="govuk-table__header" data-label="Apprentice">'
            r'<a href="/enrolments/\d+/">([^<]+)</a>',
            html,
        )
    )


@pytest.fixture
def others(world):
    """An apprentice of another employer and provider at the same EPAO, and one at another
    EPAO altogether."""
    return {
        "hilltop": add_apprentice(
            world,
            employer=world.other_employer,
            provider=world.other_provider,
            given="Hedy",
            family="Lamarr",
        ),
        "southern": add_apprentice(
            world,
            actor=world.outsider_admin,
            epao=world.other_epao,
            employer=world.other_employer,
            provider=world.other_provider,
            given="Alan",
            family="Turing",
        ),
    }


# My apprentices ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("employer", {"Ada Lovelace"}),
        ("provider", {"Ada Lovelace"}),
        ("apprentice", {"Ada Lovelace"}),
        ("outsider_employer", {"Hedy Lamarr", "Alan Turing"}),
        ("outsider_provider", {"Hedy Lamarr", "Alan Turing"}),
        ("iqa", set()),  # the IQA samples decisions; they have no apprentices of their own
        ("assessor", set()),  # nothing allocated yet
        ("admin", {"Ada Lovelace", "Hedy Lamarr"}),
        ("outsider_admin", {"Alan Turing"}),
    ],
)
def test_my_apprentices_lists_only_what_each_role_may_see(
    signed_in, world, others, persona, expected
):
    html = signed_in(world.personas()[persona]).get(LIST).content.decode()
    assert names_in(html) == expected


def test_an_assessor_lists_the_apprentices_allocated_to_them(signed_in, world, others):
    book(others["hilltop"], world.assessor, by=world.admin)
    book(others["hilltop"], world.assessor, by=world.admin, hours_from_now=96)  # no repeat
    html = signed_in(world.assessor).get(LIST).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}
    assert html.count("Hedy Lamarr</a>") == 1


def test_my_apprentices_search(signed_in, world, others):
    client = signed_in(world.outsider_employer)
    assert names_in(client.get(LIST, {"q": "lamarr"}).content.decode()) == {"Hedy Lamarr"}
    page = client.get(LIST, {"q": "Nobody"}).content.decode()
    assert "No apprentice matches “Nobody”." in page


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in (LIST, PIPELINE):
        page = client.get(url)
        assert page.status_code == 302
        assert page["Location"].startswith("/accounts/login/")


# Pipeline ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["employer", "provider", "apprentice", "assessor", "iqa", "outsider_employer"]
)
def test_the_pipeline_is_for_epao_admins_only(signed_in, world, persona):
    assert signed_in(world.personas()[persona]).get(PIPELINE).status_code == 404


def test_the_pipeline_holds_every_enrolment_of_the_admins_epao_only(signed_in, world, others):
    html = signed_in(world.admin).get(PIPELINE).content.decode()
    assert names_in(html) == {"Ada Lovelace", "Hedy Lamarr"}
    html = signed_in(world.outsider_admin).get(PIPELINE).content.decode()
    assert names_in(html) == {"Alan Turing"}


def count_shown(html: str, state: str) -> int:
    match = re.search(rf'data-state="{state}">(\d+)<', html)
    assert match, state
    return int(match.group(1))


def test_counts_by_state_in_one_query(world, others, django_assert_num_queries):
    do_withdraw_enrolment(actor=world.admin, enrolment_id=others["hilltop"].pk, reason="Left")
    pipeline = pipeline_for(world.admin)
    with django_assert_num_queries(1):
        counts = dict(counts_by_state(pipeline))
    assert counts[State.REGISTERED] == 1
    assert counts[State.WITHDRAWN] == 1
    assert counts[State.COMPLETED] == 0
    assert list(counts) == list(State)  # journey order, every state


def test_filter_by_state_with_counts_as_tabs(signed_in, world, others):
    do_withdraw_enrolment(actor=world.admin, enrolment_id=others["hilltop"].pk, reason="Left")
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"state": "withdrawn"}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}
    assert count_shown(html, "registered") == 1
    assert count_shown(html, "withdrawn") == 1
    assert 'href="?state=withdrawn" aria-current="true"' in html
    # Other filters narrow the counts too.
    html = client.get(PIPELINE, {"employer": world.employer.pk}).content.decode()
    assert count_shown(html, "withdrawn") == 0
    assert count_shown(html, "registered") == 1


def test_filter_by_employer_and_provider(signed_in, world, others):
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"employer": world.other_employer.pk}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}
    html = client.get(PIPELINE, {"provider": world.provider.pk}).content.decode()
    assert names_in(html) == {"Ada Lovelace"}


def test_the_filters_offer_only_the_admins_own_partners_and_assessors(signed_in, world, others):
    html = signed_in(world.outsider_admin).get(PIPELINE).content.decode()
    filters = html[html.index("Search and filter") :]
    assert "Harbour Bank" not in filters  # Northern's employer only
    assert "Hilltop Retail" in filters
    assert "Ian Assessor" not in filters
    assert "Oona Outsider" in filters


def test_filter_by_assessor(signed_in, world, others):
    book(others["hilltop"], world.assessor, by=world.admin)
    book(others["hilltop"], world.assessor, by=world.admin, hours_from_now=96)
    book(world.enrolment, world.second_assessor, by=world.admin)
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"assessor": world.assessor.pk}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}
    assert html.count("Hedy Lamarr</a>") == 1  # two bookings, one row
    html = client.get(PIPELINE, {"assessor": world.second_assessor.pk}).content.decode()
    assert names_in(html) == {"Ada Lovelace"}


def test_filter_overdue_results(signed_in, world, others):
    today = timezone.localdate()
    late = add_apprentice(world, given="Late", family="Result")
    result(late, due_on=today - timedelta(days=1))
    result(world.enrolment, due_on=today - timedelta(days=5), released=True, by=world.admin)
    result(others["hilltop"], due_on=today + timedelta(days=3))
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"overdue": "on"}).content.decode()
    assert names_in(html) == {"Late Result"}
    assert "Results overdue" in html
    html = client.get(PIPELINE).content.decode()
    assert html.count("Results overdue</strong>") == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lovelace", {"Ada Lovelace"}),
        ("HEDY", {"Hedy Lamarr"}),
        ("ada love", {"Ada Lovelace"}),
        ("ada lamarr", set()),
    ],
)
def test_search_by_name_case_insensitively(signed_in, world, others, text, expected):
    html = signed_in(world.admin).get(PIPELINE, {"q": text}).content.decode()
    assert names_in(html) == expected


def test_search_by_uln(signed_in, world, others):
    uln = others["hilltop"].apprentice.uln
    html = signed_in(world.admin).get(PIPELINE, {"q": uln}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}


def test_a_stale_filter_in_a_bookmark_is_ignored(signed_in, world, others):
    html = signed_in(world.admin).get(PIPELINE, {"employer": 999999}).content.decode()
    assert names_in(html) == {"Ada Lovelace", "Hedy Lamarr"}


def test_pagination_25_a_page_with_accessible_navigation(signed_in, world):
    for n in range(30):
        add_apprentice(world, given="Bulk", family=f"Apprentice{n:02d}")
    client = signed_in(world.admin)
    first = client.get(PIPELINE, {"state": "registered"}).content.decode()
    assert len(names_in(first)) == 25
    assert '<nav class="govuk-pagination" aria-label="Pages of results">' in first
    assert 'aria-label="Page 1" aria-current="page">1</a>' in first
    assert 'href="?state=registered&amp;page=2" rel="next"' in first
    assert "Showing 1 to 25 of 31." in first
    second = client.get(PIPELINE, {"state": "registered", "page": 2}).content.decode()
    assert len(names_in(second)) == 6
    assert names_in(first).isdisjoint(names_in(second))
    assert "Showing 26 to 31 of 31." in second
    # A page number out of range shows the last page rather than an error.
    assert client.get(PIPELINE, {"page": 99}).status_code == 200


# Query counts: the same bound at 1 row and at 50 rows -----------------------------------

PIPELINE_QUERIES = 11
LIST_QUERIES = 6


def fill(world, n: int) -> None:
    """n - 1 more apprentices with bookings and results, so every join is exercised."""
    today = timezone.localdate()
    for i in range(n - 1):
        enrolment = add_apprentice(world, given="Many", family=f"Apprentice{i:02d}")
        book(enrolment, world.assessor, by=world.admin, hours_from_now=24 * (i + 1))
        result(enrolment, due_on=today - timedelta(days=1))


@pytest.mark.parametrize("rows", [1, 50])
def test_pipeline_query_count_does_not_grow_with_rows(
    signed_in, world, rows, django_assert_max_num_queries
):
    fill(world, rows)
    assert Enrolment.objects.count() == rows
    client = signed_in(world.admin)
    with django_assert_max_num_queries(PIPELINE_QUERIES):
        page = client.get(PIPELINE)
    assert len(names_in(page.content.decode())) == min(rows, 25)
    with django_assert_max_num_queries(PIPELINE_QUERIES):
        client.get(PIPELINE, {"overdue": "on", "assessor": world.assessor.pk, "q": "many"})


@pytest.mark.parametrize("rows", [1, 50])
def test_my_apprentices_query_count_does_not_grow_with_rows(
    signed_in, world, rows, django_assert_max_num_queries
):
    fill(world, rows)
    for persona in ("provider", "employer", "assessor"):
        client = signed_in(world.personas()[persona])
        with django_assert_max_num_queries(LIST_QUERIES):
            page = client.get(LIST)
        expected = rows - 1 if persona == "assessor" else rows
        assert len(names_in(page.content.decode())) == min(expected, 25)
