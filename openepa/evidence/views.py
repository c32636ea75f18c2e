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
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.evidence import storage
from openepa.evidence.access import READ_ROLES, access_evidence
from openepa.evidence.actions import (
    OPEN_STATES,
    Piece,
    do_remove_evidence,
    do_tag_evidence,
    do_upload_evidence,
    may_remove,
    may_remove_from,
    may_upload,
)
from openepa.evidence.forms import EvidenceForm, TagForm
from openepa.evidence.queries import next_untagged, showcase_map
from openepa.evidence.suggestions import order_by_suggestion, showcase_criteria


@login_required
def portfolio(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=READ_ROLES)
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
                pieces=[
                    Piece(data["title"] if len(data["file"]) == 1 else "", upload)
                    for upload in data["file"]
                ],
                ai_declaration=bool(data.get("ai_declaration")),
            ),
            lambda added: (
                (
                    f"“{added[0].title}” was added to the showcase portfolio."
                    if len(added) == 1
                    else f"{len(added)} pieces of evidence were added to the showcase portfolio."
                )
                + " Now choose the criteria each piece shows."
            ),
        )
        if done is not None:
            return redirect("evidence:tag", evidence_id=done[0].pk)
    mapped = showcase_map(enrolment)
    removable = may_remove_from(request.user, enrolment)  # the same for every piece
    return render(
        request,
        "evidence/portfolio.html",
        {
            "enrolment": enrolment,
            "rows": [(row, removable) for row in mapped.pieces],
            "gaps": mapped.gaps,
            "criteria_count": len(mapped.criteria),
            "form": form if uploader else None,
            "uploader": uploader,
            "posted_form": form if request.method == "POST" else None,
            "limit": policy.portfolio_evidence_max,
            "policy": policy,
            "open": enrolment.journey_state in OPEN_STATES,
        },
    )


@login_required
def tag(request: AuthenticatedRequest, evidence_id: int) -> HttpResponse:
    """A person chooses the criteria a piece shows; OpenEPA's suggestions come first."""
    evidence = access_evidence(request.user, evidence_id)
    enrolment = evidence.enrolment
    if not may_upload(request.user, enrolment) or enrolment.journey_state not in OPEN_STATES:
        raise Http404("No such evidence")
    criteria = showcase_criteria(standard_of(enrolment))
    ordered = order_by_suggestion(criteria, evidence.suggested)
    current = list(evidence.tags.values_list("criterion_code", flat=True))
    form = TagForm(
        request.POST or None,
        criteria=[c for c, _ in ordered],
        initial={"criteria": current, "version": evidence.version},
    )
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda data: do_tag_evidence(
                actor=request.user,
                evidence_id=evidence.pk,
                criteria=data["criteria"],
                expected_version=data["version"],
            ),
            lambda tagged: f"Criteria saved for “{tagged.title}”.",
        )
        if done is not None:
            following = next_untagged(enrolment, after=evidence)
            if following is not None:
                return redirect("evidence:tag", evidence_id=following.pk)
            return redirect("evidence:list", enrolment_id=enrolment.pk)
    chosen = set(form["criteria"].value() or [])
    field = form["criteria"]
    return render(
        request,
        "evidence/tag.html",
        {
            "enrolment": enrolment,
            "evidence": evidence,
            "form": form,
            "field": field,
            "choices": [
                {
                    "criterion": criterion,
                    "suggested": suggested,
                    "checked": criterion.code in chosen,
                    # The first box takes the field's id: the error summary links to it.
                    "id": field.auto_id if index == 0 else f"{field.auto_id}-{index}",
                }
                for index, (criterion, suggested) in enumerate(ordered)
            ],
            "suggested_count": sum(1 for _, s in ordered if s),
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
