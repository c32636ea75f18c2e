"""The optimiser runs in the worker (`manage.py db_worker`): make_proposal(proposal_id)
turns a queued proposal into its lines. Idempotent: a proposal that is no longer queued
is left alone, so a task run twice has one effect."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

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
