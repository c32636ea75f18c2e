"""Scheduling work runs in the worker (`manage.py db_worker`), each task queued when the
request that asked for it commits, and idempotent:

- make_proposal(proposal_id): a queued proposal's lines (a proposal no longer queued is
  left alone);
- apply_proposal(proposal_id): books the lines still proposed of a proposal being
  applied, then marks it applied (lines booked or refused are not tried again)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from openepa.planner.apply import book_lines
from openepa.planner.models import Proposal, ProposalLine
from openepa.planner.run import make_plan, make_replan

logger = logging.getLogger(__name__)


@task()
def make_proposal(proposal_id: int) -> str:
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None or proposal.status != Proposal.Status.QUEUED:
            return "skipped"
        proposal.status = Proposal.Status.RUNNING
        proposal.save(update_fields=["status"])
    try:
        if proposal.kind == Proposal.Kind.REPLAN:
            lines, summary = make_replan(proposal)
        else:
            lines, summary = make_plan(proposal)
    except Exception as exc:  # shown to the admin; the proposal never half-written
        logger.exception("proposal %s failed", proposal_id)
        Proposal.objects.filter(pk=proposal_id).update(
            status=Proposal.Status.FAILED,
            error=f"The optimiser could not make this proposal: {exc}",
            finished_at=timezone.now(),
        )
        return "failed"
    with transaction.atomic():
        ProposalLine.objects.filter(proposal_id=proposal_id).delete()
        ProposalLine.objects.bulk_create(lines)
        Proposal.objects.filter(pk=proposal_id).update(
            status=Proposal.Status.READY, summary=summary, finished_at=timezone.now()
        )
    return "ready"


@task()
def apply_proposal(proposal_id: int) -> str:
    proposal = (
        Proposal.objects.filter(pk=proposal_id, status=Proposal.Status.APPLYING)
        .select_related("applied_by", "cancelled_assessor")
        .first()
    )
    if proposal is None:
        return "skipped"
    booked, refused = book_lines(proposal)
    Proposal.objects.filter(pk=proposal_id).update(
        status=Proposal.Status.APPLIED,
        finished_at=timezone.now(),
        summary={**proposal.summary, "booked": booked, "refused": refused},
    )
    return f"{booked} booked, {refused} refused"
