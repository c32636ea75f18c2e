"""The header search (issue 17 §3): grouped results limited to what each person may see,
by ULN, name, number, employer or provider; a GET form that works without JavaScript; the
same number of queries at 1 and at many matches."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.cases.models import Case
from openepa.quality.models import IqaSample
from openepa.results.models import OverallResult
from tests.enrolments.helpers import add_apprentice, book
from tests.results.builders import submit

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def groups(html: str) -> dict[str, list[str]]:
    """Each group's heading and the texts of its links, as shown."""
    found: dict[str, list[str]] = {}
    for section in re.findall(r"<section aria-labelledby.*?</section>", html, re.S):
        match = re.search(r"<h2[^>]*>([^<]+)</h2>", section)
        assert match is not None
        heading = match.group(1).strip()
        found[heading] = re.findall(r'<li><a class="govuk-link" href="[^"]+">([^<]+)</a>', section)
    return found


@pytest.fixture
def people(world):
    """Grace Hopper at the admin's EPAO (another employer and provider), Grace Murray at
    the other EPAO, and an enquiry about Ada Lovelace's result."""
    hopper = add_apprentice(
        world,
        employer=world.other_employer,
        provider=world.other_provider,
        given="Grace",
        family="Hopper",
    )
    murray = add_apprentice(
        world,
        actor=world.outsider_admin,
        epao=world.other_epao,
        employer=world.other_employer,
        provider=world.other_provider,
        given="Grace",
        family="Murray",
    )
    released = OverallResult.objects.create(
        enrolment=world.enrolment,
        grade="fail",
        methods={},
        last_component_on=timezone.localdate(),
        released_at=timezone.now(),
    )
    case = Case.objects.create(
        enrolment=world.enrolment,
        kind="enquiry",
        result=released,
        raised_by=world.employer_user,
        raiser_organisation=world.employer,
        raised_on=timezone.localdate(),
        grounds="Private grounds",
    )
    return {"hopper": hopper, "murray": murray, "case": case}


def get(client, user, q):
    client.force_login(user)
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_finds_apprentices_partners_and_cases_of_their_epao_only(client, world, people):
    html = get(client, world.admin, "grace")
    assert groups(html)["Apprentices"] == ["Grace Hopper"]  # not the other EPAO's Grace
    html = get(client, world.admin, "lovelace")
    found = groups(html)
    assert found["Apprentices"] == ["Ada Lovelace"]
    assert found["Enquiries and appeals"] == ["Enquiry about results for Ada Lovelace"]
    assert "Private grounds" not in html
    html = get(client, world.admin, "hilltop")
    assert groups(html)["Employers and providers"] == ["Hilltop Retail"]
    assert f"/enrolments/pipeline?employer={world.other_employer.pk}" in html


@pytest.mark.parametrize("q", ["gr hopper", "hopper gr", "ho gr"])
def test_a_word_too_short_for_the_name_index_still_narrows_the_names(client, world, people, q):
    # Words of two letters are matched without the trigram indexes (enrolments.queries.named).
    assert groups(get(client, world.admin, q))["Apprentices"] == ["Grace Hopper"]
    assert groups(get(client, world.admin, "zz hopper"))["Apprentices"] == []


def test_by_uln_and_by_number(client, world, people):
    uln = people["hopper"].apprentice.uln
    assert groups(get(client, world.admin, uln))["Apprentices"] == ["Grace Hopper"]
    murray_uln = people["murray"].apprentice.uln
    assert groups(get(client, world.admin, murray_uln))["Apprentices"] == []
    found = groups(get(client, world.admin, f"#{people['case'].pk}"))
    assert found["Enquiries and appeals"] == ["Enquiry about results for Ada Lovelace"]
    found = groups(get(client, world.admin, str(people["hopper"].pk)))
    assert found["Apprentices"] == ["Grace Hopper"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("employer", {"Apprentices": []}),  # Grace Hopper is Hilltop's
        ("outsider_employer", {"Apprentices": ["Grace Hopper", "Grace Murray"]}),
        (
            "outsider_admin",
            {
                "Apprentices": ["Grace Murray"],
                "Employers and providers": [],
                "Enquiries and appeals": [],
            },
        ),
        ("assessor", {"Apprentices": []}),  # nothing allocated
        ("iqa", {"IQA samples waiting": []}),
    ],
)
def test_each_role_sees_only_its_own(client, world, people, persona, expected):
    assert groups(get(client, world.personas()[persona], "grace")) == expected


def test_an_assessor_finds_the_apprentices_allocated_to_them(client, world, people):
    book(people["hopper"], world.assessor, by=world.admin)
    assert groups(get(client, world.assessor, "hopper"))["Apprentices"] == ["Grace Hopper"]


def test_an_iqa_finds_the_samples_in_their_queue(client, world, people):
    attempt = submit(world.enrolment, "showcase", on=date(2026, 1, 5), assessor=world.assessor)
    IqaSample.objects.create(attempt=attempt, reason="rate", explanation="x", draw=1, grade="pass")
    found = groups(get(client, world.iqa, "ada"))
    assert found == {"IQA samples waiting": ["Ada Lovelace"]}


@pytest.mark.parametrize("persona", ["apprentice"])
def test_an_apprentice_has_no_search(client, world, persona):
    client.force_login(world.personas()[persona])
    assert client.get(SEARCH, {"q": "ada"}).status_code == 404
    assert 'id="app-header-search"' not in client.get("/").content.decode()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(SEARCH, {"q": "ada"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_header_has_a_labelled_get_form_for_staff(client, world):
    client.force_login(world.admin)
    html = client.get("/").content.decode()
    assert 'action="/search/" method="get" role="search"' in html
    assert '<label class="govuk-label govuk-visually-hidden" for="app-header-search">' in html


def test_short_or_empty_words_are_explained(client, world):
    html = get(client, world.admin, "a")
    assert "Enter a ULN, a number, or a word of at least 2 letters." in html
    html = get(client, world.admin, "")
    assert '<h1 class="govuk-heading-l">Search</h1>' in html


def test_a_group_is_cut_with_a_link_to_the_filtered_list(client, world):
    for i in range(12):
        add_apprentice(world, given=f"Many{i:02}", family="Smith")
    html = get(client, world.admin, "smith")
    # The first ten by name, chosen among the twelve before they are read.
    assert groups(html)["Apprentices"] == [f"Many{i:02} Smith" for i in range(10)]
    assert "More than 10 found" in html
    assert 'href="/enrolments/pipeline?q=smith"' in html
    # The list it links to holds all twelve.
    client.force_login(world.admin)
    listed = client.get("/enrolments/pipeline", {"q": "smith"}).content.decode()
    assert listed.count('data-label="ULN"') == 12


def test_text_is_escaped(client, world):
    html = get(client, world.admin, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("persona", ["admin", "iqa", "employer"])
def test_the_query_count_does_not_grow_with_matches(
    client, world, persona, django_assert_max_num_queries
):
    user = world.personas()[persona]
    client.force_login(user)
    counts = []
    for n in (1, 25):
        for i in range(n):
            add_apprentice(world, given=f"Query{i}", family=f"Count{n}")
        with CaptureQueriesContext(connection) as seen:
            client.get(SEARCH, {"q": f"count{n}"})
        counts.append(len(seen))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.get(SEARCH, {"q": "count25"})
