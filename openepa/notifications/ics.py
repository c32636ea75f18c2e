"""A booking as an iCalendar invitation (RFC 5545) for calendar apps, with the iTIP method
(RFC 5546): REQUEST to add or update it, CANCEL to remove it.

A rescheduled booking is a new row that `replaces` the old one, so the event keeps the UID of
the first booking of the chain and SEQUENCE counts the changes: calendar apps then update the
entry they have instead of adding a second one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone

from openepa.bookings.models import Booking
from openepa.notifications.kinds import Calendar

_LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than 75 octets are folded


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold at 75 octets with CRLF and a space, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = _LINE_OCTETS if not out else _LINE_OCTETS - 1
        if len((current + char).encode()) > limit:
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return "\r\n ".join(out)


def chain(booking: Booking) -> tuple[Booking, int]:
    """The first booking of a reschedule chain and how many times it was rescheduled."""
    root, depth = booking, 0
    while root.replaces_id is not None:
        root = Booking.objects.get(pk=root.replaces_id)
        depth += 1
    return root, depth


def booking_calendar(booking: Booking, method: Calendar, *, summary: str) -> str:
    """The .ics text of one booking: METHOD:REQUEST with its times, or METHOD:CANCEL."""
    root, depth = chain(booking)
    sequence = depth + 1 if method == Calendar.CANCEL else depth
    organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    location = "Remote (online)" if booking.remote else booking.venue
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//OpenEPA//Bookings//EN",
        f"METHOD:{method.value}",
        "BEGIN:VEVENT",
        f"UID:booking-{root.pk}@{organiser.rsplit('@', 1)[-1] or 'openepa'}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{_utc(booking.starts_at)}",
        f"DTEND:{_utc(booking.starts_at + timedelta(minutes=booking.duration_minutes))}",
        f"SUMMARY:{_text(summary)}",
        f"LOCATION:{_text(location)}",
        f"ORGANIZER:mailto:{organiser}",
        f"STATUS:{'CANCELLED' if method == Calendar.CANCEL else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
