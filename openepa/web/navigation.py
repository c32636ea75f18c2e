"""The main navigation, by role: each person sees links to the lists they work from.

Built in one place from the user's roles; URLs that do not exist (yet) are left out rather
than breaking every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

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
)


def main_navigation(request: HttpRequest) -> dict[str, object]:
    if not request.user.is_authenticated:
        return {"main_nav": [], "may_search": False}
    roles = roles_of(request.user)
    links = []
    for label, name, wanted in LINKS:
        if not any(
            roles.is_apprentice if w == "apprentice" else roles.has(Role(w)) for w in wanted
        ):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"main_nav": links, "may_search": may_search(request.user)}
