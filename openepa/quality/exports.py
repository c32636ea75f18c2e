"""The IQA queue, downloaded (issue 17 §4): the page's columns, one cell each. Read as plain
values (`QUEUE_FIELDS`, openepa.core.exports). And the assessors' consistency report's
download, every assessor of every EPAO the user oversees (openepa.quality.consistency)."""

from __future__ import annotations

from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import Attempt
from openepa.assessors.queries import quality_epaos
from openepa.core.downloads import Listing
from openepa.core.exports import Choices, Column, Row, given_and_family, person
from openepa.organisations.models import Organisation
from openepa.quality import consistency
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


@SOURCES.register("assessor-consistency")
def assessor_consistency(user: User, params: QueryDict) -> Listing:
    """Every assessor of every EPAO the user oversees (its admins and IQAs), EPAOs by name,
    four lines an assessor; counted by assessor, so at 4,000 assessors the file is prepared
    in the background rather than holding a web worker for a second."""
    epao_ids = quality_epaos(user)
    if not epao_ids:
        raise Http404("Not an EPAO admin or IQA")
    epaos = list(Organisation.objects.filter(pk__in=epao_ids).order_by("name"))
    lines = consistency.csv_lines(row for epao in epaos for row in consistency.every_row(epao))
    return Listing(
        filename="assessor-consistency",
        title="Assessor consistency",
        columns=consistency.COLUMNS,
        rows=lines,
        counted=[consistency.assessors(epao.pk) for epao in epaos],
        lines_each=1 + len(consistency.METHODS),
    )
