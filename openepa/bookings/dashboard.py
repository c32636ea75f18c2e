"""Home-page sections for planning and bookings: the admin's enrolments needing a planning
meeting or bookings; the assessor's upcoming allocated bookings, unconfirmed first."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.template.defaultfilters import pluralize
from django.urls import reverse

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bookings.models import Booking
from openepa.bookings.queries import (
    allocated_to,
    enrolments_in_state,
    missed_to_decide,
    own_upcoming_count,
    week_ahead,
)
from openepa.bookings.reallocation import queue
from openepa.bookings.reallocation import upcoming as upcoming_bookings
from openepa.core.figures import Figure
from openepa.core.sections import More, Section
from openepa.domain.journey import State
from openepa.enrolments.queries import kept_counts

#: A home page lists the first few; the full list is one link away.
ROWS = 10


def _enrolments(
    user: User, title: str, state: State, link: str, action: str, empty: str
) -> Section:
    """The first ROWS of the admin's enrolments in `state`, and a link to the pipeline
    filtered by that state when there are more."""
    rows = list(enrolments_in_state(user, state)[: ROWS + 1])
    more: More | None = None
    if len(rows) > ROWS:
        more = {"href": reverse("enrolments:pipeline") + f"?state={state.value}"}
    return {
        "title": title,
        "template": "bookings/dashboard_enrolments.html",
        "more": more,
        "context": {"rows": rows[:ROWS], "link": link, "action": action, "empty": empty},
        "empty": empty,
    }


#: What the home page's table of the assessor's bookings (bookings/_allocated_table.html)
#: shows: the booking, the apprentice's and the employer's names. The list's other five
#: joins (provider, EPAO, policy, standard, the assessor, the booking replaced) and their
#: columns were read for nothing, and loading columns is most of a short list's CPU
#: (benchmarks/page_profile.py).
_ALLOCATED_SHOWN = (
    "method",
    "kind",
    "starts_at",
    "duration_minutes",
    "remote",
    "venue",
    "response",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
    "enrolment__employer__name",
)


def _as_shown(rows: QuerySet[Booking]) -> QuerySet[Booking]:
    return (
        rows.select_related(None)
        .select_related("enrolment__apprentice", "enrolment__employer")
        .only(*_ALLOCATED_SHOWN)
    )


def sections(user: User) -> list[Section]:
    """Dashboard sections this context contributes to the user's home page."""
    roles = roles_of(user)
    out: list[Section] = []
    if roles.has(Role.EPAO_ADMIN):
        out.append(
            _enrolments(
                user,
                "Gateway accepted: planning meeting needed",
                State.GATEWAY_ACCEPTED,
                "bookings:planning",
                "Record the planning meeting",
                "No apprentice is waiting for a planning meeting.",
            )
        )
        out.append(
            _enrolments(
                user,
                "Planned: assessments to book",
                State.PLANNING,
                "bookings:book",
                "Book an assessment",
                "No planned apprentice is waiting for bookings.",
            )
        )
        rows = list(queue(roles.orgs(Role.EPAO_ADMIN))[: ROWS + 1])
        out.append(
            {
                "title": "Bookings to re-allocate",
                "template": "bookings/dashboard_reallocate.html",
                "more": {"href": reverse("bookings:reallocate")} if len(rows) > ROWS else None,
                "context": {"rows": rows[:ROWS]},
                "empty": "No booking is waiting to be re-allocated.",
            }
        )
    if roles.has(Role.EPAO_ADMIN):
        missed = list(missed_to_decide(user)[:ROWS])
        if missed:  # shown only when there is something to decide
            out.append(
                {
                    "title": "Missed assessments to decide",
                    "template": "bookings/dashboard_missed.html",
                    "context": {"rows": missed},
                    "empty": "",
                }
            )
    if roles.has(Role.ASSESSOR):
        out.append(
            {
                "title": "Your upcoming assessments",
                "template": "bookings/dashboard_allocated.html",
                # The first few; "All my bookings" (bookings:mine) lists them all.
                "context": {"rows": list(_as_shown(allocated_to(user, upcoming_only=True))[:ROWS])},
                "empty": "No assessments are allocated to you.",
            }
        )
    return out


def figures(user: User) -> list[Figure]:
    """The admin's figures: apprentices planned and waiting for their bookings, and (when
    the bookings record it) allocations their assessor has not answered."""
    roles = roles_of(user)
    found = []
    if roles.has(Role.ASSESSOR):
        found += _assessor_figures(user)
    if roles.is_apprentice:
        found += _apprentice_figures(user)
    if not roles.has(Role.EPAO_ADMIN):
        return found
    counts = dict(kept_counts(roles.orgs(Role.EPAO_ADMIN)))  # one small query
    to_book = Figure(
        "apprentices with assessments to book",
        counts[State.PLANNING],
        reverse("enrolments:pipeline") + f"?state={State.PLANNING.value}",
        f"{counts[State.GATEWAY_ACCEPTED]} more need a planning meeting first",
    )
    unanswered = unanswered_allocations(user)
    return found + [to_book] + ([unanswered] if unanswered is not None else [])


def _assessor_figures(user: User) -> list[Figure]:
    """The assessor's assessments today and for the rest of this week: one query."""
    counted = week_ahead(user)
    href = reverse("bookings:mine")
    return [
        Figure("assessments today", counted.today, href),
        Figure("more assessments this week", counted.rest_of_week, href, "After today"),
    ]


def _apprentice_figures(user: User) -> list[Figure]:
    upcoming = own_upcoming_count(user)
    return [Figure("assessments booked for you", upcoming, reverse("enrolments:list"))]


def unanswered_allocations(user: User) -> Figure | None:
    """The admin's upcoming bookings back in the re-allocation queue (an allocation declined,
    or not answered within the policy's working days, a lapsed standardisation, a declared
    conflict), with how many allocations still await their assessor's answer: one query
    reading the two partial indexes of those few bookings, not every upcoming booking."""
    epao_ids = roles_of(user).orgs(Role.EPAO_ADMIN)
    if not epao_ids:
        return None
    flagged_q = ~Q(reallocation_reason="")
    awaiting_q = Q(response=Booking.Response.AWAITING)
    counted = (
        upcoming_bookings()
        .filter(enrolment__epao_id__in=epao_ids)
        .filter(flagged_q | awaiting_q)
        .order_by()
        .aggregate(
            flagged=Count("pk", filter=flagged_q),
            awaiting=Count("pk", filter=awaiting_q),
        )
    )
    return Figure(
        "bookings to re-allocate",
        counted["flagged"],
        reverse("bookings:reallocate"),
        detail=f"{counted['awaiting']} allocation{pluralize(counted['awaiting'])} awaiting the "
        "assessor's answer",
    )
