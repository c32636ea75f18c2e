"""Showcase evidence mapped to criteria, through the pages: several files at once, the
criteria OpenEPA suggests from each file's words (never ticked for anyone), a person's
choice of tags, the marking sheet's evidence per criterion, the booking page's criteria with
no evidence, and what the assessor saw on the pages that check a decision."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openepa.assessments.models import Attempt
from openepa.cases.models import Case, ReasonableAdjustment
from openepa.enrolments.models import JourneyEvent
from openepa.evidence.models import EvidenceFile, EvidenceTag
from openepa.quality.models import IqaSample
from tests.assessments.helpers import book, sheet_url
from tests.cases.helpers import released
from tests.evidence.files import docx, pdf
from tests.personas import build_world

pytestmark = pytest.mark.django_db

COMPLAINTS = docx(
    "Complaint handling log",
    "Under our complaints procedure I logged the complaint, followed the organisational "
    "policies and procedures and explained the digital media policy to the customer.",
)
SAFETY = pdf(
    "Health and safety at work: my responsibilities as an employee",
    "My employer's responsibilities under the Health and Safety at Work Act",
)


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.OPENEPA_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.OPENEPA_UPLOAD_ROOT


def portfolio_url(world):
    return f"/evidence/enrolments/{world.enrolment.pk}/"


def tag_url(piece):
    return f"/evidence/{piece.pk}/criteria"


def html(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def upload_two(client, world):
    return client.post(
        portfolio_url(world),
        {
            "file": [
                SimpleUploadedFile("complaints_log.docx", COMPLAINTS),
                SimpleUploadedFile("safety.pdf", SAFETY),
            ],
            "title": "",
            "ai_declaration": "on",
        },
    )


def checkbox_codes(page):
    """The criteria offered on the tag page, in order, and those ticked."""
    boxes = re.findall(r'<input class="govuk-checkboxes__input"[^>]*>', page)
    codes = [re.findall(r'value="([^"]+)"', b)[0] for b in boxes]
    ticked = [c for c, b in zip(codes, boxes, strict=True) if " checked" in b]
    return codes, ticked


def tag(client, piece, *codes):
    piece.refresh_from_db()
    return client.post(tag_url(piece), {"criteria": list(codes), "version": piece.version})


@pytest.mark.parametrize("persona", ["provider_user", "employer_user", "apprentice_user"])
def test_the_apprentice_s_side_adds_several_files_at_once_and_tags_each_from_suggestions(
    client, world, persona
):
    client.force_login(getattr(world, persona))
    response = upload_two(client, world)
    assert response.status_code == 302, html(response)[:3000]
    complaints, safety = EvidenceFile.objects.order_by("id")
    assert [complaints.title, safety.title] == ["complaints log", "safety"]
    assert response["Location"] == tag_url(complaints)
    assert JourneyEvent.objects.filter(action="upload_evidence").count() == 2
    # Suggested from the files' words; nothing is tagged until a person chooses.
    assert "K2.4" in complaints.suggested
    assert "K3.3" in safety.suggested
    assert not EvidenceTag.objects.exists()

    page = html(client.get(tag_url(complaints)))
    codes, ticked = checkbox_codes(page)
    assert codes[: len(complaints.suggested)] == complaints.suggested  # suggested first
    assert len(codes) == 40  # every showcase criterion is offered
    assert ticked == []
    assert page.count("Suggested</strong>") == len(complaints.suggested)
    assert "nothing is ticked for you" in page

    # Saving the first piece's tags goes on to the next piece without tags.
    response = tag(client, complaints, "K2.4", "K2.5")
    assert response["Location"] == tag_url(safety)
    response = tag(client, safety, "K3.3")
    assert response["Location"] == portfolio_url(world)
    assert sorted(EvidenceTag.objects.values_list("evidence_id", "criterion_code")) == [
        (complaints.pk, "K2.4"),
        (complaints.pk, "K2.5"),
        (safety.pk, "K3.3"),
    ]
    event = JourneyEvent.objects.filter(action="tag_evidence").order_by("id")[0]
    assert event.data["criteria"] == ["K2.4", "K2.5"]

    # The tags show on the portfolio and are ticked when the piece is opened again.
    portfolio = html(client.get(portfolio_url(world)))
    assert '<strong class="govuk-tag">K3.3</strong>' in portfolio
    assert "37 of 40 showcase criteria have no evidence tagged yet" in portfolio
    assert checkbox_codes(html(client.get(tag_url(complaints))))[1] == ["K2.4", "K2.5"]
    # Untagging: the person's choice replaces the previous one.
    tag(client, complaints, "K2.4")
    assert list(complaints.tags.values_list("criterion_code", flat=True)) == ["K2.4"]


def test_a_file_with_no_words_gets_no_suggestion(client, world):
    client.force_login(world.provider_user)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    client.post(
        portfolio_url(world),
        {"file": SimpleUploadedFile("award.png", png), "title": "Award", "ai_declaration": "on"},
    )
    piece = EvidenceFile.objects.get()
    assert piece.title == "Award"
    assert piece.suggested == []
    page = html(client.get(tag_url(piece)))
    assert "OpenEPA could not read words from this file" in page
    assert "Suggested</strong>" not in page


def test_tagging_refusals_name_the_rule(client, world):
    client.force_login(world.provider_user)
    upload_two(client, world)
    piece = EvidenceFile.objects.order_by("id")[0]
    response = tag(client, piece, "S8.1")  # an observation criterion
    assert response.status_code == 200
    assert "Select a valid choice. S8.1 is not one of the available choices." in html(response)
    stale = client.post(tag_url(piece), {"criteria": ["K2.1"], "version": piece.version - 1})
    assert "This record was changed by someone else while you were working on it." in html(stale)
    assert not EvidenceTag.objects.exists()


def test_the_limit_holds_for_several_files_at_once(client):
    world = build_world("nqual")  # at most 20 pieces
    client.force_login(world.provider_user)
    for n in range(19):
        client.post(
            portfolio_url(world),
            {"file": SimpleUploadedFile(f"p{n}.pdf", SAFETY), "title": f"Piece {n}"},
        )
    assert EvidenceFile.objects.count() == 19
    response = client.post(
        portfolio_url(world),
        {
            "file": [
                SimpleUploadedFile("a.pdf", SAFETY),
                SimpleUploadedFile("b.pdf", SAFETY),
            ]
        },
    )
    assert (
        "The portfolio holds 19 pieces of evidence and this EPAO accepts at most 20: choose at "
        "most 1 files (you chose 2)." in html(response)
    )
    assert EvidenceFile.objects.count() == 19


def test_one_bad_file_refuses_the_whole_upload_and_stores_nothing(client, world, upload_root):
    client.force_login(world.provider_user)
    response = client.post(
        portfolio_url(world),
        {
            "file": [
                SimpleUploadedFile("good.pdf", SAFETY),
                SimpleUploadedFile("bad.pdf", b"MZ an executable"),
            ],
            "ai_declaration": "on",
        },
    )
    assert "bad.pdf: The file must be a PDF" in html(response)
    assert not EvidenceFile.objects.exists()
    assert not [p for p in upload_root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    "persona", ["admin", "assessor", "iqa", "outsider_provider", "outsider_employer"]
)
def test_only_the_apprentice_s_side_opens_the_tag_page(client, world, persona):
    client.force_login(world.provider_user)
    upload_two(client, world)
    piece = EvidenceFile.objects.order_by("id")[0]
    book(world, "showcase")
    client.force_login(world.personas()[persona])
    assert client.get(tag_url(piece)).status_code == 404
    assert tag(client, piece, "K2.1").status_code == 404
    assert not EvidenceTag.objects.exists()


def tagged_portfolio(client, world):
    client.force_login(world.provider_user)
    upload_two(client, world)
    complaints, safety = EvidenceFile.objects.order_by("id")
    tag(client, complaints, "K2.4", "K2.5")
    tag(client, safety, "K3.3")
    return complaints, safety


def test_the_marking_sheet_shows_the_evidence_tagged_to_each_criterion(client, world):
    complaints, safety = tagged_portfolio(client, world)
    booking = book(world, "showcase")
    client.force_login(world.assessor)
    page = html(client.get(sheet_url(booking)))
    k24 = page.index('id="id_outcome_K2_4"')
    k33 = page.index('id="id_outcome_K3_3"')
    assert (
        f'href="/evidence/{complaints.pk}/download"' in page[k24 : page.index("</fieldset>", k24)]
    )
    assert f'href="/evidence/{safety.pk}/download"' in page[k33 : page.index("</fieldset>", k33)]
    k21 = page.index('id="id_outcome_K2_1"')
    assert "Evidence tagged to K2.1:</strong> none." in page[k21 : page.index("</fieldset>", k21)]
    # The link opens the file for the allocated assessor.
    assert client.get(f"/evidence/{safety.pk}/download").status_code == 200
    # An observation sheet shows no showcase evidence.
    observation = book(world, "observation")
    assert "Evidence tagged to" not in html(client.get(sheet_url(observation)))


def test_the_booking_page_lists_the_showcase_criteria_with_no_evidence(client, world):
    tagged_portfolio(client, world)
    booking = book(world, "showcase")
    client.force_login(world.admin)
    page = html(client.get(f"/bookings/{booking.pk}/"))
    assert "37 of 40 showcase criteria have no evidence tagged to them." in page
    gaps = page[page.index('aria-label="Showcase criteria with no evidence"') :]
    gaps = gaps[: gaps.index("</ul>")]
    assert "<strong>K2.1</strong>" in gaps
    assert "<strong>K2.4</strong>" not in gaps
    assert "<strong>K3.3</strong>" not in gaps


def test_portfolio_page_queries_do_not_grow_with_pieces(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.provider_user)
    upload_two(client, world)
    template = EvidenceFile.objects.order_by("id")[0]

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(portfolio_url(world)).status_code == 200
        return len(captured)

    few = count()
    for n in range(50):
        template.pk = None
        template.stored_name = f"x/{n}.pdf"
        template.save()
        EvidenceTag.objects.create(evidence=template, criterion_code="K2.1", tagged_by=world.admin)
    with django_assert_max_num_queries(few):
        assert "K2.1" in html(client.get(portfolio_url(world)))


# What the assessor saw, on the pages that check the decision.


def decided(client, world):
    """A tagged portfolio, an approved adjustment and a released result (its showcase sheet
    submitted with an evidence note on every criterion)."""
    pieces = tagged_portfolio(client, world)
    ReasonableAdjustment.objects.create(
        enrolment=world.enrolment,
        requested_by=world.provider_user,
        requester_organisation=world.provider,
        requested_on=timezone.localdate(),
        needs="Private needs",
        arrangement="25% extra time for the showcase interview",
        state="approved",
        decided_at=timezone.now(),
    )
    result = released(world, {"showcase": "pass", "observation": "fail", "discussion": "pass"})
    # The builder marks without notes; the assessor's note on one criterion:
    showcase = Attempt.objects.get(pk__in=result.attempt_ids, method="showcase")
    showcase.judgements.filter(criterion_code="K3.3").update(note="Named both sets of duties")
    return pieces, result


def assert_shows_what_the_assessor_saw(page, pieces):
    complaints, safety = pieces
    section = page[page.index('id="showcase-for-review"') :]
    assert "Showcase evidence the assessor saw" in section
    assert f'href="/evidence/{complaints.pk}/download"' in section
    assert f'href="/evidence/{safety.pk}/download"' in section
    assert "25% extra time for the showcase interview" in section
    assert "Private needs" not in page
    assert "Named both sets of duties" in section


def test_the_iqa_review_page_shows_the_showcase_files_tags_notes_and_adjustments(client, world):
    pieces, result = decided(client, world)
    showcase = Attempt.objects.get(pk__in=result.attempt_ids, method="showcase")
    sample = IqaSample.objects.create(attempt=showcase, reason="rate", explanation="x", draw=0)
    for user in (world.iqa, world.admin):
        client.force_login(user)
        page = html(client.get(f"/iqa/sample/{sample.pk}/"))
        assert_shows_what_the_assessor_saw(page, pieces)
        assert client.get(f"/evidence/{pieces[0].pk}/download").status_code == 200


def test_the_case_page_shows_it_to_the_admin_and_the_reviewer_and_panel_open_the_files(
    client, world
):
    pieces, result = decided(client, world)
    case = Case.objects.create(
        enrolment=world.enrolment,
        kind="appeal",
        result=result,
        raised_by=world.apprentice_user,
        raised_on=timezone.localdate(),
        grounds="Grounds",
        reviewer=world.second_assessor,
    )
    case.panel.add(world.iqa)
    client.force_login(world.admin)
    assert_shows_what_the_assessor_saw(html(client.get(f"/cases/{case.pk}/")), pieces)
    # The reviewer (an assessor not allocated to this apprentice) opens the files.
    client.force_login(world.second_assessor)
    assert client.get(f"/evidence/{pieces[1].pk}/download").status_code == 200
    # The parties follow the case but are not shown the assessor's notes here.
    client.force_login(world.apprentice_user)
    assert "Showcase evidence the assessor saw" not in html(client.get(f"/cases/{case.pk}/"))
    # Not the reviewer of any case about this apprentice: 404, as for a missing file.
    client.force_login(world.outsider_assessor)
    assert client.get(f"/evidence/{pieces[1].pk}/download").status_code == 404
    # A panel member who is not the reviewer opens them too, until the panel changes.
    case.reviewer = None
    case.save()
    case.panel.add(world.second_assessor)
    client.force_login(world.second_assessor)
    assert client.get(f"/evidence/{pieces[1].pk}/download").status_code == 200
    case.panel.clear()
    assert client.get(f"/evidence/{pieces[1].pk}/download").status_code == 404


def test_the_admin_s_amendment_page_shows_it(client, world):
    client.force_login(world.provider_user)
    pieces = tagged_portfolio(client, world)
    booking = book(world, "showcase", on=date(2026, 3, 2))
    attempt = Attempt.objects.create(
        enrolment=world.enrolment,
        booking=booking,
        method="showcase",
        number=1,
        kind="first",
        assessor=world.assessor,
        assessed_on=date(2026, 3, 2),
        status=Attempt.Status.SUBMITTED,
    )
    attempt.judgements.create(criterion_code="K3.3", outcome="met", note="Explained both duties")
    client.force_login(world.admin)
    page = html(client.get(f"/marking/attempt/{attempt.pk}/amend"))
    section = page[page.index('id="showcase-for-review"') :]
    assert f'href="/evidence/{pieces[0].pk}/download"' in section
    assert "Met: Explained both duties" in section
    assert "Reasonable adjustments that applied" in section


def more_pieces(world, like: EvidenceFile, n: int) -> None:
    for i in range(n):
        like.pk = None
        like.stored_name = f"more/{i}.pdf"
        like.save()
        EvidenceTag.objects.create(evidence=like, criterion_code="K2.2", tagged_by=world.admin)


def queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_sheet_and_review_pages_queries_do_not_grow_with_pieces(
    client, world, django_assert_max_num_queries
):
    pieces, result = decided(client, world)
    showcase = Attempt.objects.get(pk__in=result.attempt_ids, method="showcase")
    sample = IqaSample.objects.create(attempt=showcase, reason="rate", explanation="x", draw=0)
    pages = (
        (world.iqa, f"/iqa/sample/{sample.pk}/"),
        (world.admin, sheet_url(showcase.booking)),  # the read-only sheet
    )
    before = []
    for user, url in pages:
        client.force_login(user)
        before.append(queries_of(client, url))
    more_pieces(world, EvidenceFile.objects.get(pk=pieces[0].pk), 30)
    for (user, url), few in zip(pages, before, strict=True):
        client.force_login(user)
        with django_assert_max_num_queries(few):
            response = client.get(url)
        assert response.status_code == 200
        assert f"/evidence/{pieces[0].pk}/download" in html(response)
