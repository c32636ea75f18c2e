"""The pipeline's columns when downloaded (issue 17 §4): what the page shows, plus the dates
an auditor or a funding check asks for.

The download reads plain values (`PIPELINE_FIELDS`) rather than model instances: the same
query, filters and order as the page, without building seven objects a row, which is most
of the time a 100,000-row download takes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.downloads import Listing
from openepa.core.exports import Column, Row
from openepa.domain.journey import LABELS, State
from openepa.enrolments import queries
from openepa.enrolments.forms import PipelineFilterForm
from openepa.enrolments.models import Enrolment

PIPELINE_FIELDS = (
    "pk",
    "apprentice__uln",
    "apprentice__given_name",
    "apprentice__family_name",
    "standard__reference",
    "standard__version",
    "employer__name",
    "provider__name",
    "state",
    "overdue",
    "start_date",
    "created_at",
)

PIPELINE: tuple[Column[Row], ...] = (
    Column("ULN", lambda e: e["apprentice__uln"]),
    Column("Given name", lambda e: e["apprentice__given_name"]),
    Column("Family name", lambda e: e["apprentice__family_name"]),
    Column("Standard", lambda e: f"{e['standard__reference']} v{e['standard__version']}"),
    Column("Employer", lambda e: e["employer__name"]),
    Column("Provider", lambda e: e["provider__name"]),
    Column("State", lambda e: LABELS[State(e["state"])]),
    Column("Results overdue", lambda e: "Yes" if e["overdue"] else "No"),
    Column("Start date", lambda e: e["start_date"]),
    Column("Registered", lambda e: e["created_at"]),
    Column("Enrolment number", lambda e: e["pk"]),
)


def pipeline_filters(user: User, params: QueryDict) -> tuple[PipelineFilterForm, queries.Filters]:
    """The pipeline's filter form and the filters it holds (404 for a user who administers
    no EPAO)."""
    epao_ids = roles_of(user).orgs(Role.EPAO_ADMIN)
    if not epao_ids:
        raise Http404("No pipeline")
    form = PipelineFilterForm(params, epao_ids=epao_ids)
    return form, form.filters()


def pipeline_rows(user: User, filters: queries.Filters) -> QuerySet[Enrolment]:
    """The rows the filters select, in the page's order: what the page lists and what its
    downloads hold."""
    rows = queries.with_overdue(queries.apply_filters(queries.pipeline_for(user), filters))
    return rows.order_by(*queries.BY_NAME)


@SOURCES.register("pipeline")
def pipeline_download(user: User, params: QueryDict) -> Listing:
    """The pipeline as filtered, every row (not only the page)."""
    rows = pipeline_rows(user, pipeline_filters(user, params)[1])
    return Listing.of_query(
        rows,
        PIPELINE_FIELDS,
        filename="pipeline",
        title="Pipeline",
        columns=PIPELINE,
    )
