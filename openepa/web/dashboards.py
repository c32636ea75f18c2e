"""Each role lands on a home page listing what needs its attention. Every bounded context
contributes sections through its own `dashboard.sections(user)`, and may add figures (a
few numbers at the top, each a link to its list: `dashboard.figures(user)`) and charts
(`dashboard.charts(user)`); this module only gathers them in a fixed order. Each part
checks the user's roles itself, so one list serves every role (issue 17 §1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openepa.accounts.models import User
from openepa.assessments import dashboard as assessments
from openepa.assessors import dashboard as assessors
from openepa.bookings import dashboard as bookings
from openepa.cases import dashboard as cases
from openepa.certificates import dashboard as certificates
from openepa.core.charts import Chart
from openepa.core.figures import Figure
from openepa.enrolments import dashboard as enrolments
from openepa.gateway import dashboard as gateway
from openepa.notifications import dashboard as notifications
from openepa.quality import dashboard as quality
from openepa.results import dashboard as results

CONTRIBUTORS = (
    enrolments,
    gateway,
    bookings,
    assessments,
    results,
    certificates,
    notifications,
    quality,
    assessors,
    cases,
)


def sections_for(user: User) -> list[dict[str, Any]]:
    """Each section: {"title": str, "template": str, "context": dict, "empty": str} and,
    when it shows only the first rows of a longer list, "more": {"href": str} (and "total": int when known)
    (the page shows a link to the whole list). A section never lists more than a page."""
    return [section for module in CONTRIBUTORS for section in module.sections(user)]


#: The figures, in the order of the work: gateway, bookings, results, IQA, cases,
#: certificates; a role sees those of its roles only.
FIGURES: tuple[Callable[[User], list[Figure]], ...] = (
    gateway.figures,
    bookings.figures,
    assessments.figures,
    results.figures,
    quality.figures,
    cases.figures,
    certificates.figures,
    enrolments.figures,
)

#: The admin's charts: the pipeline, what is due, how long it takes, what grades are given.
CHARTS: tuple[Callable[[User], list[Chart]], ...] = (
    enrolments.charts,
    results.charts,
    assessments.charts,
)


def figures_for(user: User) -> list[Figure]:
    return [figure for part in FIGURES for figure in part(user)]


def charts_for(user: User) -> list[Chart]:
    return [chart for part in CHARTS for chart in part(user)]
