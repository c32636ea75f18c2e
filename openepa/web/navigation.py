"""The main navigation, by role: each person sees links to the lists they work from.

Built in one place from the user's roles; URLs that do not exist (yet) are left out rather
than breaking every page.

An EPAO admin reaches more lists than fit in one row at a laptop's 1280 px, so the lists an
admin opens now and then (registering one apprentice, bulk work, standardisation, the outbox,
the audit log, the Ofqual returns, the prepared downloads) are grouped under "More": a
disclosure (<details>) that opens without any script. Other roles' few links all stay in the row."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.web.search import may_search

LINKS: tuple[tuple[str, str, tuple[Role | str, ...]], ...] = (
    ("Pipeline", "enrolments:pipeline", (Role.EPAO_ADMIN,)),
    ("Results", "results:list", (Role.EPAO_ADMIN,)),
    ("Certificates", "certificates:list", (Role.EPAO_ADMIN,)),
    ("Scheduling", "planner:index", (Role.EPAO_ADMIN,)),
    ("Bulk work", "bulk:index", (Role.EPAO_ADMIN,)),
    ("Outbox", "notifications:outbox", (Role.EPAO_ADMIN,)),
    ("Adjustments and appeals", "cases:queue", (Role.EPAO_ADMIN,)),
    ("Apprentices", "enrolments:list", (Role.EMPLOYER, Role.PROVIDER, "apprentice")),
    ("Register an apprentice", "enrolments:register", (Role.PROVIDER, Role.EPAO_ADMIN)),
    ("Calendar", "bookings:calendar", (Role.EPAO_ADMIN, Role.ASSESSOR)),
    ("My bookings", "bookings:mine", (Role.ASSESSOR,)),
    ("Conflicts of interest", "bookings:conflicts", (Role.ASSESSOR,)),
    ("IQA queue", "quality:queue", (Role.IQA,)),
    ("My profile", "assessors:me", (Role.ASSESSOR,)),
    ("My diary", "assessors:my_diary", (Role.ASSESSOR,)),
    ("Assessors", "assessors:list", (Role.EPAO_ADMIN,)),
    ("Standardisation", "assessors:events", (Role.EPAO_ADMIN, Role.IQA)),
    ("Audit log", "web:audit", (Role.EPAO_ADMIN,)),
    ("Ofqual returns", "results:ofqual_returns", (Role.EPAO_ADMIN,)),
    # Long lists are prepared in the background (openepa.core.downloads); other roles reach
    # theirs from the notice that says one is ready.
    ("Downloads", "notifications:downloads", (Role.EPAO_ADMIN,)),
)

#: The links an EPAO admin finds under "More" rather than in the row.
MORE_FOR_ADMINS = frozenset(
    {
        "enrolments:register",
        "bulk:index",
        "assessors:events",
        "notifications:outbox",
        "web:audit",
        "results:ofqual_returns",
        "notifications:downloads",
    }
)


@functools.cache
def _url(name: str, script_prefix: str, urlconf: str) -> str | None:
    """The link's URL for this script prefix and URL configuration, reversed once rather
    than on every page (fifteen links were a millisecond of each admin's page), or None
    when the URL does not exist."""
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def main_navigation(request: HttpRequest) -> dict[str, object]:
    if not request.user.is_authenticated:
        return {"main_nav": [], "more_nav": [], "more_current": False, "may_search": False}
    roles = roles_of(request.user)
    grouped = MORE_FOR_ADMINS if roles.has(Role.EPAO_ADMIN) else frozenset()
    links: list[dict[str, object]] = []
    more: list[dict[str, object]] = []
    for label, name, wanted in LINKS:
        if not any(
            roles.is_apprentice if w == "apprentice" else roles.has(Role(w)) for w in wanted
        ):
            continue
        url = _url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        if url is None:
            continue
        link = {"label": label, "url": url, "current": request.path.startswith(url)}
        (more if name in grouped else links).append(link)
    return {
        "main_nav": links,
        "more_nav": more,
        "more_current": any(link["current"] for link in more),
        "may_search": may_search(request.user),
    }
