"""One outbox message as an email: text and HTML bodies, the calendar invitation of a
booking, and any files generated at send time. Sent through Django's default mailer
(settings.MAILERS: the console on a developer's machine, SMTP in production)."""

from __future__ import annotations

import email.message
import email.policy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import MIMEPart
from email.policy import Policy

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailAttachment
from django.db.models import Prefetch, prefetch_related_objects

from openepa.documents import render as documents
from openepa.documents import store
from openepa.documents.models import StoredDocument
from openepa.notifications.compose import ATTACHING, result_documents
from openepa.notifications.kinds import Calendar
from openepa.notifications.models import OutboxMessage
from openepa.results.catalogue import KINDS, Kind

PDF = "application/pdf"

#: Reads a stored document's bytes: store.read, or a batch's reader that reads each file
#: once for all the batch's messages (openepa.notifications.tasks.send_batch).
Reader = Callable[[StoredDocument], bytes]

#: Each message's stored documents with what their file names need, in one query for any
#: number of messages.
DOCUMENTS = Prefetch(
    "documents", queryset=StoredDocument.objects.select_related("result__enrolment")
)


def load_documents(messages: Iterable[OutboxMessage]) -> None:
    """Fetch the stored documents of these messages in one query (none when fetched)."""
    prefetch_related_objects(list(messages), DOCUMENTS)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def attachments_for(message: OutboxMessage, read: Reader = store.read) -> list[Attachment]:
    """The result's documents the message carries: the results-issued email has the
    statement of results and, as the grade calls for, the record of achievement or the fail
    letter (seed 000 §3). They were rendered once when the event's messages were written
    and are read back from the file store here, so every recipient, and a retried send,
    gets the same bytes without rendering anything. A results email written before the
    documents were stored finds or renders them now (openepa.documents.store)."""
    if message.kind not in ATTACHING or message.event is None:
        return []
    load_documents([message])
    stored = list(message.documents.all())
    if not stored:
        result_id = message.event.data.get("result_id")
        if result_id is None:
            return []
        stored = result_documents(int(result_id))
    order = {kind.code: (n, kind) for n, kind in enumerate(KINDS)}
    stored.sort(key=lambda document: order[document.kind][0])
    return [_attachment(document, order[document.kind][1], read) for document in stored]


def _attachment(document: StoredDocument, kind: Kind, read: Reader) -> Attachment:
    return Attachment(documents.filename(kind, document.result), read(document), PDF)


#: Attachments' MIME parts (their bytes base64-encoded into lines) by file name, bytes, type
#: and policy: a batch shares one, so a results email's documents are encoded once for its
#: three recipients rather than once an email (issue 15 §4).
Parts = dict[tuple[str, bytes, str, Policy], email.message.EmailMessage]


class Email(EmailMultiAlternatives):
    """Django's email, each attached file's MIME part taken from `parts` when an email of
    the same batch made it already. The attachments stay (name, bytes, type) for whoever
    reads them (the console mailer, the tests); only writing the email out changes."""

    #: The batch's encoded attachments; None: encoded for this email alone.
    parts: Parts | None = None

    def message(self, *, policy: Policy | None = None) -> email.message.EmailMessage:
        policy = email.policy.default if policy is None else policy
        files = self.attachments
        # Django attaches a MIME part as it is (EmailMessage.attach documents it).
        self.attachments = [self._encoded(file, policy) for file in files]
        try:
            return super().message(policy=policy)
        finally:
            self.attachments = files

    def _encoded(self, file: object, policy: Policy) -> object:
        if not isinstance(file, EmailAttachment) or self.parts is None:
            return file
        filename, content, mimetype = file
        if mimetype.startswith("text/") or not isinstance(content, bytes):
            return file
        key = (str(filename), content, mimetype, policy)
        part = self.parts.get(key)
        if part is None:
            # What Django's message() makes of it (msg.add_attachment: the same headers and
            # lines, tests/notifications compare the bytes). A part is only read when an
            # email is written out, so several emails can carry the same one.
            maintype, subtype = mimetype.split("/", 1)
            part = email.message.EmailMessage(policy=policy)
            part.set_content(content, maintype=maintype, subtype=subtype, filename=filename)
            self.parts[key] = part
        return part


def _calendar_method(ics: str) -> str:
    return Calendar.CANCEL.value if "METHOD:CANCEL" in ics else Calendar.REQUEST.value


def build_email(
    message: OutboxMessage, read: Reader = store.read, parts: Parts | None = None
) -> Email:
    email = Email(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id} if message.message_id else None,
    )
    email.parts = parts
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    if message.ics:
        email.attach(
            "invite.ics",
            message.ics,
            f"text/calendar; method={_calendar_method(message.ics)}",
        )
    for extra in attachments_for(message, read):
        email.attach(extra.filename, extra.content, extra.mimetype)
    return email


def send(
    message: OutboxMessage,
    *,
    backend: BaseEmailBackend | None = None,
    read: Reader = store.read,
    parts: Parts | None = None,
) -> list[dict[str, str]]:
    """Hand the email to the mailer (`backend`: an open connection a batch shares, else a new
    one; `parts`: the batch's attachments already encoded); raises whatever the mailer
    raises. Returns the name and type of each file attached, for the outbox."""
    email = build_email(message, read, parts)
    if backend is None:
        mail.mailers.default.send_messages([email])
    else:
        backend.open()  # once per batch: open() on an open connection does nothing
        backend.send_messages([email])
    return [
        {"filename": str(a.filename), "mimetype": str(a.mimetype)}
        for a in email.attachments
        if not isinstance(a, MIMEPart)
    ]
