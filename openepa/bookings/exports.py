"""The assessor's bookings, downloaded (issue 17 §4): the page's rows, one cell each."""

from __future__ import annotations

from openepa.bookings.models import Booking
from openepa.core.exports import Column

ALLOCATED: tuple[Column[Booking], ...] = (
    Column("ULN", lambda b: b.enrolment.apprentice.uln),
    Column("Apprentice", lambda b: b.enrolment.apprentice.name),
    Column("Method", lambda b: b.get_method_display()),
    Column("Attempt", lambda b: b.attempt_number),
    Column("Starts", lambda b: b.starts_at),
    Column("Minutes", lambda b: b.duration_minutes),
    Column("Where", lambda b: "Remote" if b.remote else b.venue),
    Column("Employer", lambda b: b.enrolment.employer.name),
    Column("No conflict confirmed", lambda b: b.no_conflict_confirmed_at),
    Column("Booking number", lambda b: b.pk),
)

#: A calendar's bookings (admins see every assessor's): the assessor and whether it is done.
IN_CALENDAR: tuple[Column[Booking], ...] = (
    *ALLOCATED[:-2],
    Column("Assessor", lambda b: str(b.assessor)),
    Column("Status", lambda b: b.get_status_display()),
    ALLOCATED[-1],
)
