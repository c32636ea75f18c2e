"""access_result: the only way a result reaches a view. A result the user may not see is a
404, the same answer as a missing id, so nothing leaks whether it exists."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.results.models import OverallResult


def may_administer(user: User, result: OverallResult) -> bool:
    """The EPAO's admins see every result of their EPAO, released or not."""
    return is_epao_admin(user, result.enrolment.epao_id)


def access_result(user: User, result_id: int) -> OverallResult:
    """The result if `user` may see it, else Http404.

    EPAO admin of the enrolment's EPAO: always. The apprentice, their employer and their
    provider: only once released, since the statement of results goes to them (seed 000
    §3) and an unreleased grade may still change. Everyone else (assessors, IQAs, other
    organisations): never, through this page.
    """
    try:
        result = OverallResult.objects.select_related(
            "enrolment__apprentice",
            "enrolment__epao",
            "enrolment__employer",
            "enrolment__provider",
            "enrolment__policy",
            "enrolment__standard",
            "released_by",
        ).get(pk=result_id)
    except OverallResult.DoesNotExist:
        raise Http404("No such result") from None
    if may_administer(user, result):
        return result
    enrolment = result.enrolment
    roles = roles_of(user)
    party = (
        enrolment.employer_id in roles.orgs(Role.EMPLOYER)
        or enrolment.provider_id in roles.orgs(Role.PROVIDER)
        or (roles.is_apprentice and roles.apprentice_id == enrolment.apprentice_id)
    )
    if party and result.released_at is not None:
        return result
    raise Http404("No such result")
