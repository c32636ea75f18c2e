"""Each role lands on a home page listing what needs its attention. Every bounded context
contributes sections through its own `dashboard.sections(user)`, and may add figures (a
few numbers at the top, each a link to its list: `dashboard.figures(user)`) and charts
(`dashboard.charts(user)`); this module only gathers them in a fixed order. Each part
checks the user's roles itself, so one list serves every role (issue 17 §1).

The EPAO admin's figures and charts count the whole EPAO (at 100,000 apprentices, about a
second of aggregate queries), and are the same for every admin of the same EPAOs: they are
kept in Django's cache for OPENEPA_HOME_FIGURES_SECONDS, keyed by those EPAOs, and the page
says when they were counted. The cache is each process's own memory (settings.CACHES: the
hosts share nothing but the database), so the time must stay short; the lists below the
figures are always read live."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from openepa.accounts.models import Role, User
from openepa.accounts.roles import Roles, roles_of
from openepa.assessments import dashboard as assessments
from openepa.assessors import dashboard as assessors
from openepa.bookings import dashboard as bookings
from openepa.cases import dashboard as cases
from openepa.certificates import dashboard as certificates
from openepa.core.charts import Chart
from openepa.core.figures import Figure
from openepa.core.sections import Section
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


def sections_for(user: User) -> list[Section]:
    """Each section (`Section`) names its template and the context passed to it; when it
    shows only the first rows of a longer list, its "more" is the link to the whole list. A
    section never lists more than a page."""
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


@dataclass(frozen=True)
class Glance:
    """The top of a home page: the figures (the user's own, then their EPAOs'), the
    admin's charts, and when the EPAOs' figures and charts were counted (None when the
    user is no EPAO's admin: their own figures are always counted for the request)."""

    figures: list[Figure]
    charts: list[Chart]
    counted_at: datetime | None


def glance_for(user: User) -> Glance:
    roles = roles_of(user)
    own = _as(user, Roles(_without_admin(roles), roles.apprentice_id))
    figures = [figure for part in FIGURES for figure in part(own)]
    epaos = roles.orgs(Role.EPAO_ADMIN)
    if not epaos:
        return Glance(figures, [], None)
    counted_at, epao_figures, charts = _epao_glance(user, epaos)
    return Glance(figures + epao_figures, charts, counted_at)


def _epao_glance(user: User, epaos: frozenset[int]) -> tuple[datetime, list[Figure], list[Chart]]:
    """The admin's figures and charts for these EPAOs, from the cache when counted within
    OPENEPA_HOME_FIGURES_SECONDS. Counted as an admin of these EPAOs and nothing else, so
    what is kept is the same for every admin of them (never an admin's own assessor or IQA
    figures)."""
    key = "home-glance:" + ",".join(str(pk) for pk in sorted(epaos))
    kept: tuple[datetime, list[Figure], list[Chart]] | None = cache.get(key)
    if kept is not None:
        return kept
    admin = _as(user, Roles({Role.EPAO_ADMIN.value: epaos}))
    counted = (
        timezone.now(),
        [figure for part in FIGURES for figure in part(admin)],
        [chart for part in CHARTS for chart in part(admin)],
    )
    seconds = settings.OPENEPA_HOME_FIGURES_SECONDS
    if seconds:
        cache.set(key, counted, seconds)
    return counted


def _without_admin(roles: Roles) -> dict[str, frozenset[int]]:
    return {r: orgs for r, orgs in roles.by_role.items() if r != Role.EPAO_ADMIN.value}


def _as(user: User, roles: Roles) -> User:
    """The user seen with these roles only (a copy: the request's user keeps all of theirs);
    every dashboard part reads roles through roles_of, which reads them from here."""
    seen = copy.copy(user)
    setattr(seen, "_openepa_roles", roles)  # noqa: B010 (roles_of's per-request attribute)
    return seen


def recounted_every(seconds: int) -> str:
    """How often the EPAO's figures are counted again, in words ("minute", "5 minutes",
    "30 seconds"); empty when they are counted for every request."""
    if not seconds:
        return ""
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return "minute" if minutes == 1 else f"{minutes} minutes"
