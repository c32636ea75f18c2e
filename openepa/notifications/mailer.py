"""One outbox message as an email: text and HTML bodies, the calendar invitation of a
booking, and any files generated at send time. Sent through Django's default mailer
(settings.MAILERS: the console on a developer's machine, SMTP in production)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import MIMEPart

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from openepa.documents import render as documents
from openepa.documents import store
from openepa.documents.models import StoredDocument
from openepa.notifications.compose import ATTACHING, result_documents
from openepa.notifications.kinds import Calendar
from openepa.notifications.models import OutboxMessage
from openepa.results.catalogue import KINDS, Kind

PDF = "application/pdf"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def attachments_for(message: OutboxMessage) -> list[Attachment]:
    """The result's documents the message carries: the results-issued email has the
    statement of results and, as the grade calls for, the record of achievement or the fail
    letter (seed 000 §3). They were rendered once when the event's messages were written
    and are read back from the file store here, so every recipient, and a retried send,
    gets the same bytes without rendering anything. A results email written before the
    documents were stored finds or renders them now (openepa.documents.store)."""
    if message.kind not in ATTACHING or message.event is None:
        return []
    stored = list(message.documents.select_related("result__enrolment"))
    if not stored:
        result_id = message.event.data.get("result_id")
        if result_id is None:
            return []
        stored = result_documents(int(result_id))
    order = {kind.code: (n, kind) for n, kind in enumerate(KINDS)}
    stored.sort(key=lambda document: order[document.kind][0])
    return [_attachment(document, order[document.kind][1]) for document in stored]


def _attachment(document: StoredDocument, kind: Kind) -> Attachment:
    return Attachment(documents.filename(kind, document.result), store.read(document), PDF)


def _calendar_method(ics: str) -> str:
    return Calendar.CANCEL.value if "METHOD:CANCEL" in ics else Calendar.REQUEST.value


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id} if message.message_id else None,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    if message.ics:
        email.attach(
            "invite.ics",
            message.ics,
            f"text/calendar; method={_calendar_method(message.ics)}",
        )
    for extra in attachments_for(message):
        email.attach(extra.filename, extra.content, extra.mimetype)
    return email


def send(message: OutboxMessage) -> list[dict[str, str]]:
    """Hand the email to the mailer; raises whatever the mailer raises. Returns the name and
    type of each file attached, for the outbox."""
    email = build_email(message)
    mail.mailers.default.send_messages([email])
    return [
        {"filename": str(a.filename), "mimetype": str(a.mimetype)}
        for a in email.attachments
        if not isinstance(a, MIMEPart)
    ]
