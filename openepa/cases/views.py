"""Pages of reasonable adjustments, special considerations, enquiries and appeals. Thin:
access, form, action, render. The special-category details are put in a page's context
only for those who may see them (openepa.cases.access.may_see_details)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.assessments.forms import AmendForm
from openepa.assessments.layout import outcome_field
from openepa.assessments.models import Attempt
from openepa.assessments.queries import load_sheet
from openepa.cases import actions, queries
from openepa.cases.access import (
    access_adjustment,
    access_case,
    access_consideration,
    is_party,
    may_see_details,
)
from openepa.cases.forms import (
    AdjustmentDecisionForm,
    AdjustmentRequestForm,
    CaseDecisionForm,
    CaseForm,
    CloseForm,
    ConsiderationDecisionForm,
    ConsiderationRequestForm,
    ReviewForm,
)
from openepa.cases.models import Case, Decision, ReasonableAdjustment, SpecialConsideration
from openepa.core.actions_ui import post_action
from openepa.core.forms import AccessibleForm
from openepa.domain.cases import CaseKind, CaseState, case_window
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.models import Enrolment
from openepa.enrolments.sections import DECISION_CHECK_PAGE

PARTIES = {Role.EMPLOYER, Role.PROVIDER}
VIEWERS = {Role.EPAO_ADMIN, Role.EMPLOYER, Role.PROVIDER}


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The EPAO admin's open requests and cases: no special-category details in it."""
    if not roles_of(request.user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")
    return render(
        request,
        "cases/queue.html",
        {
            "adjustments": list(queries.open_adjustments_for(request.user)),
            "considerations": list(queries.open_considerations_for(request.user)),
            "cases": list(queries.open_cases_for(request.user)),
        },
    )


@login_required
def cases_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The open enquiries and appeals, in the queue's order, as CSV or XLSX."""
    return SOURCES.download(request, request.user, "open-cases", fmt)


@login_required
def enrolment_cases(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=VIEWERS)
    bookings = list(queries.bookings_open_for_consideration(enrolment))
    policy = policy_of(enrolment)
    return render(
        request,
        "cases/enrolment.html",
        {
            "enrolment": enrolment,
            "adjustments": queries.adjustments_of(enrolment),
            "considerations": queries.considerations_of(enrolment),
            "cases": queries.cases_of(enrolment),
            "windows": queries.consideration_windows(enrolment, bookings),
            "policy": policy,
            "enquiry_window": case_window(CaseKind.ENQUIRY, policy),
            "appeal_window": case_window(CaseKind.APPEAL, policy),
            "party": is_party(request.user, enrolment),
            "gateway_on": queries.gateway_submitted_on(enrolment),
        },
    )


def _party_enrolment(request: AuthenticatedRequest, enrolment_id: int) -> Enrolment:
    """Only the apprentice, employer and provider ask; everyone else gets a 404."""
    return access_enrolment(request.user, enrolment_id, roles=PARTIES, apprentice=True)


@login_required
def request_adjustment(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _party_enrolment(request, enrolment_id)
    form = AdjustmentRequestForm(request.POST or None)
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda data: actions.do_request_adjustment(
                actor=request.user,
                enrolment_id=enrolment.pk,
                needs=data["needs"],
                arrangement=data["arrangement"],
                late_reason=data["late_reason"],
            ),
            lambda item: (
                "Reasonable adjustment requested"
                + (
                    ": it is flagged late because gateway was already submitted."
                    if item.late
                    else "."
                )
            ),
        )
        if done is not None:
            return redirect("cases:adjustment", adjustment_id=done.pk)
    return render(
        request,
        "cases/request_adjustment.html",
        {
            "enrolment": enrolment,
            "form": form,
            "gateway_on": queries.gateway_submitted_on(enrolment),
        },
    )


@login_required
def adjustment_detail(request: AuthenticatedRequest, adjustment_id: int) -> HttpResponse:
    return _adjustment_page(request, access_adjustment(request.user, adjustment_id))


def _adjustment_page(
    request: AuthenticatedRequest,
    item: ReasonableAdjustment,
    form: AdjustmentDecisionForm | None = None,
) -> HttpResponse:
    admin = is_epao_admin(request.user, item.enrolment.epao_id)
    return render(
        request,
        "cases/adjustment.html",
        {
            "item": item,
            "enrolment": item.enrolment,
            "details": may_see_details(
                request.user, item.enrolment, item.requester_organisation_id
            ),
            "is_admin": admin,
            "form": form
            or AdjustmentDecisionForm(
                initial={"version": item.version, "arrangement": item.arrangement}
            ),
            "may_decide": admin and item.state == Decision.REQUESTED,
            "may_appeal": is_party(request.user, item.enrolment)
            and item.state != Decision.REQUESTED,
            "cases": item.cases.order_by("raised_at"),
            "subject": f"adjustment:{item.pk}",
        },
    )


@login_required
@require_POST
def decide_adjustment(request: AuthenticatedRequest, adjustment_id: int) -> HttpResponse:
    item = access_adjustment(request.user, adjustment_id)
    if not is_epao_admin(request.user, item.enrolment.epao_id):
        raise Http404("No such request")
    form = AdjustmentDecisionForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_decide_adjustment(
            actor=request.user,
            adjustment_id=item.pk,
            approve=data["decision"] == "approve",
            reason=data["reason"],
            arrangement=data["arrangement"],
            expected_version=data["version"],
        ),
        lambda decided: f"Reasonable adjustment {decided.get_state_display().lower()}.",
    )
    if done is not None:
        return redirect("cases:adjustment", adjustment_id=item.pk)
    return _adjustment_page(request, item, form)


@login_required
def request_consideration(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _party_enrolment(request, enrolment_id)
    bookings = queries.bookings_open_for_consideration(enrolment)
    form = ConsiderationRequestForm(request.POST or None, bookings=bookings)
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda data: actions.do_request_special_consideration(
                actor=request.user,
                booking_id=data["booking"].pk,
                rescheduling_tried=data["rescheduling_tried"],
                why_not_rescheduled=data["why_not_rescheduled"],
                circumstances=data["circumstances"],
            ),
            "Special consideration requested.",
        )
        if done is not None:
            return redirect("cases:consideration", consideration_id=done.pk)
    return render(
        request,
        "cases/request_consideration.html",
        {
            "enrolment": enrolment,
            "form": form,
            "windows": queries.consideration_windows(enrolment, bookings),
            "policy": policy_of(enrolment),
        },
    )


@login_required
def consideration_detail(request: AuthenticatedRequest, consideration_id: int) -> HttpResponse:
    return _consideration_page(request, access_consideration(request.user, consideration_id))


def _consideration_page(
    request: AuthenticatedRequest,
    item: SpecialConsideration,
    form: ConsiderationDecisionForm | None = None,
) -> HttpResponse:
    admin = is_epao_admin(request.user, item.enrolment.epao_id)
    return render(
        request,
        "cases/consideration.html",
        {
            "item": item,
            "enrolment": item.enrolment,
            "details": may_see_details(
                request.user, item.enrolment, item.requester_organisation_id
            ),
            "is_admin": admin,
            "form": form or ConsiderationDecisionForm(initial={"version": item.version}),
            "may_decide": admin and item.state == Decision.REQUESTED,
            "may_appeal": is_party(request.user, item.enrolment)
            and item.state != Decision.REQUESTED,
            "cases": item.cases.order_by("raised_at"),
            "subject": f"consideration:{item.pk}",
        },
    )


@login_required
@require_POST
def decide_consideration(request: AuthenticatedRequest, consideration_id: int) -> HttpResponse:
    item = access_consideration(request.user, consideration_id)
    if not is_epao_admin(request.user, item.enrolment.epao_id):
        raise Http404("No such request")
    form = ConsiderationDecisionForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_decide_special_consideration(
            actor=request.user,
            consideration_id=item.pk,
            approve=data["decision"] == "approve",
            reason=data["reason"],
            outcome=data["outcome"],
            expected_version=data["version"],
        ),
        lambda decided: f"Special consideration {decided.get_state_display().lower()}.",
    )
    if done is not None:
        return redirect("cases:consideration", consideration_id=item.pk)
    return _consideration_page(request, item, form)


def _subject_choices(enrolment: Enrolment) -> list[tuple[str, str]]:
    found = queries.case_subjects(enrolment)
    choices = [
        (
            f"result:{r.pk}",
            f"Result: {r.get_grade_display()}, released {r.released_at:%d %B %Y}",
        )
        for r in found.results
    ]
    choices += [
        (
            f"adjustment:{a.pk}",
            f"Reasonable adjustment {a.get_state_display().lower()} on {a.decided_at:%d %B %Y}",
        )
        for a in found.adjustments
    ]
    choices += [
        (
            f"consideration:{c.pk}",
            f"Special consideration {c.get_state_display().lower()} on {c.decided_at:%d %B %Y}",
        )
        for c in found.considerations
    ]
    return choices


@login_required
def raise_case(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _party_enrolment(request, enrolment_id)
    subjects = _subject_choices(enrolment)
    form = CaseForm(
        request.POST or None,
        subjects=subjects,
        initial={"subject": request.GET.get("subject", ""), "kind": request.GET.get("kind", "")},
    )
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda data: actions.do_raise_case(
                actor=request.user,
                enrolment_id=enrolment.pk,
                kind=data["kind"],
                subject=form.subject_key(),
                grounds=data["grounds"],
            ),
            lambda case: f"{case.get_kind_display()} received.",
        )
        if done is not None:
            return redirect("cases:case", case_id=done.pk)
    policy = policy_of(enrolment)
    return render(
        request,
        "cases/raise.html",
        {
            "enrolment": enrolment,
            "form": form,
            "has_subjects": bool(subjects),
            "policy": policy,
            "enquiry_window": case_window(CaseKind.ENQUIRY, policy),
            "appeal_window": case_window(CaseKind.APPEAL, policy),
        },
    )


@login_required
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    return _case_page(request, access_case(request.user, case_id))


def _case_page(request: AuthenticatedRequest, case: Case, **forms: AccessibleForm) -> HttpResponse:
    admin = is_epao_admin(request.user, case.enrolment.epao_id)
    version: dict[str, object] = {"version": case.version}
    state = case.case_state
    context: dict[str, object] = {
        "case": case,
        "enrolment": case.enrolment,
        "details": may_see_details(request.user, case.enrolment, case.raiser_organisation_id),
        "is_admin": admin,
        "panel": list(case.panel.order_by("full_name")),
        "history": queries.case_history(case),
        "amendments": case.amendments.select_related("attempt", "amended_by").order_by(
            "amended_at"
        ),
        "may_review": admin and state == CaseState.RECEIVED,
        "may_decide": admin and state == CaseState.UNDER_REVIEW,
        "may_close": admin and state in {CaseState.UPHELD, CaseState.NOT_UPHELD},
        "posted_form": next(iter(forms.values()), None),
        # What the assessor saw, for the admins and the case's reviewer or panel.
        **DECISION_CHECK_PAGE.context(request, case.enrolment),
    }
    if admin:
        staff = queries.epao_staff(case.enrolment)
        context["review_form"] = forms.get("review_form") or ReviewForm(
            initial=version, staff=staff
        )
        context["decide_form"] = forms.get("decide_form") or CaseDecisionForm(initial=version)
        context["close_form"] = forms.get("close_form") or CloseForm(initial=version)
        if state == CaseState.UPHELD and case.result is not None:
            context["attempts"] = Attempt.objects.filter(pk__in=case.result.attempt_ids).order_by(
                "assessed_on", "id"
            )
    return render(request, "cases/case.html", context)


def _admin_case(request: AuthenticatedRequest, case_id: int) -> Case:
    case = access_case(request.user, case_id)
    if not is_epao_admin(request.user, case.enrolment.epao_id):
        raise Http404("No such case")
    return case


@login_required
@require_POST
def review(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _admin_case(request, case_id)
    form = ReviewForm(request.POST, staff=queries.epao_staff(case.enrolment))
    done = post_action(
        request,
        form,
        lambda data: actions.do_start_case_review(
            actor=request.user,
            case_id=case.pk,
            reviewer_id=data["reviewer"].pk,
            panel_ids=[p.pk for p in data["panel"]],
            expected_version=data["version"],
        ),
        "The case is under review.",
    )
    if done is not None:
        return redirect("cases:case", case_id=case.pk)
    return _case_page(request, case, review_form=form)


@login_required
@require_POST
def decide(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _admin_case(request, case_id)
    form = CaseDecisionForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_decide_case(
            actor=request.user,
            case_id=case.pk,
            upheld=data["decision"] == "upheld",
            reason=data["reason"],
            expected_version=data["version"],
        ),
        lambda decided: f"Decision recorded: {decided.get_state_display().lower()}.",
    )
    if done is not None:
        return redirect("cases:case", case_id=case.pk)
    return _case_page(request, case, decide_form=form)


@login_required
@require_POST
def close(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = _admin_case(request, case_id)
    form = CloseForm(request.POST)
    done = post_action(
        request,
        form,
        lambda data: actions.do_close_case(
            actor=request.user,
            case_id=case.pk,
            note=data["note"],
            expected_version=data["version"],
        ),
        "The case is closed.",
    )
    if done is not None:
        return redirect("cases:case", case_id=case.pk)
    return _case_page(request, case, close_form=form)


@login_required
def amend(request: AuthenticatedRequest, case_id: int, attempt_id: int) -> HttpResponse:
    """An upheld case changes a judgement only through a recorded amendment (issue 5 §3)."""
    case = _admin_case(request, case_id)
    if case.case_state != CaseState.UPHELD or case.result is None:
        return redirect("cases:case", case_id=case.pk)
    if attempt_id not in case.result.attempt_ids:
        raise Http404("No such marking sheet")
    attempt = Attempt.objects.select_related("booking__enrolment").get(pk=attempt_id)
    loaded = load_sheet(attempt)
    form = AmendForm(loaded.lines, data=request.POST or None, initial={"version": attempt.version})
    if request.method == "POST":
        done = post_action(
            request,
            form,
            lambda data: actions.do_amend_through_case(
                actor=request.user,
                case_id=case.pk,
                attempt_id=attempt.pk,
                changes=form.changes(),
                expected_version=data["version"],
            ),
            "The marking sheet was amended through this case and the result re-issued.",
        )
        if done is not None:
            return redirect("cases:case", case_id=case.pk)
    rows = [
        {
            "code": line.criterion.code,
            "text": line.criterion.text_for(loaded.modes),
            "outcome": loaded.rows[line.criterion.code].get_outcome_display(),
            "field": form[outcome_field(line.criterion.code)],
        }
        for line in loaded.lines
    ]
    return render(
        request,
        "cases/amend.html",
        {
            "case": case,
            "attempt": attempt,
            "form": form,
            "rows": rows,
            **DECISION_CHECK_PAGE.context(request, case.enrolment),
        },
    )
