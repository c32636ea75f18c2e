"""Bookings as iCalendar events (RFC 5545), shared by the emails' .ics attachments
(openepa.notifications.ics) and the private calendar feeds (openepa.bookings.feeds), so a
calendar app that gets both sees one event.

A rescheduled booking is a new row that `replaces` the old one; every row of the chain
carries the chain's first booking as `series`, so the event's UID never changes, and
`sequence` counts the reschedules. A cancellation is one more change (SEQUENCE + 1, RFC 5545
§3.8.7.4: "each time the Organizer makes a significant revision")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import cache

from django.conf import settings

from openepa.bookings.models import Booking

_LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than 75 octets are folded


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold at 75 octets with CRLF and a space, never inside a UTF-8 character."""
    if len(line) <= _LINE_OCTETS // 4 or len(line.encode()) <= _LINE_OCTETS:
        return line  # most lines: nothing to fold (a character is at most 4 octets)
    out: list[str] = []
    current = ""
    size = 0  # octets in `current`
    for char in line:
        limit = _LINE_OCTETS if not out else _LINE_OCTETS - 1
        octets = len(char.encode())
        if size + octets > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += octets
    out.append(current)
    return "\r\n ".join(out)


def organiser() -> str:
    return _address(settings.DEFAULT_FROM_EMAIL)


@cache
def _address(sender: str) -> str:
    """Parsed once per sender: a feed asks for it twice per event."""
    return parseaddr(sender)[1]


def event_uid(booking: Booking) -> str:
    """The same for every booking of a reschedule chain: the chain's first booking."""
    domain = organiser().rsplit("@", 1)[-1] or "openepa"
    return f"booking-{booking.series_id_or_own}@{domain}"


def event_sequence(booking: Booking, *, cancelled: bool) -> int:
    """Reschedules so far, plus one when the event is being cancelled."""
    return booking.sequence + 1 if cancelled else booking.sequence


def summary_of(booking: Booking) -> str:
    """The event's title; the apprentice's name comes from a select_related enrolment."""
    apprentice = booking.enrolment.apprentice
    return f"{booking.get_method_display()}: end-point assessment of {apprentice}"


def vevent(
    booking: Booking,
    *,
    summary: str,
    cancelled: bool,
    stamp: datetime,
    description: str = "",
    url: str = "",
) -> list[str]:
    """The VEVENT lines of one booking (unfolded)."""
    location = "Remote (online)" if booking.remote else booking.venue
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(booking)}",
        f"DTSTAMP:{utc(stamp)}",
        f"SEQUENCE:{event_sequence(booking, cancelled=cancelled)}",
        f"DTSTART:{utc(booking.starts_at)}",
        f"DTEND:{utc(booking.starts_at + timedelta(minutes=booking.duration_minutes))}",
        f"SUMMARY:{text(summary)}",
        f"LOCATION:{text(location)}",
        f"ORGANIZER:mailto:{organiser()}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{text(description)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def vcalendar(events: Iterable[list[str]], *, method: str = "", name: str = "") -> str:
    """A whole iCalendar object, folded, CRLF line ends. `method` (iTIP, RFC 5546) only for
    emailed invitations; a subscribed feed has none. `name` is the calendar's display name."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//OpenEPA//Bookings//EN"]
    if method:
        lines.append(f"METHOD:{method}")
    if name:
        lines += ["CALSCALE:GREGORIAN", f"X-WR-CALNAME:{text(name)}"]
        # Refresh hint for clients that honour it (Outlook, Apple Calendar).
        lines += ["REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
