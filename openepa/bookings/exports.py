"""The assessor's bookings, downloaded (issue 17 §4): the page's rows, one cell each. Read as
plain values (`ALLOCATED_FIELDS`, `IN_CALENDAR_FIELDS`; openepa.core.exports)."""

from __future__ import annotations

from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.calendar import shown, standing_in
from openepa.bookings.models import Booking
from openepa.bookings.queries import allocated_to
from openepa.core.downloads import Listing
from openepa.core.exports import Choices, Column, Row, given_and_family, person

ALLOCATED_FIELDS = (
    "pk",
    "enrolment__apprentice__uln",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
    "method",
    "attempt_number",
    "starts_at",
    "duration_minutes",
    "remote",
    "venue",
    "enrolment__employer__name",
    "no_conflict_confirmed_at",
)

_method = Choices(Booking, "method")
_status = Choices(Booking, "status")

ALLOCATED: tuple[Column[Row], ...] = (
    Column("ULN", lambda b: b["enrolment__apprentice__uln"]),
    Column("Apprentice", lambda b: given_and_family(b, "enrolment__apprentice__")),
    Column("Method", lambda b: _method(b["method"])),
    Column("Attempt", lambda b: b["attempt_number"]),
    Column("Starts", lambda b: b["starts_at"]),
    Column("Minutes", lambda b: b["duration_minutes"]),
    Column("Where", lambda b: "Remote" if b["remote"] else b["venue"]),
    Column("Employer", lambda b: b["enrolment__employer__name"]),
    Column("No conflict confirmed", lambda b: b["no_conflict_confirmed_at"]),
    Column("Booking number", lambda b: b["pk"]),
)

IN_CALENDAR_FIELDS = (*ALLOCATED_FIELDS, "assessor__full_name", "assessor__email", "status")

#: A calendar's bookings (admins see every assessor's): the assessor and whether it is done.
IN_CALENDAR: tuple[Column[Row], ...] = (
    *ALLOCATED[:-2],
    Column("Assessor", lambda b: person(b["assessor__full_name"], b["assessor__email"])),
    Column("Status", lambda b: _status(b["status"])),
    ALLOCATED[-1],
)


@SOURCES.register("my-bookings")
def my_bookings(user: User, params: QueryDict) -> Listing:
    """The assessor's bookings, in the page's order."""
    if not roles_of(user).has(Role.ASSESSOR):
        raise Http404("Not an assessor")
    rows = allocated_to(user)
    return Listing.of_query(
        rows,
        ALLOCATED_FIELDS,
        filename="my-bookings",
        title="My bookings",
        columns=ALLOCATED,
    )


@SOURCES.register("bookings")
def calendar_bookings(user: User, params: QueryDict) -> Listing:
    """The calendar's bookings as filtered (the same view, day and assessor or region),
    every one of the period in time order: the admins' list of bookings."""
    scope, span, period = shown(user, params)
    rows = standing_in(scope, period)
    return Listing.of_query(
        rows,
        IN_CALENDAR_FIELDS,
        filename=f"bookings-{span.value}-{period.first.isoformat()}",
        title="Bookings",
        columns=IN_CALENDAR,
    )
