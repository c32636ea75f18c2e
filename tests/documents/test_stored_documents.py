"""Each document of a result is rendered once and stored (openepa.documents.store), then
reused for every recipient's email and every download; a result that changes (an amended
sheet, the release that dates it) gets new documents, and the earlier ones stay as they
were sent (issue 15 §4). Renders are counted at the one place a PDF is made."""

from __future__ import annotations

import email.message
import email.policy

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives

from openepa.assessments.actions import do_amend_sheet
from openepa.assessments.models import Attempt
from openepa.documents import markup, store
from openepa.documents.models import StoredDocument
from openepa.domain.grading import Outcome
from openepa.enrolments.models import JourneyEvent
from openepa.notifications import compose
from openepa.notifications.models import OutboxMessage
from openepa.notifications.tasks import notify_for_event, send_message, send_messages
from openepa.results.models import OverallResult
from tests.documents.journeys import pdf_text
from tests.journeys.driver import Journey
from tests.notifications.helpers import sent_to

pytestmark = pytest.mark.django_db
PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}
SUBJECT = "Results of Ada Lovelace's end-point assessment"


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Counts the PDFs made: one entry per call of the renderer the store uses."""
    made: list[int] = []
    real = markup.to_pdf

    def counted(words: str) -> bytes:
        made.append(1)
        return real(words)

    monkeypatch.setattr("openepa.documents.store.to_pdf", counted)
    return made


def download(journey: Journey, user, result_id: int, name: str) -> bytes:
    response = journey.as_(user).get(f"/documents/results/{result_id}/{name}.pdf")
    assert response.status_code == 200, response.status_code
    return bytes(response.content)


def test_each_document_is_rendered_once_for_three_recipients_and_every_download(
    assessed, deliver, renders
):
    world, journey = assessed
    with deliver():
        result_id = journey.release(world.admin)
    emails = sent_to(SUBJECT)
    assert set(emails) == PARTIES
    # A Fail: the statement of results and the fail letter, each rendered once.
    assert len(renders) == 2
    stored = StoredDocument.objects.filter(result_id=result_id)
    assert sorted(stored.values_list("kind", flat=True)) == ["fail_letter", "statement"]
    attached = [
        {name: content for name, content, _ in email.attachments} for email in emails.values()
    ]
    assert attached[0] == attached[1] == attached[2]  # the same bytes to every recipient
    assert len(attached[0]) == 2
    for document in stored:
        assert store.read(document) in attached[0].values()
        assert default_storage.exists(document.name)
    # Every party's download serves the stored file: nothing is rendered again.
    by_name = {name.split("-")[0]: content for name, content in attached[0].items()}
    for user in (world.apprentice_user, world.employer_user, world.provider_user, world.admin):
        assert download(journey, user, result_id, "statement-of-results") == by_name["statement"]
        assert download(journey, user, result_id, "fail-letter") == by_name["fail"]
    assert len(renders) == 2
    # The feedback report, never attached, is rendered at its first download only.
    first = download(journey, world.apprentice_user, result_id, "feedback-report")
    assert download(journey, world.employer_user, result_id, "feedback-report") == first
    assert len(renders) == 3


def test_an_amended_result_gets_new_documents_and_the_old_ones_stay(assessed, deliver, renders):
    world, journey = assessed
    result_id = journey.latest_result_id()
    draft = download(journey, world.admin, result_id, "statement-of-results")
    assert "Overall grade: Fail" in pdf_text(draft)
    assert download(journey, world.admin, result_id, "statement-of-results") == draft
    assert len(renders) == 1
    observation = Attempt.objects.get(enrolment=world.enrolment, booking__method="observation")
    with deliver():
        do_amend_sheet(
            actor=world.admin,
            attempt_id=observation.pk,
            expected_version=observation.version,
            changes={"S8.1": Outcome.MET.value},
            reason="IQA review: the opening was positive on the recording.",
        )
    # The result recomputed: no longer a Fail, so a new statement.
    result = OverallResult.objects.get(enrolment=world.enrolment, superseded_at__isnull=True)
    assert result.grade != "fail"
    amended = download(journey, world.admin, result.pk, "statement-of-results")
    assert amended != draft
    assert f"Overall grade: {result.get_grade_display()}" in pdf_text(amended)
    assert len(renders) == 2
    versions = StoredDocument.objects.filter(kind="statement").values_list("version", flat=True)
    assert len(set(versions)) == 2  # the draft's stays stored beside the amended one
    # Released, the statement is dated: the emails carry a third version, rendered once.
    with deliver():
        journey.release(world.admin)
    assert set(sent_to(SUBJECT)) == PARTIES
    assert len(renders) == 4  # the statement and the record of achievement
    assert StoredDocument.objects.filter(result=result, kind="statement").count() == 3


def test_writing_the_emails_again_renders_nothing_and_adds_nothing(assessed, settings, renders):
    """notify_for_event run twice (a worker died after writing; the recovery queues it
    again) finds its messages and documents; a send run twice sends once."""
    world, journey = assessed
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    journey.release(world.admin)
    event_id = JourneyEvent.objects.get(action="release_results").pk
    notify_for_event.call(event_id)
    assert len(renders) == 2
    notify_for_event.call(event_id)
    assert len(renders) == 2
    messages = OutboxMessage.objects.filter(kind="results_issued")
    assert messages.count() == 3
    assert StoredDocument.objects.count() == 2
    for message in messages:
        assert message.documents.count() == 2
        assert send_message.call(message.pk) == "sent"
        assert send_message.call(message.pk) == "not waiting to be sent"
    assert len(mail.outbox) == 3
    assert len(renders) == 2


def test_a_results_email_written_before_documents_were_stored_still_carries_them(
    assessed, settings, renders
):
    """An outbox row from before this change names no stored documents: its send finds or
    renders them once, and the next recipient's reuses them."""
    world, journey = assessed
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    journey.release(world.admin)
    event_id = JourneyEvent.objects.get(action="release_results").pk
    compose.messages_for_event(event_id)
    for message in OutboxMessage.objects.filter(kind="results_issued"):
        message.documents.clear()
    StoredDocument.objects.all().delete()
    renders.clear()
    for message in OutboxMessage.objects.filter(kind="results_issued"):
        assert send_message.call(message.pk) == "sent"
    assert len(renders) == 2
    assert [len(email.attachments) for email in mail.outbox] == [2, 2, 2]


def test_a_worker_failing_after_storing_the_documents_loses_nothing(
    assessed, settings, renders, monkeypatch
):
    """The documents are stored before the messages are written, in the task's transaction:
    a failure there (a worker that dies, a database that goes away) writes no message and no
    row; the task run again (its retry, or the recovery of a dead worker's task) writes
    every message, naming the files already stored."""
    world, journey = assessed
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    journey.release(world.admin)
    event_id = JourneyEvent.objects.get(action="release_results").pk

    def dies(*args, **kwargs):
        raise ConnectionError("the worker lost its database")

    with monkeypatch.context() as patched:
        patched.setattr("openepa.notifications.compose.resolve", dies)
        with pytest.raises(ConnectionError):
            notify_for_event.call(event_id)
    assert not OutboxMessage.objects.filter(kind="results_issued").exists()
    assert not StoredDocument.objects.exists()
    assert len(renders) == 2
    assert notify_for_event.call(event_id) == 3
    names = set(StoredDocument.objects.values_list("name", flat=True))
    assert len(names) == 2
    assert all(default_storage.exists(name) for name in names)
    for message in OutboxMessage.objects.filter(kind="results_issued"):
        assert {d.name for d in message.documents.all()} == names
        assert send_message.call(message.pk) == "sent"
    assert [len(email.attachments) for email in mail.outbox] == [2, 2, 2]


def test_the_three_results_emails_are_one_batch_reading_each_document_once(
    assessed, settings, monkeypatch
):
    """The event's emails go as one send_messages batch, which reads each stored PDF once
    for its three recipients (and renders none)."""
    world, journey = assessed
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    journey.release(world.admin)
    event_id = JourneyEvent.objects.get(action="release_results").pk
    ids = compose.messages_for_event(event_id)
    reads: list[str] = []
    real = store.read

    def counted(document: StoredDocument) -> bytes:
        reads.append(document.name)
        return real(document)

    monkeypatch.setattr("openepa.documents.store.read", counted)
    assert send_messages.call(ids) == {"sent": 3}
    assert sorted(reads) == sorted(StoredDocument.objects.values_list("name", flat=True))
    assert len(reads) == 2
    assert [len(email.attachments) for email in mail.outbox] == [2, 2, 2]
    assert len({email.attachments[0][1] for email in mail.outbox}) == 1


def test_the_three_results_emails_share_each_attachment_encoded_once(
    assessed, settings, monkeypatch
):
    """A batch turns each PDF into its MIME part (base64) once, for the three emails, and
    every email is written out byte for byte as Django writes it from the same files."""
    world, journey = assessed
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    journey.release(world.admin)
    ids = compose.messages_for_event(JourneyEvent.objects.get(action="release_results").pk)
    encoded: list[str] = []
    real = email.message.EmailMessage.set_content

    def counted(part: email.message.EmailMessage, *args: object, **kwargs: object) -> None:
        if args and isinstance(args[0], bytes):
            encoded.append(str(kwargs.get("filename")))
        real(part, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(email.message.EmailMessage, "set_content", counted)
    assert send_messages.call(ids) == {"sent": 3}
    assert len(encoded) == 2  # the statement and the fail letter, once each
    monkeypatch.setattr(email.message.EmailMessage, "set_content", real)
    for sent in mail.outbox:
        shared = sent.message(policy=email.policy.SMTP)
        django = EmailMultiAlternatives.message(sent, policy=email.policy.SMTP)
        leaves = [
            [p.as_bytes() for p in m.walk() if not p.is_multipart()] for m in (shared, django)
        ]
        assert leaves[0] == leaves[1]
        assert len(leaves[0]) == 4  # text, HTML, two PDFs
        assert {name for name, _, _ in sent.attachments} == set(encoded)
