"""The results awaiting release, downloaded (issue 17 §4): the page's columns, with the ULN
and the dates as dates. Read as plain values (`AWAITING_FIELDS`, openepa.core.exports)."""

from __future__ import annotations

from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.downloads import Listing
from openepa.core.exports import Choices, Column, Row, given_and_family
from openepa.results.models import OverallResult
from openepa.results.queries import awaiting_release_for

AWAITING_FIELDS = (
    "pk",
    "enrolment__apprentice__uln",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
    "enrolment__employer__name",
    "enrolment__provider__name",
    "grade",
    "last_component_on",
    "due_on",
    "overdue",
    "enrolment__policy__name",
)

_grade = Choices(OverallResult, "grade")

AWAITING: tuple[Column[Row], ...] = (
    Column("ULN", lambda r: r["enrolment__apprentice__uln"]),
    Column("Apprentice", lambda r: given_and_family(r, "enrolment__apprentice__")),
    Column("Employer", lambda r: r["enrolment__employer__name"]),
    Column("Provider", lambda r: r["enrolment__provider__name"]),
    Column("Grade", lambda r: _grade(r["grade"])),
    Column("Last assessment", lambda r: r["last_component_on"]),
    Column("Due", lambda r: r["due_on"]),
    Column("Overdue", lambda r: "Yes" if r["overdue"] else "No"),
    Column("Policy", lambda r: r["enrolment__policy__name"]),
    Column("Result number", lambda r: r["pk"]),
)


@SOURCES.register("results-awaiting-release")
def awaiting_release(user: User, params: QueryDict) -> Listing:
    """Every result awaiting release, in the list's order."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")
    rows = awaiting_release_for(user)
    return Listing.of_query(
        rows,
        AWAITING_FIELDS,
        filename="results-awaiting-release",
        title="Results",
        columns=AWAITING,
    )
