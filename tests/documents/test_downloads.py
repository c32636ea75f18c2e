"""Who may download a result's documents: exactly who may see the result (openepa.results.
access): the apprentice, employer and provider once released, the EPAO's admins always;
everyone else, and a document the result does not have, gets a 404 (seed 000 §3)."""

from __future__ import annotations

import re

import pytest

from openepa.results.catalogue import KINDS
from openepa.results.models import OverallResult
from tests.documents.journeys import (
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

FILENAMES = {
    "statement-of-results": "statement-of-results-SOR",
    "record-of-achievement": "record-of-achievement-ROA",
    "fail-letter": "fail-letter-FAL",
    "feedback-report": "epa-feedback-report-FBR",
}


def get(client, user, result_id: int, document: str):
    return get_document(client, user, result_id, document, "pdf")


def test_the_url_names_the_emails_use_stay_as_they_are():
    assert [k.url_name for k in KINDS] == [
        "documents:statement",
        "documents:record",
        "documents:fail_letter",
        "documents:feedback",
    ]


def test_a_released_distinction_is_downloaded_by_every_party_and_nobody_else(client, world):
    journey = distinction(world)
    result_id = journey.result_id
    personas = world.personas()
    parties = parties_of(journey, world)

    # Before release: a draft for the EPAO's admins only.
    for name, user in parties.items():
        for document in PASS_DOCUMENTS:
            assert get(client, user, result_id, document).status_code == 404, (name, document)
    draft = get(client, world.admin, result_id, "statement-of-results")
    assert draft.status_code == 200
    assert "Draft: these results have not been released" in pdf_text(draft.content)
    assert "draft, not released" in pdf_text(draft.content)

    journey.journey.release(world.admin)
    result = OverallResult.objects.get(pk=result_id)
    ref = f"{world.epao.pk}-{result.pk:06d}"
    for name, user in {**parties, "admin": world.admin}.items():
        for document in PASS_DOCUMENTS:
            response = get(client, user, result_id, document)
            assert response.status_code == 200, (name, document)
            assert response["Content-Type"] == "application/pdf"
            assert (
                response["Content-Disposition"]
                == f'attachment; filename="{FILENAMES[document]}-{ref}.pdf"'
            )
            assert response.content.startswith(b"%PDF-")
        # A Distinction has no fail letter.
        assert get(client, user, result_id, "fail-letter").status_code == 404, name
    # World's Ada is another apprentice; assessors and IQAs see results through other pages.
    for name in (*OUTSIDERS, "apprentice"):
        for document in PASS_DOCUMENTS:
            response = get(client, personas[name], result_id, document)
            assert response.status_code == 404, (name, document)
    anonymous = get(client, None, result_id, "statement-of-results")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert get(client, world.admin, 987_654_321, "statement-of-results").status_code == 404


def test_a_released_fail_has_a_letter_and_no_record_of_achievement(client, db):
    world = build_world(policy="nqual")
    journey = fail(world)
    for user in (world.apprentice_user, world.employer_user, world.provider_user, world.admin):
        for document in FAIL_DOCUMENTS:
            assert get(client, user, journey.fail_id, document).status_code == 200, document
        assert get(client, user, journey.fail_id, "record-of-achievement").status_code == 404
    for name in OUTSIDERS:
        assert (
            get(client, world.personas()[name], journey.fail_id, "fail-letter").status_code == 404
        )


def test_the_result_and_enrolment_pages_link_the_documents(client, world):
    journey = distinction(world)
    journey.journey.release(world.admin)
    result_id = journey.result_id
    enrolment_id = OverallResult.objects.get(pk=result_id).enrolment_id
    client.force_login(world.employer_user)
    page = client.get(f"/results/{result_id}/").content.decode()
    links = re.findall(
        r'<a class="govuk-link" href="(/documents/[^"]+)" download>([^<]+)</a>', page
    )
    assert links == [
        (f"/documents/results/{result_id}/statement-of-results.pdf", "Statement of results (PDF)"),
        (
            f"/documents/results/{result_id}/record-of-achievement.pdf",
            "Record of achievement (PDF)",
        ),
        (f"/documents/results/{result_id}/feedback-report.pdf", "EPA feedback report (PDF)"),
    ]
    enrolment_page = client.get(f"/enrolments/{enrolment_id}/").content.decode()
    assert (
        f'<a href="/documents/results/{result_id}/record-of-achievement.pdf">Record of achievement (PDF), released</a>'
        in enrolment_page
    )
    for href, _ in links:
        assert client.get(href).status_code == 200
