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
from openepa.notifications.kinds import Calendar
from openepa.notifications.models import OutboxMessage
from openepa.results.catalogue import FEEDBACK, kinds_for

PDF = "application/pdf"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def attachments_for(message: OutboxMessage) -> list[Attachment]:
    """Files generated when the message is sent rather than stored with it: the results-
    issued email carries the statement of results and, as the grade calls for, the record
    of achievement or the fail letter (seed 000 §3). The feedback report stays a download
    on the result page. Rendering is deterministic, so a retried send attaches the same
    bytes."""
    if message.kind not in ("results_issued", "results_reissued") or message.event is None:
        return []
    result_id = message.event.data.get("result_id")
    if result_id is None:
        return []
    result = documents.load(int(result_id))
    return [
        Attachment(documents.filename(kind, result), documents.render(kind, result), PDF)
        for kind in kinds_for(result)
        if kind is not FEEDBACK
    ]


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
