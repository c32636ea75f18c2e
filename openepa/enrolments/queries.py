"""Pre-scoped reads of enrolments: every list starts from what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.enrolments.models import Enrolment, JourneyEvent


def visibility(user: Any) -> Q | None:
    """The enrolments a user may see, as a filter; None when they may see none.

    EPAO admins and IQAs: their EPAO's enrolments. Employers and providers: their own
    apprentices. Assessors: enrolments with a booking allocated to them. Apprentices: their
    own record (DESIGN.md §1)."""
    roles = roles_of(user)
    clauses: list[Q] = []
    if roles.has(Role.EPAO_ADMIN) or roles.has(Role.IQA):
        clauses.append(Q(epao_id__in=roles.orgs(Role.EPAO_ADMIN) | roles.orgs(Role.IQA)))
    if roles.has(Role.EMPLOYER):
        clauses.append(Q(employer_id__in=roles.orgs(Role.EMPLOYER)))
    if roles.has(Role.PROVIDER):
        clauses.append(Q(provider_id__in=roles.orgs(Role.PROVIDER)))
    if roles.has(Role.ASSESSOR):
        clauses.append(Q(bookings__assessor_id=user.pk, epao_id__in=roles.orgs(Role.ASSESSOR)))
    if roles.is_apprentice:
        clauses.append(Q(apprentice_id=roles.apprentice_id))
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def enrolments_for(user: Any) -> QuerySet[Enrolment]:
    q = visibility(user)
    if q is None:
        return Enrolment.objects.none()
    ids = Enrolment.objects.filter(q).values("pk")  # the bookings join may repeat rows
    return Enrolment.objects.filter(pk__in=ids).select_related(
        "apprentice", "employer", "provider", "epao", "policy", "standard"
    )


def timeline(enrolment: Enrolment) -> QuerySet[JourneyEvent]:
    return enrolment.events.select_related("actor").order_by("at", "id")
