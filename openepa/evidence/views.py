"""Thin views: the portfolio page (list and upload), the download and the removal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.requests import AuthenticatedRequest
from openepa.core.actions_ui import post_action
from openepa.core.refusals import ActionRefused
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.queries import RECORD_ROLES
from openepa.evidence import storage
from openepa.evidence.access import access_evidence
from openepa.evidence.actions import (
    OPEN_STATES,
    do_remove_evidence,
    do_upload_evidence,
    may_remove,
    may_upload,
)
from openepa.evidence.forms import EvidenceForm
from openepa.evidence.queries import portfolio as portfolio_of


@login_required
def portfolio(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=RECORD_ROLES)
    policy = policy_of(enrolment)
    uploader = may_upload(request.user, enrolment) and enrolment.journey_state in OPEN_STATES
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if not policy.ai_declaration_required:
        del form.fields["ai_declaration"]
    if request.method == "POST" and uploader:
        done = post_action(
            request,
            form,
            lambda data: do_upload_evidence(
                actor=request.user,
                enrolment_id=enrolment.pk,
                title=data["title"],
                upload=data["file"],
                ai_declaration=bool(data.get("ai_declaration")),
            ),
            lambda evidence: f"“{evidence.title}” was added to the showcase portfolio.",
        )
        if done is not None:
            return redirect("evidence:list", enrolment_id=enrolment.pk)
    rows = list(portfolio_of(enrolment))
    return render(
        request,
        "evidence/portfolio.html",
        {
            "enrolment": enrolment,
            "rows": [(row, may_remove(request.user, row)) for row in rows],
            "form": form if uploader else None,
            "posted_form": form if request.method == "POST" else None,
            "limit": policy.portfolio_evidence_max,
            "policy": policy,
            "open": enrolment.journey_state in OPEN_STATES,
        },
    )


@login_required
def download(request: AuthenticatedRequest, evidence_id: int) -> FileResponse:
    evidence = access_evidence(request.user, evidence_id)
    response = FileResponse(
        storage.storage().open(evidence.stored_name, "rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    # Never rendered inline, never sniffed into something else, never cached by a proxy.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def remove(request: AuthenticatedRequest, evidence_id: int) -> HttpResponse:
    evidence = access_evidence(request.user, evidence_id)
    if not may_remove(request.user, evidence):
        # Those who may see but not remove get what a missing id gets.
        raise Http404("No such evidence")
    try:
        do_remove_evidence(actor=request.user, evidence_id=evidence.pk)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"“{evidence.title}” was removed from the showcase portfolio.")
    return redirect("evidence:list", enrolment_id=evidence.enrolment_id)
