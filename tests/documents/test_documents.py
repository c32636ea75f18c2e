"""Every document, produced from a real journey through the pages and read back with
pypdf: a Distinction, a Fail (under NQual and Gateway Qualifications) and the resit that
follows it to a Pass, capped where the policy says so (seed 000 §3, §4; seed 002; seed 004).
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from openepa.documents import render
from openepa.documents.render import NotApplicable
from openepa.domain.dates import add_months, long_date
from openepa.domain.standard import Level, Method
from openepa.results.catalogue import FAIL_LETTER, FEEDBACK, RECORD, STATEMENT, Kind
from openepa.results.models import OverallResult
from openepa.standards.loader import get_standard
from tests.documents.journeys import (
    AWKWARD_FAMILY,
    DISCUSSION_FEEDBACK,
    F2F,
    FAILED_FEEDBACK,
    S81_NOTE,
    distinction,
    fail,
    pdf_text,
    resit_to_a_pass,
)
from tests.personas import build_world


def pdf(kind: Kind, result_id: int) -> bytes:
    """The document as the download serves it (openepa.documents.render)."""
    return render.render(kind, render.load(result_id))


pytestmark = pytest.mark.django_db

NAME = f"Åsa {AWKWARD_FAMILY}"
GQ = "gateway-qualifications"


def download(client, user, name: str, result_id: int) -> str:
    client.force_login(user)
    response = client.get(f"/documents/results/{result_id}/{name}.pdf")
    assert response.status_code == 200, (name, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


def method_rows(result: OverallResult) -> list[str]:
    """'<method> <Grade> <kind> (attempt n) <date>' as each grades table reads."""
    names = {
        "showcase": "Apprentice showcase",
        "observation": "Practical observation",
        "discussion": "Professional discussion",
    }
    kinds = {"first": "First attempt", "resit": "Resit"}
    return [
        f"{names[method]} {snap['grade'].capitalize()} {kinds[snap['kind']]} (attempt {snap['attempt']}) "
        f"{long_date(date.fromisoformat(snap['assessed_on']))}"
        for method, snap in result.methods.items()
    ]


def header(apprentice_name: str, uln: str, reference: str, issued: str) -> list[str]:
    return [
        f"Apprentice {apprentice_name}",
        f"Unique learner number (ULN) {uln}",
        "Apprenticeship standard ST0072 Customer Service Practitioner",
        "Level and version Level 2, version 1.1",
        "Employer Harbour Bank",
        "Training provider Coastal Training",
        "End-point assessment organisation Northern EPAO",
        f"Date of issue {issued}",
        f"Document reference {reference}",
    ]


def assert_all_in(text: str, expected: list[str]) -> None:
    missing = [words for words in expected if words not in text]
    assert not missing, f"missing {missing} in:\n{text}"


def test_a_distinction_has_a_statement_a_record_of_achievement_and_a_feedback_report(client, world):
    journey = distinction(world)
    journey.journey.release(world.admin)
    result = OverallResult.objects.get(pk=journey.result_id)
    uln = result.enrolment.apprentice.uln
    today = long_date(timezone.localdate())
    ref = f"{world.epao.pk}-{result.pk:06d}"
    me = journey.apprentice_user

    statement = download(client, me, "statement-of-results", result.pk)
    assert_all_in(
        statement,
        [
            *header(NAME, uln, f"SOR-{ref}", today),
            *method_rows(result),
            "Overall grade: Distinction",
            f"Northern EPAO · Statement of results SOR-{ref} · issued {today}",
            "It is not the apprenticeship certificate",
            "the apprentice, the employer or the training provider can make an enquiry about the results",
            "Contact Northern EPAO: Amina Admin, admin@northern.example",
        ],
    )
    assert "Capped" not in statement
    assert "Draft" not in statement
    assert len(method_rows(result)) == 3

    record = download(client, me, "record-of-achievement", result.pk)
    assert_all_in(
        record,
        [
            *header(NAME, uln, f"ROA-{ref}", today),
            "This is not the apprenticeship certificate.",
            "The official apprenticeship certificate is issued separately",
            f"This records that {NAME} (ULN {uln}) achieved Distinction in the end-point "
            f"assessment of ST0072 Customer Service Practitioner, level 2, version 1.1, assessed "
            f"by Northern EPAO; results issued on {today}.",
            *method_rows(result),
        ],
    )

    standard = get_standard("ST0072")
    assert standard is not None
    # The observation was marked with 4 of its 5 distinction criteria met: the fifth is an
    # area for development even within a Distinction.
    missed = standard.criteria_for(Method.OBSERVATION, F2F, Level.DISTINCTION)[4]
    feedback = download(client, me, "feedback-report", result.pk)
    assert_all_in(
        feedback,
        [
            *header(NAME, uln, f"FBR-{ref}", today),
            "Practical observation: Distinction",
            "Summarise the customer's request before acting. Close every call with a recap.",
            "Distinction criteria not achieved",
            f"{missed.code} {' '.join(missed.text.split())} Not met Saw and heard the evidence for {missed.code}.",
            "Professional discussion: Distinction",
            DISCUSSION_FEEDBACK,
            "Apprentice showcase: Distinction",
            "The assessor gave no written feedback for this method.",
        ],
    )
    assert "Pass criteria not achieved" not in feedback

    meta = PdfReader(io.BytesIO(pdf(STATEMENT, result.pk))).metadata
    assert meta is not None
    assert meta.title == f"Statement of results: {NAME}"
    assert meta.author == "Northern EPAO"

    # A Distinction has no fail letter.
    with pytest.raises(NotApplicable, match="A Distinction result has no fail letter"):
        pdf(FAIL_LETTER, result.pk)


@pytest.mark.parametrize(
    ("policy", "deadline", "cap", "capped"),
    [
        (
            "nqual",
            "All assessment methods taken by {six}: within 6 months of the first attempt on {first} (NQual EPA support pack v1.1 — Re-sit / Re-take)",
            "NQual caps the EPA at Pass after a resit or retake (NQual EPA support pack v1.1 — "
            "Re-sit / Re-take).",
            True,
        ),
        (
            GQ,
            "Resit or retake by {three}: within 3 months of the fail notification on {today} (Gateway Qualifications EPA specification v1.1 — §4)",
            "No cap: Gateway Qualifications removed it in its EPA specification v1.1 (change log).",
            False,
        ),
    ],
)
def test_a_fail_has_a_letter_with_its_deadlines_then_the_resit_a_statement_and_record(
    client, db, policy, deadline, cap, capped
):
    world = build_world(policy=policy)
    journey = fail(world)
    result = OverallResult.objects.get(pk=journey.fail_id)
    uln = world.enrolment.apprentice.uln
    today = timezone.localdate()
    first = result.first_component_on
    assert first is not None
    ref = f"{world.epao.pk}-{result.pk:06d}"
    issued = long_date(today)

    statement = download(client, world.employer_user, "statement-of-results", result.pk)
    assert_all_in(
        statement,
        [
            *header("Ada Lovelace", uln, f"SOR-{ref}", issued),
            *method_rows(result),
            "Practical observation Fail",
            "Overall grade: Fail",
            "The fail letter sets out which assessment methods are resat or retaken, and by when",
        ],
    )

    letter = download(client, world.apprentice_user, "fail-letter", result.pk)
    assert_all_in(
        letter,
        [
            *header("Ada Lovelace", uln, f"FAL-{ref}", issued),
            "Dear Ada,",
            f"was graded Fail; you were notified on {issued}.",
            *method_rows(result),
            "Practical observation, each in full. Apprentice showcase, Professional "
            "discussion were passed and are not resat or retaken",
            deadline.format(
                six=long_date(add_months(first, 6)),
                first=long_date(first),
                three=long_date(add_months(today, 3)),
                today=issued,
            ),
            "If the deadline is missed, the whole end-point assessment is taken again, unless "
            "Northern EPAO accepts exceptional circumstances",
            "A resit needs no further learning, and the employer bears its cost (ST0072 assessment plan (IfATE) — §8)",
            f"Grade after a resit or retake {cap}",
            "Your EPA feedback report gives the assessors' feedback on areas for development",
        ],
    )

    feedback = download(client, world.provider_user, "feedback-report", result.pk)
    assert_all_in(
        feedback,
        [
            "Practical observation: Fail",
            FAILED_FEEDBACK,
            "Pass criteria not achieved",
            "S8.1 Demonstrate willingness and ability to engage with customers in a positive "
            f"manner using relevant interpersonal skills Not met {S81_NOTE}",
            "Resit or retake guidance",
        ],
    )
    with pytest.raises(NotApplicable, match="A Fail result has no record of achievement"):
        pdf(RECORD, result.pk)

    resit_to_a_pass(world, journey)
    assert journey.pass_id is not None
    passed = OverallResult.objects.get(pk=journey.pass_id)
    assert passed.capped is capped
    grade = "Pass" if capped else "Distinction"
    statement = download(client, world.apprentice_user, "statement-of-results", passed.pk)
    assert_all_in(
        statement,
        [
            f"Document reference SOR-{world.epao.pk}-{passed.pk:06d}",
            "Practical observation Distinction Resit (attempt 2)",
            *method_rows(passed),
            f"Overall grade: {grade}"
            + (". Capped: NQual caps the EPA at Pass after a resit or retake" if capped else ""),
        ],
    )
    record = download(client, world.apprentice_user, "record-of-achievement", passed.pk)
    assert "This is not the apprenticeship certificate." in record
    assert f"achieved {grade} in the end-point assessment" in record
    # The earlier Fail's letter is still the record of what was sent.
    assert "Dear Ada," in download(client, world.apprentice_user, "fail-letter", result.pk)


def test_regenerating_a_document_from_the_same_data_gives_the_same_bytes(client, db, monkeypatch):
    world = build_world(policy="nqual")
    journey = fail(world)
    kinds = (STATEMENT, FAIL_LETTER, FEEDBACK)
    first = {kind: pdf(kind, journey.fail_id) for kind in kinds}
    # Weeks later (even past the resit window) the same result prints the same: only the
    # dates stored on the result and the enrolment are printed, never today's.
    later = timezone.now() + timedelta(days=200)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for kind in kinds:
        assert pdf(kind, journey.fail_id) == first[kind], kind.code
    client.force_login(world.employer_user)
    one = client.get(f"/documents/results/{journey.fail_id}/fail-letter.pdf").content
    two = client.get(f"/documents/results/{journey.fail_id}/fail-letter.pdf").content
    assert one == two == first[FAIL_LETTER]


def test_the_fail_letter_says_who_pays_for_a_resit_without_further_learning(client, db):
    # Seed 003 §8: a resit with no additional learning is at the employer's cost; seed 004:
    # the employer decides how many attempts the apprentice is given.
    world = build_world(policy="nqual")
    journey = fail(world)
    result = OverallResult.objects.get(pk=journey.fail_id)
    letter = download(client, world.apprentice_user, "fail-letter", result.pk)
    assert (
        "if you resit with no additional learning, Harbour Bank, your employer, bears the cost "
        "of the resit" in letter
    )
    assert "How many attempts you are given is up to your employer." in letter
    type(world.enrolment).objects.filter(pk=world.enrolment.pk).update(
        funded_attempts=2, further_learning_before_resit=False
    )
    letter = download(client, world.apprentice_user, "fail-letter", result.pk)
    assert_all_in(
        letter,
        [
            "Your employer has recorded that further learning did not take place before the "
            "next attempt.",
            "Harbour Bank funds 2 attempts of each assessment method, the first included.",
        ],
    )
