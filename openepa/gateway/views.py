"""Gateway pages: submit evidence (provider, employer) and review it (EPAO admin). Thin:
access, form, action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.core import uploads
from openepa.core.actions_ui import post_action
from openepa.core.forms import AccessibleForm
from openepa.core.refusals import ActionRefused
from openepa.domain.gateway_tasks import SUBMIT_DECLARATION, TaskKind, gateway_tasks
from openepa.domain.journey import State
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.models import Enrolment
from openepa.gateway.access import access_gateway_document
from openepa.gateway.actions import (
    do_accept_gateway,
    do_reject_gateway,
    do_review_requirement,
    do_save_gateway_details,
    do_sign_off_gateway,
    do_submit_gateway_tasks,
    do_upload_gateway_document,
    do_withdraw_gateway_document,
)
from openepa.gateway.forms import (
    AcceptForm,
    CheckAnswersForm,
    DocumentForm,
    GatewayDetailsForm,
    RejectForm,
    RequirementReviewForm,
    SignOffForm,
)
from openepa.gateway.models import FORMAT_CHOICES, LEVEL_CHOICES
from openepa.gateway.queries import (
    PREPARING_STATES,
    document_history,
    eligibility_for,
    review_rows,
    submissions_of,
    task_list,
    verdict_of,
)

SUBMITTERS = {Role.PROVIDER, Role.EMPLOYER}
VIEWERS = {Role.PROVIDER, Role.EMPLOYER, Role.EPAO_ADMIN}
#: The document history on the gateway page shows at most this many, with the count.
HISTORY_LIMIT = 50


def _preparer(request: AuthenticatedRequest, enrolment_id: int) -> Enrolment:
    return access_enrolment(request.user, enrolment_id, roles=SUBMITTERS, apprentice=False)


def _parties(request: AuthenticatedRequest, enrolment: Enrolment) -> set[str]:
    roles = roles_of(request.user)
    parties = set()
    if enrolment.employer_id in roles.orgs(Role.EMPLOYER):
        parties.add("employer")
    if enrolment.provider_id in roles.orgs(Role.PROVIDER):
        parties.add("provider")
    return parties


@login_required
def tasks(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    """The gateway task list: each requirement of the EPAO's policy with its status."""
    enrolment = _preparer(request, enrolment_id)
    return render(
        request,
        "gateway/tasks.html",
        {
            "enrolment": enrolment,
            "tasks": task_list(enrolment),
            "preparing": enrolment.journey_state in PREPARING_STATES,
        },
    )


@login_required
def task(request: AuthenticatedRequest, enrolment_id: int, task: str) -> HttpResponse:
    """One task: the details form, a document upload or a sign-off."""
    enrolment = _preparer(request, enrolment_id)
    listed = task_list(enrolment)
    row = listed.row(task)
    if row is None:
        raise Http404("No such task")
    preparing = enrolment.journey_state in PREPARING_STATES and row.editable
    policy = listed.policy
    form: AccessibleForm | None = None
    posted = request.method == "POST" and preparing
    kind = row.task.kind
    if kind == TaskKind.DETAILS:
        initial = row.details or (
            {
                "english_in_training_plan": enrolment.english_in_training_plan,
                "maths_in_training_plan": enrolment.maths_in_training_plan,
            }
        )
        details = GatewayDetailsForm(
            # The details form always posts its English select; the upload form never does.
            request.POST if posted and "english" in request.POST else None,
            initial=initial,
            policy=policy,
            prefix=None,
        )
        if details.is_bound:
            done = post_action(
                request,
                details,
                lambda data: do_save_gateway_details(
                    actor=request.user, enrolment_id=enrolment.pk, details=details.details()
                ),
                "The gateway meeting, English and maths were saved.",
            )
            if done is not None:
                return redirect("gateway:submit", enrolment_id=enrolment.pk)
        form = details
    document_form = None
    if kind in (TaskKind.DETAILS, TaskKind.DOCUMENTS):
        uploading = posted and ("file" in request.FILES or "title" in request.POST)
        document_form = DocumentForm(
            request.POST if uploading else None, request.FILES if uploading else None
        )
        if document_form.is_bound:
            document = document_form
            done_item = post_action(
                request,
                document,
                lambda data: do_upload_gateway_document(
                    actor=request.user,
                    enrolment_id=enrolment.pk,
                    task=row.task.code,
                    title=data["title"],
                    upload=data["file"],
                ),
                lambda item: f"“{item.title}” was added to {row.task.title.lower()}.",
            )
            if done_item is not None:
                return redirect("gateway:task", enrolment_id=enrolment.pk, task=row.task.code)
    sign_off = None
    if kind == TaskKind.SIGN_OFF:
        sign_off = SignOffForm(request.POST if posted else None)
        if sign_off.is_bound:
            signed = post_action(
                request,
                sign_off,
                lambda data: do_sign_off_gateway(
                    actor=request.user,
                    enrolment_id=enrolment.pk,
                    task=row.task.code,
                    confirmed=data["confirmed"],
                ),
                f"{row.task.title} was signed.",
            )
            if signed is not None:
                return redirect("gateway:submit", enrolment_id=enrolment.pk)
    may_sign = row.task.party is not None and row.task.party.value in _parties(request, enrolment)
    errors = next(
        (f for f in (form, document_form, sign_off) if f is not None and f.is_bound and f.errors),
        None,
    )
    return render(
        request,
        "gateway/task.html",
        {
            "enrolment": enrolment,
            "row": row,
            "preparing": preparing,
            "details_form": form,
            "document_form": document_form,
            "sign_off_form": sign_off if may_sign else None,
            "posted_form": errors,
            "level_words": dict(LEVEL_CHOICES),
            "format_words": dict(FORMAT_CHOICES),
        },
    )


@login_required
def check(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    """Check your answers, then submit the gateway to the EPAO."""
    enrolment = _preparer(request, enrolment_id)
    listed = task_list(enrolment)
    preparing = enrolment.journey_state in PREPARING_STATES
    form = CheckAnswersForm(
        request.POST if request.method == "POST" and preparing else None,
        initial={"version": enrolment.version},
    )
    if form.is_bound:
        done = post_action(
            request,
            form,
            lambda data: do_submit_gateway_tasks(
                actor=request.user,
                enrolment_id=enrolment.pk,
                declared=data["declared"],
                expected_version=data["version"],
            ),
            "Gateway submitted to the EPAO.",
        )
        if done is not None:
            return redirect("gateway:review", enrolment_id=enrolment.pk)
    return render(
        request,
        "gateway/check.html",
        {
            "enrolment": enrolment,
            "tasks": listed,
            "form": form if preparing else None,
            "declaration": SUBMIT_DECLARATION,
            "level_words": dict(LEVEL_CHOICES),
            "format_words": dict(FORMAT_CHOICES),
        },
    )


@login_required
def download(request: AuthenticatedRequest, document_id: int) -> FileResponse:
    item = access_gateway_document(request.user, document_id)
    return uploads.download(item.stored_name or "", item.original_name, item.content_type)


@login_required
@require_POST
def withdraw(request: AuthenticatedRequest, document_id: int) -> HttpResponse:
    item = access_gateway_document(request.user, document_id)
    if not _parties(request, item.enrolment):
        raise Http404("No such document")
    try:
        do_withdraw_gateway_document(actor=request.user, item_id=item.pk)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"“{item.title}” was withdrawn.")
    return redirect("gateway:task", enrolment_id=item.enrolment_id, task=item.task)


@login_required
@require_POST
def review_requirement(request: AuthenticatedRequest, enrolment_id: int, task: str) -> HttpResponse:
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EPAO_ADMIN}, apprentice=False
    )
    form = RequirementReviewForm(request.POST, prefix=task)
    done = post_action(
        request,
        form,
        lambda data: do_review_requirement(
            actor=request.user,
            enrolment_id=enrolment.pk,
            task=task,
            accept=data["outcome"] == "accept",
            reason=data["reason"],
        ),
        lambda review: f"{review.get_outcome_display()}: recorded.",
    )
    if done is not None:
        return redirect(f"{reverse('gateway:review', args=[enrolment.pk])}#requirement-{task}")
    return _review(request, enrolment, requirement=(task, form), status=400)


def _review(
    request: AuthenticatedRequest,
    enrolment: Enrolment,
    accept: AcceptForm | None = None,
    reject: RejectForm | None = None,
    status: int = 200,
    requirement: tuple[str, RequirementReviewForm] | None = None,
) -> HttpResponse:
    history = list(submissions_of(enrolment))
    latest = history[0] if history else None
    eligibility = eligibility_for(latest) if latest else None
    deciding = enrolment.journey_state == State.GATEWAY_SUBMITTED and enrolment.epao_id in roles_of(
        request.user
    ).orgs(Role.EPAO_ADMIN)
    by_task = bool(latest and latest.task_items)
    rows = review_rows(latest) if latest else []
    review_forms = {}
    if deciding and by_task:
        for row in rows:
            review_forms[row.task.code] = RequirementReviewForm(prefix=row.task.code)
        if requirement is not None:
            review_forms[requirement[0]] = requirement[1]
    if deciding and reject is None and by_task:
        reject = RejectForm(initial={"version": enrolment.version})
        reject.fields["reasons"].label = "Anything else to tell the provider (optional)"
        reject.fields[
            "reasons"
        ].help_text = "The returned requirements and their reasons are sent with it."
    if deciding and reject is None:
        unmet = eligibility.unmet if eligibility else ()
        reject = RejectForm(
            initial={
                "version": enrolment.version,
                "reasons": "\n".join(f"- {r.reason} ({r.source})" for r in unmet),
            }
        )
    if deciding and accept is None:
        accept = AcceptForm(initial={"version": enrolment.version})
    titles = {t.code: t.title for t in gateway_tasks(policy_of(enrolment), True)}
    roles = roles_of(request.user)
    may_submit = enrolment.journey_state in {State.REGISTERED, State.GATEWAY_REJECTED} and (
        enrolment.provider_id in roles.orgs(Role.PROVIDER)
        or enrolment.employer_id in roles.orgs(Role.EMPLOYER)
    )
    return render(
        request,
        "gateway/review.html",
        {
            "enrolment": enrolment,
            "latest": latest,
            "history": history,
            "eligibility": eligibility,
            "deciding": deciding,
            "accept_form": accept,
            "reject_form": reject,
            "may_submit": may_submit,
            "by_task": by_task,
            "rows": [(row, review_forms.get(row.task.code)) for row in rows],
            "verdict": verdict_of(latest) if deciding and by_task and latest else None,
            "level_words": dict(LEVEL_CHOICES),
            "format_words": dict(FORMAT_CHOICES),
            "documents": [
                (titles.get(item.task, item.task), item)
                for item in document_history(enrolment)[:HISTORY_LIMIT]
            ],
            "documents_count": document_history(enrolment).count(),
        },
        status=status,
    )


@login_required
def review(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=VIEWERS, apprentice=False)
    return _review(request, enrolment)


@login_required
@require_POST
def accept(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EPAO_ADMIN}, apprentice=False
    )
    form = AcceptForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: do_accept_gateway(
            actor=request.user,
            enrolment_id=enrolment.pk,
            notes=data["notes"],
            expected_version=data["version"],
        ),
        "Gateway accepted. Next: record the planning meeting.",
    )
    if done is not None:
        return redirect("gateway:review", enrolment_id=enrolment.pk)
    return _review(request, enrolment, accept=form)


@login_required
@require_POST
def reject(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EPAO_ADMIN}, apprentice=False
    )
    form = RejectForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: do_reject_gateway(
            actor=request.user,
            enrolment_id=enrolment.pk,
            reasons=data["reasons"],
            expected_version=data["version"],
        ),
        "Gateway rejected; the provider and employer can resubmit.",
    )
    if done is not None:
        return redirect("gateway:review", enrolment_id=enrolment.pk)
    return _review(request, enrolment, reject=form)
