"""The open enquiries and appeals, downloaded (issue 17 §4). The grounds are left out: they
may describe personal circumstances, which the queue does not show either. Read as plain
values (`OPEN_CASES_FIELDS`, openepa.core.exports)."""

from __future__ import annotations

from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.cases.models import Case
from openepa.cases.queries import open_cases_for
from openepa.core.downloads import Listing
from openepa.core.exports import Choices, Column, Row, given_and_family, person

OPEN_CASES_FIELDS = (
    "pk",
    "enrolment__apprentice__uln",
    "enrolment__apprentice__given_name",
    "enrolment__apprentice__family_name",
    "kind",
    "raised_on",
    "state",
    "reviewer__full_name",
    "reviewer__email",
)

_kind = Choices(Case, "kind")
_state = Choices(Case, "state")

OPEN_CASES: tuple[Column[Row], ...] = (
    Column("ULN", lambda c: c["enrolment__apprentice__uln"]),
    Column("Apprentice", lambda c: given_and_family(c, "enrolment__apprentice__")),
    Column("Kind", lambda c: _kind(c["kind"])),
    Column("Raised on", lambda c: c["raised_on"]),
    Column("State", lambda c: _state(c["state"])),
    Column("Reviewer", lambda c: person(c["reviewer__full_name"], c["reviewer__email"])),
    Column("Case number", lambda c: c["pk"]),
)


@SOURCES.register("open-cases")
def open_cases(user: User, params: QueryDict) -> Listing:
    """The open enquiries and appeals, in the queue's order."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")
    rows = open_cases_for(user)
    return Listing.of_query(
        rows,
        OPEN_CASES_FIELDS,
        filename="open-cases",
        title="Enquiries and appeals",
        columns=OPEN_CASES,
    )
