"""One outbox message as an email: text and HTML bodies, the calendar invitation of a
booking, and any files generated at send time. Sent through Django's default mailer
(settings.MAILERS: the console on a developer's machine, SMTP in production)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import MIMEPart

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from openepa.notifications.kinds import Calendar
from openepa.notifications.models import OutboxMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def attachments_for(message: OutboxMessage) -> list[Attachment]:
    """Files generated when the message is sent rather than stored with it.

    The one place where the statement of results (and the record of achievement or fail
    letter) will be attached to a results_issued email, as PDF bytes from
    openepa.documents.render, once that context exists. Until then the email links to the
    result page, which every recipient can open.
    """
    return []


def _calendar_method(ics: str) -> str:
    return Calendar.CANCEL.value if "METHOD:CANCEL" in ics else Calendar.REQUEST.value


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
    )
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
