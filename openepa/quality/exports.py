"""The IQA queue, downloaded (issue 17 §4): the page's columns, one cell each. Read as plain
values (`QUEUE_FIELDS`, openepa.core.exports)."""

from __future__ import annotations

from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import Attempt
from openepa.core.downloads import Listing
from openepa.core.exports import Choices, Column, Row, given_and_family, person
from openepa.quality.models import IqaSample
from openepa.quality.queries import queue_for

QUEUE_FIELDS = (
    "pk",
    "attempt__enrolment__apprentice__uln",
    "attempt__enrolment__apprentice__given_name",
    "attempt__enrolment__apprentice__family_name",
    "attempt__method",
    "attempt__number",
    "attempt__assessed_on",
    "grade",
    "attempt__assessor__full_name",
    "attempt__assessor__email",
    "reason",
    "explanation",
    "sampled_at",
    "state",
    "reviewer__full_name",
    "reviewer__email",
)

_method = Choices(Attempt, "method")
_reason = Choices(IqaSample, "reason")
_state = Choices(IqaSample, "state")


QUEUE: tuple[Column[Row], ...] = (
    Column("ULN", lambda s: s["attempt__enrolment__apprentice__uln"]),
    Column("Apprentice", lambda s: given_and_family(s, "attempt__enrolment__apprentice__")),
    Column("Method", lambda s: _method(s["attempt__method"])),
    Column("Attempt", lambda s: s["attempt__number"]),
    Column("Assessed on", lambda s: s["attempt__assessed_on"]),
    Column("Grade", lambda s: s["grade"]),
    Column(
        "Assessor",
        lambda s: person(s["attempt__assessor__full_name"], s["attempt__assessor__email"]),
    ),
    Column("Why sampled", lambda s: f"{_reason(s['reason'])}: {s['explanation']}"),
    Column("Waiting since", lambda s: s["sampled_at"]),
    Column("Status", lambda s: _state(s["state"])),
    Column("Reviewer", lambda s: person(s["reviewer__full_name"], s["reviewer__email"])),
    Column("Sample number", lambda s: s["pk"]),
)


@SOURCES.register("iqa-queue")
def iqa_queue(user: User, params: QueryDict) -> Listing:
    """The whole IQA queue, in the page's order."""
    if not roles_of(user).has(Role.IQA):
        raise Http404("No such page")
    rows = queue_for(user)
    return Listing.of_query(
        rows,
        QUEUE_FIELDS,
        filename="iqa-queue",
        title="IQA queue",
        columns=QUEUE,
    )
