"""Each role lands on a home page listing what needs its attention. Every bounded context
contributes sections through its own `dashboard.sections(user)`, and may add figures (a
few numbers at the top, each a link to its list: `dashboard.figures(user)`) and charts
(`dashboard.charts(user)`); this module only gathers them in a fixed order. Each part
checks the user's roles itself, so one list serves every role (issue 17 §1).

The EPAO admin's part of the page (the figures, the charts and the lists under "What needs
you") covers the whole EPAO: at 100,000 apprentices some 40 ms of queries and 60 ms of
drawing for every request. It is the same for every admin of the same EPAOs, so it is
counted as an admin of them and nothing else, drawn once, and the HTML kept in Django's
cache for OPENEPA_HOME_FIGURES_SECONDS, keyed by those EPAOs (openepa.core.kept); the page
says when it was counted. It is counted again before then for an admin who has changed
something since (`core.kept.changed_after`): their own change shows at once, a colleague's
within the time. The cache is each process's own memory (settings.CACHES: the hosts share
nothing but the database), so the time must stay short; 0 counts everything for every
request. The user's own figures and sections, those of their other roles (an admin who
also assesses), are always counted for the request and come first."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from openepa.accounts.models import Role, User
from openepa.accounts.roles import Roles, roles_of
from openepa.assessments import dashboard as assessments
from openepa.assessors import dashboard as assessors
from openepa.bookings import dashboard as bookings
from openepa.cases import dashboard as cases
from openepa.certificates import dashboard as certificates
from openepa.core.charts import Chart
from openepa.core.figures import Figure
from openepa.core.kept import Counted, changed_after, kept
from openepa.core.sections import Section
from openepa.enrolments import dashboard as enrolments
from openepa.enrolments.queries import last_acted_at
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
class Shown:
    """A section as the page shows it: its title (for the page's contents) and its card's
    body, drawn."""

    title: str
    html: SafeString


@dataclass(frozen=True)
class Drawn:
    """The EPAO admin's part of the page, drawn (kept with when it was counted)."""

    figures: SafeString
    charts: SafeString
    sections: tuple[Shown, ...]


@dataclass(frozen=True)
class Home:
    """A home page's parts, drawn: the figures (the user's own, then their EPAOs'), the
    admin's charts, the sections (the user's own, then their EPAOs'), and when the EPAOs'
    part was counted (None when the user is no EPAO's admin: their own part is always
    counted for the request)."""

    figures: SafeString
    charts: SafeString
    sections: list[Shown]
    counted_at: datetime | None


def home_for(user: User, changed_at: datetime | None = None) -> Home:
    """The user's home page; `changed_at` is when they last changed something, if known
    (openepa.web.changes): an EPAO part kept from before then is counted again."""
    roles = roles_of(user)
    own = _as(user, Roles(_without_admin(roles), roles.apprentice_id))
    figures = _figures([figure for part in FIGURES for figure in part(own)])
    epaos = roles.orgs(Role.EPAO_ADMIN)
    if not epaos:
        return Home(figures, SafeString(""), [_shown(s) for s in sections_for(own)], None)
    part = _epao_part(user, epaos, changed_at)
    # A list of the user's own roles with the title of one of the EPAO's (an employer's
    # resits due beside the EPAO's) says whose it is: no two sections share a title.
    taken = {shown.title for shown in part.value.sections}
    as_roles = " and ".join(name.lower() for name in roles_of(own).names)
    sections = [
        _shown({**s, "title": f"{s['title']} (as {as_roles})"} if s["title"] in taken else s)
        for s in sections_for(own)
    ]
    return Home(
        figures + part.value.figures,
        part.value.charts,
        sections + list(part.value.sections),
        part.counted_at,
    )


def _epao_part(user: User, epaos: frozenset[int], changed_at: datetime | None) -> Counted[Drawn]:
    """The admin's figures, charts and sections for these EPAOs, drawn, from the cache when
    counted within OPENEPA_HOME_FIGURES_SECONDS and after the user's latest change
    (openepa.core.kept). Counted as an admin of these EPAOs and nothing else, so what is
    kept is the same for every admin of them (never an admin's own assessor or IQA part: no
    part of it names the user)."""
    admin = _as(user, Roles({Role.EPAO_ADMIN.value: epaos}))

    def draw() -> Drawn:
        return Drawn(
            _figures([figure for part in FIGURES for figure in part(admin)]),
            _charts([chart for part in CHARTS for chart in part(admin)]),
            tuple(_shown(section) for section in sections_for(admin)),
        )

    return kept(
        "home-epao-part:" + ",".join(str(pk) for pk in sorted(epaos)),
        draw,
        # Their own change shows at once, whether made through a page or by a worker for
        # them (their latest journey event: one indexed row).
        changed_since=changed_after(changed_at, acted=lambda: last_acted_at(user)),
    )


# The fragments are drawn by our own templates, which escape what they show: safe as the
# page they are placed in would be.
def _figures(figures: list[Figure]) -> SafeString:
    if not figures:
        return SafeString("")
    return mark_safe(render_to_string("web/_figures.html", {"figures": figures}))


def _charts(charts: list[Chart]) -> SafeString:
    if not charts:
        return SafeString("")
    return mark_safe(render_to_string("web/_charts.html", {"charts": charts}))


def _shown(section: Section) -> Shown:
    html = render_to_string("web/_section.html", {"section": section})
    return Shown(section["title"], mark_safe(html))


def _without_admin(roles: Roles) -> dict[str, frozenset[int]]:
    return {r: orgs for r, orgs in roles.by_role.items() if r != Role.EPAO_ADMIN.value}


def _as(user: User, roles: Roles) -> User:
    """The user seen with these roles only (a copy: the request's user keeps all of theirs);
    every dashboard part reads roles through roles_of, which reads them from here."""
    seen = copy.copy(user)
    setattr(seen, "_openepa_roles", roles)  # noqa: B010 (roles_of's per-request attribute)
    return seen
