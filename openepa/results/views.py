"""Result pages: the statement of results (seed 000 §3), its release by the EPAO, and the
next step after a Fail (seed 000 §4, seed 002, seed 004). Views only read through
`queries`/`access` and write through `actions`."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.core.actions_ui import post_action
from openepa.core.paging import CappedPaginator
from openepa.domain.journey import State
from openepa.domain.ofqual_returns import ReturnKind
from openepa.domain.resits import grade_cap_statement
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.quality.display import pending_words
from openepa.quality.queries import pending_samples
from openepa.results import actions, overview, queries
from openepa.results.access import access_result, may_administer
from openepa.results.catalogue import links_for
from openepa.results.display import (
    KIND_LABELS,
    method_name,
    plan_lines,
    results_deadline_text,
)
from openepa.results.forms import OfqualReturnForm, OverrideForm, ReleaseForm, RestartForm
from openepa.results.models import OverallResult
from openepa.results.ofqual import Period, check_return

PAGE_SIZE = 25


@login_required
def result_list(request: AuthenticatedRequest) -> HttpResponse:
    """Results awaiting release for the admin's EPAOs, overdue first (seed 004: within 10
    working days). Other roles see released results on their home page instead."""
    if not roles_of(request.user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")
    due = request.GET.get("due", "")
    due = due if due in overview.DUE_FILTERS else ""
    waiting = queries.awaiting_release_for(request.user, related=queries.LIST_RELATED)
    results = overview.filter_due(waiting, due, queries.today())
    # Counted up to the cap, in the partial index's order: the count and the deepest page
    # cost the same however many results wait (more than the cap: the filters narrow it).
    page = CappedPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "results/list.html",
        {
            "page": page,
            "due": due,
            "due_label": overview.DUE_FILTERS.get(due, ""),
            "due_filters": overview.DUE_FILTERS,
            # The words of the bulk release form (openepa.bulk, reached by its address only).
            "bulk": {"noun": "result", "plural": "results"},
        },
    )


@login_required
def result_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """Every result awaiting release, in the list's order, as CSV or XLSX."""
    return SOURCES.download(request, request.user, "results-awaiting-release", fmt)


@login_required
def result_detail(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _page(request, access_result(request.user, result_id))


@login_required
@require_POST
def release(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    result = access_result(request.user, result_id)
    form = ReleaseForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_release_results(
            actor=request.user, result_id=result.pk, expected_version=data["version"]
        ),
        lambda released: f"Results released: {released.get_grade_display()}.",
    )
    if done is not None:
        return redirect("results:detail", result_id=result.pk)
    return _page(request, result, release_form=form)


@login_required
@require_POST
def override_window(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    result = access_result(request.user, result_id)
    form = OverrideForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_override_resit_window(
            actor=request.user,
            enrolment_id=result.enrolment_id,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        "Exceptional circumstances recorded: a resit or retake may be booked after the window.",
    )
    if done is not None:
        return redirect("results:detail", result_id=result.pk)
    return _page(request, result, override_form=form)


@login_required
@require_POST
def restart(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    result = access_result(request.user, result_id)
    form = RestartForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_restart_epa(
            actor=request.user,
            enrolment_id=result.enrolment_id,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        "The whole EPA will be taken again: the apprentice is back at planning, and earlier "
        "attempts no longer count.",
    )
    if done is not None:
        return redirect("results:detail", result_id=result.pk)
    return _page(request, result, restart_form=form)


def _page(
    request: AuthenticatedRequest,
    result: OverallResult,
    *,
    release_form: ReleaseForm | None = None,
    override_form: OverrideForm | None = None,
    restart_form: RestartForm | None = None,
) -> HttpResponse:
    enrolment = result.enrolment
    standard = standard_of(enrolment)
    policy = policy_of(enrolment)
    admin = may_administer(request.user, result)
    methods = []
    for method in standard.methods:
        snap: queries.MethodSnapshot | None = result.methods.get(method.code.value)
        if snap is not None:
            methods.append(
                {
                    **snap,
                    "name": method.name,
                    "kind_label": KIND_LABELS.get(snap["kind"], snap["kind"]),
                    "assessed_on": date.fromisoformat(snap["assessed_on"]),
                }
            )
    # Only the enrolment's latest released Fail leads to a next step; an older one is history.
    latest = queries.latest_released(enrolment) if result.released_at else None
    is_latest = latest is not None and latest.pk == result.pk
    plan = queries.plan_for(result) if is_latest else None
    notified = queries.fail_notified_on(result)
    next_step = (
        plan_lines(plan, policy, standard, notified=notified, first=result.first_component_on)
        if plan is not None and notified is not None
        else None
    )
    resit_due = is_latest and enrolment.journey_state == State.RESIT_DUE
    held = policy.release_requires_iqa and admin and result.released_at is None
    iqa_pending = pending_samples(result.attempt_ids) if held else []
    version = {"version": enrolment.version}
    context = {
        "result": result,
        "enrolment": enrolment,
        "policy": policy,
        "methods": methods,
        "feedback": [
            (m["name"], m["feedback"]) for m in methods if str(m.get("feedback") or "").strip()
        ],
        "cap_statement": grade_cap_statement(policy),
        # Whoever sees this page may download the result's documents (openepa.documents).
        "documents": links_for(result),
        "due_text": results_deadline_text(policy),
        "overdue": queries.is_overdue(result),
        "next_step": next_step,
        "passed_methods": [method_name(standard, m) for m in plan.passed] if plan else [],
        "overrides": list(queries.overrides_for(enrolment)) if next_step else [],
        "is_admin": admin,
        "iqa_pending": pending_words(iqa_pending),
        "can_release": admin and result.released_at is None and result.superseded_at is None,
        "resit_actions": admin and resit_due and next_step is not None,
        "release_form": release_form or ReleaseForm(initial=version),
        "override_form": override_form or OverrideForm(initial=version),
        "restart_form": restart_form or RestartForm(initial=version),
        # The posted form's refusal is summarised at the top: its own section may no
        # longer be shown (e.g. the release form once the result is released).
        "posted_form": release_form or override_form or restart_form,
    }
    return render(request, "results/detail.html", context)


#: Problems and rows shown on the returns page: the page stays bounded however large the
#: return; the counts say how many there are in all.
RETURN_PREVIEW = 25


@login_required
def ofqual_returns(request: AuthenticatedRequest) -> HttpResponse:
    """The Ofqual data returns for the admin's EPAOs: choose the return and the period, see
    every row that breaks a published rule, and download the CSV once none does."""
    admin_of = roles_of(request.user).orgs(Role.EPAO_ADMIN)
    if not admin_of:
        raise Http404("No such page")
    form = OfqualReturnForm(request.GET or None)
    checked = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        period = Period(data["start"], data["end"], data["reporting_date"])
        checked = check_return(ReturnKind(data["kind"]), admin_of, period)
        if request.GET.get("download") and checked.valid:
            name = f"ofqual-{data['kind']}-{data['start']}-to-{data['end']}.csv"
            response = HttpResponse(checked.text, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    query = request.GET.copy()
    query["download"] = "1"
    return render(
        request,
        "results/ofqual_returns.html",
        {
            "form": form,
            "checked": checked,
            "violations": checked.violations[:RETURN_PREVIEW] if checked else [],
            "rows": checked.rows[:RETURN_PREVIEW] if checked else [],
            "preview": RETURN_PREVIEW,
            "download_query": query.urlencode(),
        },
    )
