"""Reading the emails the tests produce: who got which, and the calendar attachment."""

from __future__ import annotations

from typing import Any

from django.core import mail

from openepa.notifications.models import OutboxMessage


def sent_to(subject_part: str) -> dict[str, Any]:
    """{recipient: email} of the emails in mail.outbox whose subject contains the words."""
    found = {}
    for email in mail.outbox:
        if subject_part in email.subject:
            (recipient,) = email.to
            found[recipient] = email
    return found


def html_of(email: Any) -> str:
    (html, mimetype) = email.alternatives[0]
    assert mimetype == "text/html"
    return str(html)


def calendar_of(email: Any) -> dict[str, str]:
    """The .ics attachment unfolded into {property: value} (one VEVENT), plus its type."""
    (attachment,) = [a for a in email.attachments if a[0].endswith(".ics")]
    _name, content, mimetype = attachment
    assert "\r\n" in content, "RFC 5545 lines end with CRLF"
    unfolded = content.replace("\r\n ", "")
    fields = dict(line.split(":", 1) for line in unfolded.split("\r\n") if ":" in line)
    fields["_mimetype"] = mimetype
    return fields


def kinds() -> list[tuple[str, str]]:
    return sorted(OutboxMessage.objects.values_list("kind", "recipient"))
