"""access_* helpers: the only way an enrolment reaches a view. Anything the user may not
see is a 404, the same answer as for a missing id, so nothing leaks whether it exists."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.enrolments.models import Enrolment
from openepa.enrolments.queries import enrolments_for


def access_enrolment(
    user: Any, enrolment_id: int, *, roles: set[Role] | None = None, apprentice: bool = True
) -> Enrolment:
    """The enrolment if `user` may see it through one of `roles` (default: any role that
    sees enrolments) or as the apprentice themselves; else Http404."""
    held = roles_of(user)
    if (
        roles is not None
        and not any(held.has(r) for r in roles)
        and not (apprentice and held.is_apprentice)
    ):
        raise Http404("No such enrolment")
    try:
        enrolment = enrolments_for(user).get(pk=enrolment_id)
    except Enrolment.DoesNotExist:
        raise Http404("No such enrolment") from None
    if roles is not None and not _through(user, enrolment, roles, apprentice):
        raise Http404("No such enrolment")
    return enrolment


def _through(user: Any, enrolment: Enrolment, roles: set[Role], apprentice: bool) -> bool:
    """Does the user see this enrolment through one of the named roles?"""
    held = roles_of(user)
    if apprentice and held.apprentice_id == enrolment.apprentice_id:
        return True
    checks = {
        Role.EPAO_ADMIN: enrolment.epao_id in held.orgs(Role.EPAO_ADMIN),
        Role.IQA: enrolment.epao_id in held.orgs(Role.IQA),
        Role.EMPLOYER: enrolment.employer_id in held.orgs(Role.EMPLOYER),
        Role.PROVIDER: enrolment.provider_id in held.orgs(Role.PROVIDER),
        Role.ASSESSOR: enrolment.bookings.filter(assessor_id=user.pk).exists(),
    }
    return any(checks[r] for r in roles)
