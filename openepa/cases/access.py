"""Who may see what of a request or case (issue 5 §1), and the access_* helpers: the only
way one reaches a view. Anything the user may not see is a 404, the same answer as a
missing id.

- The request or case itself (state, dates, decision, the arrangement): the EPAO's admins
  and the enrolment's parties — the apprentice, their employer and their provider.
- Its special-category details (an adjustment's needs, a consideration's circumstances, a
  case's grounds): only the apprentice, the requester's own organisation and the EPAO's
  admins. Another employer or provider, assessors and IQAs never see them.
"""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.cases.models import Case, ReasonableAdjustment, SpecialConsideration
from openepa.enrolments.models import Enrolment
from openepa.organisations.models import Organisation

_ENROLMENT = (
    "enrolment__apprentice",
    "enrolment__epao",
    "enrolment__employer",
    "enrolment__provider",
    "enrolment__policy",
    "enrolment__standard",
)


def is_party(user: User, enrolment: Enrolment) -> bool:
    """The apprentice, their employer or their provider (seed 000 §3, §5)."""
    return requester_organisation(user, enrolment) is not None or is_apprentice(user, enrolment)


def is_apprentice(user: User, enrolment: Enrolment) -> bool:
    held = roles_of(user)
    return held.is_apprentice and held.apprentice_id == enrolment.apprentice_id


def requester_organisation(user: User, enrolment: Enrolment) -> Organisation | None:
    """The employer or provider through which `user` acts for this enrolment, if any
    (the employer first when someone holds both)."""
    held = roles_of(user)
    if enrolment.employer_id in held.orgs(Role.EMPLOYER):
        return enrolment.employer
    if enrolment.provider_id in held.orgs(Role.PROVIDER):
        return enrolment.provider
    return None


def may_see_details(user: User, enrolment: Enrolment, organisation_id: int | None) -> bool:
    """Special-category details: the EPAO's admins, the apprentice, and members of the
    organisation that made the request (as employer or provider of this enrolment)."""
    if is_epao_admin(user, enrolment.epao_id) or is_apprentice(user, enrolment):
        return True
    if organisation_id is None:
        return False
    held = roles_of(user)
    mine = held.orgs(Role.EMPLOYER) | held.orgs(Role.PROVIDER)
    return organisation_id in mine and organisation_id in (
        enrolment.employer_id,
        enrolment.provider_id,
    )


def _visible(user: User, enrolment: Enrolment) -> bool:
    return is_epao_admin(user, enrolment.epao_id) or is_party(user, enrolment)


def access_adjustment(user: User, adjustment_id: int) -> ReasonableAdjustment:
    try:
        item = ReasonableAdjustment.objects.select_related(
            *_ENROLMENT, "requested_by", "requester_organisation", "decided_by"
        ).get(pk=adjustment_id)
    except ReasonableAdjustment.DoesNotExist:
        raise Http404("No such request") from None
    if not _visible(user, item.enrolment):
        raise Http404("No such request")
    return item


def access_consideration(user: User, consideration_id: int) -> SpecialConsideration:
    try:
        item = SpecialConsideration.objects.select_related(
            *_ENROLMENT, "booking", "requested_by", "requester_organisation", "decided_by"
        ).get(pk=consideration_id)
    except SpecialConsideration.DoesNotExist:
        raise Http404("No such request") from None
    if not _visible(user, item.enrolment):
        raise Http404("No such request")
    return item


def access_case(user: User, case_id: int) -> Case:
    try:
        case = Case.objects.select_related(
            *_ENROLMENT,
            "result",
            "adjustment",
            "consideration",
            "raised_by",
            "raiser_organisation",
            "reviewer",
            "decided_by",
        ).get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("No such case") from None
    if not (_visible(user, case.enrolment) or _on_the_case(user, case)):
        raise Http404("No such case")
    return case


def _on_the_case(user: User, case: Case) -> bool:
    """The case's reviewer and its appeal panel read the case page (what the assessor saw
    is on it); only the EPAO's admins act on it (`_admin_case` in the views)."""
    return case.reviewer_id == user.pk or case.panel.filter(pk=user.pk).exists()
