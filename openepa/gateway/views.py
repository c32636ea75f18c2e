"""Gateway pages: submit evidence (provider, employer) and review it (EPAO admin). Thin:
access, form, action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.core.actions_ui import post_action, run_action
from openepa.domain.journey import State
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.models import Enrolment
from openepa.gateway.actions import do_accept_gateway, do_reject_gateway, do_submit_gateway
from openepa.gateway.forms import AcceptForm, GatewaySubmissionForm, RejectForm
from openepa.gateway.queries import eligibility_for, submissions_of

SUBMITTERS = {Role.PROVIDER, Role.EMPLOYER}
VIEWERS = {Role.PROVIDER, Role.EMPLOYER, Role.EPAO_ADMIN}


@login_required
def submit(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=SUBMITTERS, apprentice=False)
    form = GatewaySubmissionForm(
        request.POST or None,
        initial={
            "version": enrolment.version,
            "english_in_training_plan": enrolment.english_in_training_plan,
            "maths_in_training_plan": enrolment.maths_in_training_plan,
        },
        policy=policy_of(enrolment),
    )
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_submit_gateway(
                actor=request.user,
                enrolment_id=enrolment.pk,
                evidence=form.evidence_record(),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "Gateway evidence submitted to the EPAO.")
            return redirect("gateway:review", enrolment_id=enrolment.pk)
    return render(request, "gateway/submit.html", {"enrolment": enrolment, "form": form})


def _review(
    request: AuthenticatedRequest,
    enrolment: Enrolment,
    accept: AcceptForm | None = None,
    reject: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    history = list(submissions_of(enrolment))
    latest = history[0] if history else None
    eligibility = eligibility_for(latest) if latest else None
    deciding = enrolment.journey_state == State.GATEWAY_SUBMITTED and enrolment.epao_id in roles_of(
        request.user
    ).orgs(Role.EPAO_ADMIN)
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
