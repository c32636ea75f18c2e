"""access_proposal and access_line: the only ways a proposal reaches a view. Only an admin
of the proposal's EPAO sees it; anyone else gets a 404, as for a missing id."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.planner.models import Proposal, ProposalLine


def admin_epao(user: User) -> int:
    """The EPAO the admin schedules for (the first, when they administer several)."""
    epaos = roles_of(user).orgs(Role.EPAO_ADMIN)
    if not epaos:
        raise Http404("Not an EPAO admin")
    return min(epaos)


def access_proposal(user: User, proposal_id: int) -> Proposal:
    epaos = roles_of(user).orgs(Role.EPAO_ADMIN)
    found = (
        Proposal.objects.filter(pk=proposal_id, epao_id__in=epaos)
        .select_related("epao", "cancelled_assessor")
        .first()
    )
    if found is None:
        raise Http404("No such proposal")
    return found


def access_line(user: User, proposal_id: int, line_id: int) -> ProposalLine:
    proposal = access_proposal(user, proposal_id)
    found = (
        ProposalLine.objects.filter(pk=line_id, proposal=proposal)
        .select_related("enrolment__apprentice", "assessor", "proposal")
        .first()
    )
    if found is None:
        raise Http404("No such line")
    return found
