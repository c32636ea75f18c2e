"""A booking as an iCalendar invitation (RFC 5545) for calendar apps, with the iTIP method
(RFC 5546): REQUEST to add or update it, CANCEL to remove it.

The event itself is built by openepa.bookings.ical, which the private calendar feeds use too:
the same UID for every booking of a reschedule chain and the same SEQUENCE, so an emailed
invitation and a subscribed feed update one entry in the calendar app."""

from __future__ import annotations

from django.utils import timezone

from openepa.bookings.ical import fold, vcalendar, vevent
from openepa.bookings.models import Booking
from openepa.notifications.kinds import Calendar

_fold = fold  # kept for the tests of line folding


def booking_calendar(booking: Booking, method: Calendar, *, summary: str) -> str:
    """The .ics text of one booking: METHOD:REQUEST with its times, or METHOD:CANCEL."""
    event = vevent(
        booking, summary=summary, cancelled=method == Calendar.CANCEL, stamp=timezone.now()
    )
    return vcalendar([event], method=method.value)
