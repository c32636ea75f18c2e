"""Showcase evidence through the pages: who adds it, what is refused (size, content that
does not match its name, the portfolio limit, the AI declaration), how it is stored (outside
the web root, under a random name) and served (only to those who see the enrolment, as an
attachment)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openepa.enrolments.models import JourneyEvent
from openepa.evidence.models import EvidenceFile
from openepa.reference.models import Policy
from tests.assessments.helpers import book
from tests.personas import build_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.OPENEPA_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.OPENEPA_UPLOAD_ROOT


@pytest.fixture
def nqual_world(db):
    """NQual: a portfolio of at most 20 pieces (seed 004), no AI declaration."""
    return build_world("nqual")


def url(world):
    return f"/evidence/enrolments/{world.enrolment.pk}/"


def upload(client, world, name="feedback.pdf", content=PDF, title="Customer feedback log", **extra):
    return client.post(
        url(world), {"title": title, "file": SimpleUploadedFile(name, content), **extra}
    )


def test_provider_adds_a_pdf_and_every_party_downloads_it_as_an_attachment(
    client, nqual_world, upload_root
):
    world = nqual_world
    client.force_login(world.provider_user)
    response = upload(client, world)
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = EvidenceFile.objects.get()
    assert evidence.content_type == "application/pdf"
    stored = Path(upload_root) / evidence.stored_name
    assert stored.read_bytes() == PDF
    assert "feedback" not in evidence.stored_name  # a random name, never the user's
    assert JourneyEvent.objects.filter(action="upload_evidence").count() == 1
    page = client.get(url(world)).content.decode()
    assert "Customer feedback log" in page
    assert "1 held" in page
    for user in (world.apprentice_user, world.employer_user, world.admin):
        client.force_login(user)
        response = client.get(f"/evidence/{evidence.pk}/download")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="feedback.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_outsiders_get_404_for_the_page_and_the_file(client, nqual_world):
    world = nqual_world
    client.force_login(world.provider_user)
    upload(client, world)
    evidence = EvidenceFile.objects.get()
    for user in (world.outsider_employer, world.outsider_provider, world.outsider_admin):
        client.force_login(user)
        assert client.get(url(world)).status_code == 404
        assert client.get(f"/evidence/{evidence.pk}/download").status_code == 404
        assert upload(client, world, title="Mine").status_code == 404
    assert EvidenceFile.objects.count() == 1


def test_a_file_whose_content_does_not_match_its_name_is_refused(client, nqual_world, upload_root):
    world = nqual_world
    client.force_login(world.employer_user)
    response = upload(client, world, name="report.pdf", content=b"MZ\x90\x00 an executable")
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "its contents must match its name" in html
    assert "'report.pdf' has .pdf" in html
    assert not EvidenceFile.objects.exists()
    assert not list(
        Path(str(pytest.importorskip("django.conf").settings.OPENEPA_UPLOAD_ROOT)).rglob("*.pdf")
    )


def test_accepted_kinds_by_content(client, nqual_world):
    world = nqual_world
    client.force_login(world.apprentice_user)
    assert upload(client, world, name="photo.png", content=PNG, title="Award").status_code == 302
    assert (
        upload(client, world, name="log.docx", content=docx_bytes(), title="Log").status_code == 302
    )
    # A .docx that is not an Office package (a bare ZIP) is refused.
    bare = io.BytesIO()
    with zipfile.ZipFile(bare, "w") as package:
        package.writestr("notes.txt", "hello")
    response = upload(client, world, name="fake.docx", content=bare.getvalue(), title="Fake")
    assert "is not a Word or PowerPoint file" in response.content.decode().replace("&#x27;", "'")
    assert sorted(EvidenceFile.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_a_file_over_the_size_limit_is_refused(client, nqual_world, settings):
    settings.OPENEPA_UPLOAD_MAX_BYTES = 1_000_000
    world = nqual_world
    client.force_login(world.provider_user)
    response = upload(client, world, content=PDF + b"0" * 1_200_000)
    assert "The file is 1.2 MB; the largest file accepted is 1 MB." in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_the_portfolio_holds_at_most_20_pieces_under_nqual(client, nqual_world):
    world = nqual_world
    client.force_login(world.provider_user)
    for n in range(20):
        assert upload(client, world, title=f"Piece {n + 1}").status_code == 302
    response = upload(client, world, title="Piece 21")
    assert "already holds 20 pieces of evidence, the most this EPAO accepts (20)." in (
        response.content.decode()
    )
    assert EvidenceFile.objects.count() == 20
    # Removing one makes room again; the removed piece keeps its row but loses its file.
    first = EvidenceFile.objects.order_by("id")[0]
    assert client.post(f"/evidence/{first.pk}/remove").status_code == 302
    first.refresh_from_db()
    assert first.removed_at is not None
    assert client.get(f"/evidence/{first.pk}/download").status_code == 404
    assert upload(client, world, title="Piece 21").status_code == 302


def test_highfield_asks_for_the_ai_declaration(client, world):
    assert Policy.objects.get(pk=world.enrolment.policy_id).code == "highfield"
    client.force_login(world.provider_user)
    response = upload(client, world)
    assert "any use of AI tools is declared and referenced" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert upload(client, world, ai_declaration="on").status_code == 302
    assert EvidenceFile.objects.get().ai_declaration is True


def test_the_allocated_assessor_may_download_but_not_add_or_remove(client, nqual_world):
    world = nqual_world
    client.force_login(world.provider_user)
    upload(client, world)
    evidence = EvidenceFile.objects.get()
    client.force_login(world.assessor)
    # Before an assessment is allocated to them, the assessor cannot see the enrolment.
    assert client.get(f"/evidence/{evidence.pk}/download").status_code == 404
    book(world, "showcase")
    assert client.get(f"/evidence/{evidence.pk}/download").status_code == 200
    page = client.get(url(world)).content.decode()
    assert "Customer feedback log" in page
    assert "Add evidence" not in page
    assert "Remove" not in page
    assert upload(client, world, title="Assessor's").status_code == 200
    assert client.post(f"/evidence/{evidence.pk}/remove").status_code == 404
    assert EvidenceFile.objects.filter(removed_at__isnull=True).count() == 1
