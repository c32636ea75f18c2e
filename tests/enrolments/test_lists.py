"""My apprentices (/enrolments/) and the EPAO admin's pipeline (/enrolments/pipeline)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from openepa.core.keyset import encode
from openepa.domain.journey import LABELS, State
from openepa.enrolments.actions import do_withdraw_enrolment
from openepa.enrolments.models import Enrolment
from openepa.enrolments.queries import counts_by_state, pipeline_for
from openepa.organisations.models import Organisation
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


def test_the_state_filter_offers_every_state_with_the_chosen_one_selected(signed_in, world):
    """The state select is written in Python (LongSelect): "Any state", then every state in
    journey order by its label, the filtered one selected."""
    html = signed_in(world.admin).get(PIPELINE, {"state": "withdrawn"}).content.decode()
    select = re.search(r'<select name="state"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    assert 'class="govuk-select' in select.group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    assert [(value, unescape(label)) for value, _, label in options] == [
        ("", "Any state"),
        *((state.value, LABELS[state]) for state in State),
    ]
    assert [value for value, chosen, _ in options if chosen] == ["withdrawn"]


def test_filter_by_employer_and_provider(signed_in, world, others):
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"employer": world.other_employer.pk}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}
    html = client.get(PIPELINE, {"provider": world.provider.pk}).content.decode()
    assert names_in(html) == {"Ada Lovelace"}


def test_the_name_filters_match_only_the_admins_own_partners_and_assessors(
    signed_in, world, others
):
    # Southern's admin: Hilltop Retail and Inland College are partners, Harbour Bank and
    # Northern's assessors are not, so they name nobody (and no row is listed).
    client = signed_in(world.outsider_admin)
    html = client.get(PIPELINE, {"employer": "Harbour"}).content.decode()
    assert "No employer has “Harbour” in their name." in html
    assert names_in(html) == set()
    html = client.get(PIPELINE, {"employer": "hilltop"}).content.decode()
    assert names_in(html) == {"Alan Turing"}
    html = client.get(PIPELINE, {"provider": "Inland College"}).content.decode()
    assert names_in(html) == {"Alan Turing"}
    html = client.get(PIPELINE, {"assessor": "Ian"}).content.decode()
    assert "No assessor has “Ian” in their name." in html
    html = client.get(PIPELINE, {"assessor": "Oona"}).content.decode()
    assert "No assessor has" not in html  # their own assessor, with no booking yet
    # A link's id of another EPAO's partner is stale for this admin: ignored.
    html = client.get(PIPELINE, {"employer": world.employer.pk}).content.decode()
    assert names_in(html) == {"Alan Turing"}


def test_a_name_naming_several_lists_them_all_and_links_to_each(signed_in, world, others):
    hillside = Organisation.objects.create(name="Hillside Foods", kind=Organisation.Kind.EMPLOYER)
    add_apprentice(world, employer=hillside, given="Grace", family="Hopper")
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"employer": "hill", "state": "registered"}).content.decode()
    assert names_in(html) == {"Hedy Lamarr", "Grace Hopper"}
    assert "2 employers have “hill” in their name" in html
    links = {
        name: unescape(href)
        for href, name in re.findall(r'<li><a class="govuk-link" href="([^"]+)">([^<]+)</a>', html)
    }
    assert set(links) == {"Hillside Foods", "Hilltop Retail"}
    narrowed = client.get(PIPELINE + links["Hillside Foods"])
    assert links["Hillside Foods"] == f"?employer={hillside.pk}&state=registered"
    html = narrowed.content.decode()
    assert names_in(html) == {"Grace Hopper"}
    # Chosen by id, the box shows the name; sent again, the exact name chooses it alone.
    assert 'name="employer" value="Hillside Foods"' in html
    html = client.get(PIPELINE, {"employer": "hillside foods"}).content.decode()
    assert names_in(html) == {"Grace Hopper"}
    assert "have “" not in html


def test_more_names_than_shown_match_by_the_name_itself(signed_in, world, others, monkeypatch):
    monkeypatch.setattr("openepa.enrolments.queries.NAMED", 1)
    hillside = Organisation.objects.create(name="Hillside Foods", kind=Organisation.Kind.EMPLOYER)
    add_apprentice(world, employer=hillside, given="Grace", family="Hopper")
    html = signed_in(world.admin).get(PIPELINE, {"employer": "HILL"}).content.decode()
    assert names_in(html) == {"Hedy Lamarr", "Grace Hopper"}
    assert "More than 1 employers have “HILL” in their name" in html


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
    html = client.get(PIPELINE, {"assessor": "ian assessor"}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}
    html = client.get(PIPELINE, {"assessor": "assessor"}).content.decode()
    assert names_in(html) == {"Hedy Lamarr", "Ada Lovelace"}


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


def test_a_row_writes_its_words_escaped_and_its_state_as_a_tag(signed_in, world):
    """The list's rows are written in Python (enrolment_rows), not by the template engine:
    what a person typed is escaped there as the engine would."""
    odd = add_apprentice(world, given="<b>Bo</b>", family="O'Hara & Co")
    Organisation.objects.filter(pk=world.employer.pk).update(name="Harbour <Bank>")
    html = signed_in(world.admin).get(PIPELINE, {"q": "hara"}).content.decode()
    assert (
        '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"'
        f' data-label="Apprentice"><a href="/enrolments/{odd.pk}/">&lt;b&gt;Bo&lt;/b&gt;'
        " O&#x27;Hara &amp; Co</a></th>"
    ) in html
    assert '<td class="govuk-table__cell" data-label="Employer">Harbour &lt;Bank&gt;</td>' in html
    label = LABELS[State(odd.state)]
    assert 'data-label="State"><strong class="govuk-tag' in html
    assert f">{label}</strong></td></tr>" in html
    assert "<b>" not in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lovelace", {"Ada Lovelace"}),
        ("HEDY", {"Hedy Lamarr"}),
        ("ada love", {"Ada Lovelace"}),
        ("ada lamarr", set()),
        # Two letters, too short for the trigram indexes, alone or beside a longer word.
        ("ov", {"Ada Lovelace"}),
        ("LA", {"Ada Lovelace", "Hedy Lamarr"}),
        ("la hedy", {"Hedy Lamarr"}),
    ],
)
def test_search_by_name_case_insensitively(signed_in, world, others, text, expected):
    html = signed_in(world.admin).get(PIPELINE, {"q": text}).content.decode()
    assert names_in(html) == expected


@pytest.mark.parametrize(
    "words",
    [
        lambda uln: uln,
        # The ULN's first digits, alone or beside a name: every word matches the start of
        # the ULN or a name.
        lambda uln: uln[:7],
        lambda uln: f"hedy {uln[:7]}",
    ],
)
def test_search_by_uln(signed_in, world, others, words):
    uln = others["hilltop"].apprentice.uln
    assert not world.enrolment.apprentice.uln.startswith(uln[:7])
    html = signed_in(world.admin).get(PIPELINE, {"q": words(uln)}).content.decode()
    assert names_in(html) == {"Hedy Lamarr"}


def test_a_stale_filter_in_a_bookmark_is_ignored(signed_in, world, others):
    html = signed_in(world.admin).get(PIPELINE, {"employer": 999999}).content.decode()
    assert names_in(html) == {"Ada Lovelace", "Hedy Lamarr"}


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return unescape(found.group(1)) if found else None


def rows_in(html: str) -> list[str]:
    """Every row's link (an enrolment's id is unique where names repeat)."""
    return re.findall(r'<th scope="row"[^>]*><a href="/enrolments/(\d+)/">', html)


def link_after(pages: list[list[str]]) -> str:
    """The cursor after the first page's last row, as the Next link carries it."""
    enrolment = Enrolment.objects.select_related("apprentice").get(pk=pages[0][-1])
    return encode([enrolment.apprentice.family_name, enrolment.apprentice.given_name, enrolment.pk])


def test_keyset_pages_cover_every_row_exactly_once_both_ways(signed_in, world):
    # 3 pages of data, with names that tie (the enrolment's id breaks the tie).
    for n in range(30):
        add_apprentice(world, given="Bulk", family=f"Apprentice{n:02d}")
    for _ in range(20):
        add_apprentice(world, given="Same", family="Name")
    client = signed_in(world.admin)
    url: str | None = PIPELINE + "?state=registered"
    pages: list[list[str]] = []
    while url is not None:
        html = client.get(url).content.decode()
        assert len(rows_in(html)) <= 25
        pages.append(rows_in(html))
        if len(pages) == 1:
            assert '<nav class="govuk-pagination" aria-label="Pages of results">' in html
            assert 'rel="prev"' not in html
            assert "51 in all." in html
        url = link(html, "next")
        assert url is None or url.startswith("?state=registered&")
        url = url and PIPELINE + url
    assert [len(p) for p in pages] == [25, 25, 1]
    shown = [row for page in pages for row in page]
    registered = Enrolment.objects.filter(state="registered", epao=world.epao)
    assert sorted(shown) == sorted(str(pk) for pk in registered.values_list("pk", flat=True))
    assert len(set(shown)) == len(shown) == 51
    # Back from the last page: the same pages in reverse, the first page as first shown.
    back = []
    while url := link(html, "prev"):
        html = client.get(PIPELINE + url).content.decode()
        back.append(rows_in(html))
    assert back == pages[-2::-1]
    # A state tab starts its list from the top, whichever page it was chosen on.
    third = client.get(PIPELINE + "?state=registered&after=" + link_after(pages))
    assert rows_in(third.content.decode()) == pages[1]
    assert 'href="?state=withdrawn"' in third.content.decode()
    # A damaged cursor shows the first page rather than an error.
    broken = client.get(PIPELINE, {"after": "not-a-cursor"})
    assert broken.status_code == 200
    assert rows_in(broken.content.decode()) == pages[0]


def test_a_searched_pipeline_pages_every_match_once_both_ways_with_what_rows_show(
    signed_in, world, others
):
    # A search's page is found among the matches by their keys alone and its rows read
    # afterwards with their employer, provider and overdue check: the pages must be what
    # sorting every match gives, names that tie included, and each row complete.
    today = timezone.localdate()
    late = []
    for n in range(30):
        enrolment = add_apprentice(world, given="Bulk", family=f"Searchable{n:02d}")
        if n % 7 == 0:
            result(enrolment, due_on=today - timedelta(days=1))
            late.append(str(enrolment.pk))
    for _ in range(22):
        add_apprentice(world, given="Same", family="Searchable")
    add_apprentice(world, given="Not", family="Found")
    client = signed_in(world.admin)
    url: str | None = PIPELINE + "?q=searchable"
    pages: list[list[str]] = []
    while url is not None:
        html = client.get(url).content.decode()
        pages.append(rows_in(html))
        assert html.count(">Harbour Bank<") == len(pages[-1])  # every row's employer
        assert html.count("Results overdue</strong>") == len(set(late) & set(pages[-1]))
        if len(pages) == 1:
            assert "52 in all." in html
        url = link(html, "next")
        url = url and PIPELINE + url
    assert [len(p) for p in pages] == [25, 25, 2]
    shown = [row for page in pages for row in page]
    matching = Enrolment.objects.filter(
        epao=world.epao, apprentice__family_name__startswith="Searchable"
    ).order_by("apprentice__family_name", "apprentice__given_name", "pk")
    assert shown == [str(pk) for pk in matching.values_list("pk", flat=True)]
    back = []
    while url := link(html, "prev"):
        html = client.get(PIPELINE + url).content.decode()
        back.append(rows_in(html))
    assert back == pages[-2::-1]


def test_a_searched_pipeline_counts_every_match_and_lists_the_chosen_state(signed_in, world):
    # The counts and the page come from one read of the matches (views._searched).
    for n in range(3):
        add_apprentice(world, given="Tab", family=f"Counted{n}")
    gone = add_apprentice(world, given="Tab", family="Counted9")
    do_withdraw_enrolment(actor=world.admin, enrolment_id=gone.pk, reason="Left")
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"q": "counted", "state": "withdrawn"}).content.decode()
    assert names_in(html) == {"Tab Counted9"}
    assert count_shown(html, "withdrawn") == 1
    assert count_shown(html, "registered") == 3
    assert "1 in all." in html
    # Each tab keeps the search and drops the state; the chosen one is current.
    assert '<li><a href="?q=counted">All states</a></li>' in html
    assert 'href="?q=counted&amp;state=withdrawn" aria-current="true">' in html


def test_a_cursor_whose_row_has_left_a_searched_list_still_finds_its_page(signed_in, world):
    for n in range(30):
        add_apprentice(world, given="Left", family=f"Paged{n:02d}")
    client = signed_in(world.admin)
    first = client.get(PIPELINE, {"q": "paged"}).content.decode()
    after = link(first, "next")
    assert after is not None
    last_shown = rows_in(first)[-1]
    do_withdraw_enrolment(actor=world.admin, enrolment_id=int(last_shown), reason="Left")
    # The Next link's row is no longer among the registered ones: the page after it is
    # found by keyset instead, and is the same five rows.
    registered = client.get(PIPELINE + after + "&state=registered").content.decode()
    unfiltered = client.get(PIPELINE + after).content.decode()
    assert len(rows_in(registered)) == 5
    assert rows_in(registered) == rows_in(unfiltered)


def test_a_search_matching_more_than_are_sorted_pages_along_the_name_index(
    signed_in, world, monkeypatch
):
    monkeypatch.setattr("openepa.enrolments.queries.SORT_MATCHES_UP_TO", 10)
    for n in range(30):
        add_apprentice(world, given="Broad", family=f"Match{n:02d}")
    client = signed_in(world.admin)
    html = client.get(PIPELINE, {"q": "match"}).content.decode()
    assert len(rows_in(html)) == 25
    assert count_shown(html, "registered") == 30
    html = client.get(PIPELINE + (link(html, "next") or "")).content.decode()
    assert names_in(html) == {f"Broad Match{n}" for n in range(25, 30)}


def test_my_apprentices_pages_by_keyset(signed_in, world):
    for n in range(55):
        add_apprentice(world, given="Bulk", family=f"Apprentice{n:02d}")
    client = signed_in(world.provider_user)
    url: str | None = LIST
    seen: list[str] = []
    while url is not None:
        html = client.get(url if url.startswith("/") else LIST + url).content.decode()
        assert len(rows_in(html)) <= 25
        seen += rows_in(html)
        url = link(html, "next")
    assert len(seen) == len(set(seen)) == 56


# Query counts: the same bound at 1 row and at 50 rows -----------------------------------

#: The whole page with every filter: each name filter reads whom it names (one query each);
#: unfiltered, the counts by state are the kept ones and no filter reads anything.
PIPELINE_QUERIES = 9
PIPELINE_UNFILTERED_QUERIES = 6
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
    with django_assert_max_num_queries(PIPELINE_UNFILTERED_QUERIES):
        page = client.get(PIPELINE)
    assert len(names_in(page.content.decode())) == min(rows, 25)
    with django_assert_max_num_queries(PIPELINE_QUERIES):
        client.get(PIPELINE, {"overdue": "on", "assessor": world.assessor.pk, "q": "many"})
    # Each name filter reads whom it names in one query, however many apprentices.
    with django_assert_max_num_queries(PIPELINE_QUERIES):
        client.get(PIPELINE, {"employer": "bank", "provider": "coastal", "assessor": "ian"})


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
