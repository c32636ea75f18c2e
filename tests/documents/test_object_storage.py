"""Files in S3-compatible object storage (issue 15 §6): with the default storage in a bucket
of a local S3 server (moto's server mode, over HTTP; the `object_store` fixture), uploaded
evidence and the stored documents of a result are written to the bucket and read back from
it through the same pages; nothing is written to the machine's upload folder, so web and
worker processes on other hosts see the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from openepa.documents.models import StoredDocument
from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Method
from openepa.evidence.models import EvidenceFile
from tests.journeys.driver import Journey, marks
from tests.notifications.helpers import sent_to
from tests.personas import build_world

pytestmark = pytest.mark.django_db
F2F = frozenset({InteractionMode.FACE_TO_FACE})
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def files_on_disk() -> list[Path]:
    return [p for p in Path(settings.OPENEPA_UPLOAD_ROOT).rglob("*") if p.is_file()]


def test_evidence_is_uploaded_to_the_bucket_downloaded_from_it_and_removed_from_it(
    client, object_store, django_capture_on_commit_callbacks
):
    world = build_world("nqual")
    before = files_on_disk()
    client.force_login(world.provider_user)
    response = client.post(
        f"/evidence/enrolments/{world.enrolment.pk}/",
        {"title": "Customer feedback log", "file": SimpleUploadedFile("feedback.pdf", PDF)},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert object_store.keys() == [evidence.stored_name]
    assert object_store.read(evidence.stored_name) == PDF
    for user in (world.apprentice_user, world.employer_user, world.admin):
        client.force_login(user)
        response = client.get(f"/evidence/{evidence.pk}/download")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="feedback.pdf"'
        assert b"".join(response.streaming_content) == PDF
    client.force_login(world.outsider_provider)
    assert client.get(f"/evidence/{evidence.pk}/download").status_code == 404
    client.force_login(world.provider_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/evidence/{evidence.pk}/remove").status_code == 302
    assert object_store.keys() == []  # the file goes once the removal commits
    assert files_on_disk() == before


def test_a_released_results_documents_are_stored_in_the_bucket_and_served_from_it(
    deliver, object_store
):
    world = build_world(policy="nqual")
    journey = Journey(world.enrolment)
    with deliver():
        showcase, observation, discussion = journey.to_three_bookings(world)
        journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 10))
        failed = marks(Method.OBSERVATION, F2F, 5, {"S8.1": Outcome.NOT_MET})
        journey.mark(world.assessor, observation, failed)
        journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 4))
    before = files_on_disk()
    uploaded = set(object_store.keys())  # the gateway's documents, uploaded on the way
    mail.outbox.clear()
    with deliver():
        result_id = journey.release(world.admin)
    stored = {d.kind: d for d in StoredDocument.objects.filter(result_id=result_id)}
    listed: list[str] = object_store.keys()
    added = [key for key in listed if key not in uploaded]
    assert added == sorted(d.name for d in stored.values())
    emails = sent_to("Results of Ada Lovelace's end-point assessment")
    assert len(emails) == 3
    for email in emails.values():
        attached = {name.split("-")[0]: content for name, content, _ in email.attachments}
        assert attached["statement"] == object_store.read(stored["statement"].name)
        assert attached["fail"] == object_store.read(stored["fail_letter"].name)
    response = journey.as_(world.apprentice_user).get(
        f"/documents/results/{result_id}/statement-of-results.pdf"
    )
    assert response.status_code == 200
    assert response.content == object_store.read(stored["statement"].name)
    assert files_on_disk() == before  # nothing on this machine's disk
