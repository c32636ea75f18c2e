"""The accessible HTML version beside each PDF (openepa.documents.accessible): the same
people may open it as may download the PDF, everyone else gets a 404; it is a page with a
language, one main heading, tables with column headers and labelled cells, and it says
everything its PDF says."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from openepa.results.models import OverallResult
from tests.documents.journeys import (
    AWKWARD_FAMILY,
    FAIL_DOCUMENTS,
    OUTSIDERS,
    PASS_DOCUMENTS,
    distinction,
    fail,
    get_document,
    pdf_text,
)
from tests.documents.journeys import parties as parties_of
from tests.personas import build_world

pytestmark = pytest.mark.django_db


def get(client, user, result_id: int, document: str, suffix: str = "html"):
    return get_document(client, user, result_id, document, suffix)


#: Elements whose start and end separate words; inline ones (strong, em) do not.
BLOCKS = {"h1", "h2", "h3", "p", "li", "th", "td", "dt", "dd", "br", "hr", "div", "ul"}


class ArticleText(HTMLParser):
    """The text of the page's <article> (the document), as a screen reader reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or self.depth:
            self.depth += 1 if tag not in ("br", "hr") else 0
            if tag in BLOCKS:
                self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag in BLOCKS:
                self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def article_text(html: str) -> str:
    parser = ArticleText()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[\w'&<>@.:-]+", text))


def assert_same_facts(pdf: bytes, html: str) -> None:
    """Every word of the PDF, as often as it is there, is in the HTML version's document,
    but the footer the PDF repeats on each page (once in the HTML) and its page numbers."""
    footer = re.search(r'<p class="govuk-body-s">([^<]+)</p>\s*</article>', html)
    assert footer is not None
    footer_text = " ".join(footer.group(1).replace("&#x27;", "'").split())
    text = pdf_text(pdf)
    assert footer_text in text
    pdf_words = words(re.sub(r"Page \d+", " ", text.replace(footer_text, " ")))
    html_words = words(article_text(html).replace(footer_text, " "))
    missing = pdf_words - html_words
    assert not missing, f"in the PDF, not in the HTML version: {dict(missing)}"
    assert sum(pdf_words.values()) > 100


def assert_accessible_markup(html: str) -> None:
    assert '<html lang="en-GB"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    headers = re.findall(r"<th [^>]*>", html)
    assert headers
    assert all('scope="' in th for th in headers)
    cells = re.findall(r"<td [^>]*>", html)
    assert cells
    assert all("data-label=" in td for td in cells)
    assert 'class="govuk-table app-table--stack"' in html
    assert 'class="govuk-summary-list"' in html


def test_each_party_who_may_download_the_pdf_may_open_the_html_version(client, world):
    journey = distinction(world)
    result_id = journey.result_id
    personas = world.personas()
    parties = parties_of(journey, world)
    # Before release: a draft for the EPAO's admins only, said to be one.
    for name, user in parties.items():
        for document in PASS_DOCUMENTS:
            assert get(client, user, result_id, document).status_code == 404, (name, document)
    draft = get(client, world.admin, result_id, "statement-of-results")
    assert draft.status_code == 200
    assert "Draft: these results have not been released" in draft.content.decode()

    journey.journey.release(world.admin)
    for name, user in {**parties, "admin": world.admin}.items():
        for document in PASS_DOCUMENTS:
            response = get(client, user, result_id, document)
            assert response.status_code == 200, (name, document)
            assert response["Cache-Control"] == "private, no-store"
            assert get(client, user, result_id, document, "pdf").status_code == 200
        assert get(client, user, result_id, "fail-letter").status_code == 404, name
    for name in (*OUTSIDERS, "apprentice"):  # world's apprentice is another apprentice
        for document in PASS_DOCUMENTS:
            assert get(client, personas[name], result_id, document).status_code == 404, name
    anonymous = get(client, None, result_id, "statement-of-results")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert get(client, world.admin, 987_654_321, "statement-of-results").status_code == 404


def test_the_html_version_says_what_the_pdf_says_in_accessible_markup(client, world):
    journey = distinction(world)
    journey.journey.release(world.admin)
    result = OverallResult.objects.get(pk=journey.result_id)
    client.force_login(journey.apprentice_user)
    for document in PASS_DOCUMENTS:
        html = get(client, journey.apprentice_user, result.pk, document).content.decode()
        pdf = get(client, journey.apprentice_user, result.pk, document, "pdf").content
        assert_same_facts(pdf, html)
        assert_accessible_markup(html)
        # A name with markup characters comes out as written, escaped once.
        assert (
            AWKWARD_FAMILY.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
        )
        assert "<Sons>" not in html
        assert f'href="/documents/results/{result.pk}/{document}.pdf" download' in html
        assert f"{world.epao.pk}-{result.pk:06d}" in article_text(html)


def test_a_fail_letter_html_version_for_the_parties_of_a_fail(client, db):
    world = build_world(policy="nqual")
    journey = fail(world)
    for user in (world.apprentice_user, world.employer_user, world.provider_user, world.admin):
        for document in FAIL_DOCUMENTS:
            response = get(client, user, journey.fail_id, document)
            assert response.status_code == 200, document
        assert get(client, user, journey.fail_id, "record-of-achievement").status_code == 404
    letter = get(client, world.apprentice_user, journey.fail_id, "fail-letter").content.decode()
    pdf = get(client, world.apprentice_user, journey.fail_id, "fail-letter", "pdf").content
    assert_same_facts(pdf, letter)
    assert "Deadlines" in article_text(letter)
    for name in OUTSIDERS:
        response = get(client, world.personas()[name], journey.fail_id, "fail-letter")
        assert response.status_code == 404, name


def test_the_result_page_links_each_html_version_beside_its_pdf(client, world):
    journey = distinction(world)
    journey.journey.release(world.admin)
    client.force_login(world.provider_user)
    page = client.get(f"/results/{journey.result_id}/").content.decode()
    for document in PASS_DOCUMENTS:
        pdf = f"/documents/results/{journey.result_id}/{document}.pdf"
        html = f"/documents/results/{journey.result_id}/{document}.html"
        assert re.search(
            rf'href="{re.escape(pdf)}" download>[^<]+</a> · <a class="govuk-link" '
            rf'href="{re.escape(html)}">HTML version',
            page,
        ), document
