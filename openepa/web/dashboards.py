"""Each role lands on a home page listing what needs its attention. Every bounded context
contributes sections through its own `dashboard.sections(user)`; this module only gathers
them in a fixed order."""

from __future__ import annotations

from typing import Any

from openepa.accounts.models import User
from openepa.assessments import dashboard as assessments
from openepa.assessors import dashboard as assessors
from openepa.bookings import dashboard as bookings
from openepa.cases import dashboard as cases
from openepa.certificates import dashboard as certificates
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
