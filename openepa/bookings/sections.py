"""Sections later contexts add to the pages about one booking (the booking's page and the
marking sheet's header): the cases context adds the approved reasonable adjustments'
arrangements (openepa.core.pages)."""

from __future__ import annotations

from openepa.bookings.models import Booking
from openepa.core.pages import PageSections

BOOKING_PAGE: PageSections[Booking] = PageSections()
