"""Views of the enrolments context: thin. Reads come from `queries`/`access`, writes go
through `actions` via `run_action`, so a refusal shows on the field it names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from openepa.accounts.models import Role
from openepa.accounts.roles import roles_of
from openepa.domain.journey import TERMINAL
from openepa.enrolments import queries
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.actions import do_register_enrolment, do_withdraw_enrolment
from openepa.enrolments.forms import PipelineFilterForm, RegistrationForm, SearchForm, WithdrawForm
from openepa.enrolments.links import action_links, object_links
from openepa.enrolments.models import Enrolment
from openepa.web.actions_ui import run_action

PER_PAGE = 25


def _paged(request: HttpRequest, queryset: QuerySet[Enrolment]) -> dict[str, Any]:
    """The page asked for and the page numbers to offer (1 … 4 5 [6] 7 8 … 20)."""
    paginator = Paginator(queryset, PER_PAGE)
    # get_page() turns a missing, non-numeric or out-of-range page into a valid one.
    page = paginator.get_page(request.GET.get("page"))
    return {"page": page, "page_range": list(paginator.get_elided_page_range(page.number))}


@login_required
def enrolment_list(request: HttpRequest) -> HttpResponse:
    """My apprentices: the employer's, the provider's, the allocated assessor's, or the
    apprentice's own record."""
    form = SearchForm(request.GET)
    text = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    return render(
        request,
        "enrolments/list.html",
        {
            "form": form,
            **_paged(request, queries.search(queries.my_apprentices(request.user), text)),
            "search": text,
            "is_admin": roles_of(request.user).has(Role.EPAO_ADMIN),
        },
    )


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    """The EPAO admin's pipeline: every enrolment of their EPAO, filtered and counted."""
    epao_ids = roles_of(request.user).orgs(Role.EPAO_ADMIN)
    if not epao_ids:
        raise Http404("No pipeline")
    form = PipelineFilterForm(request.GET, epao_ids=epao_ids)
    filters = form.filters()
    everything = queries.pipeline_for(request.user)
    return render(
        request,
        "enrolments/pipeline.html",
        {
            "form": form,
            "filters": filters,
            **_paged(request, queries.with_overdue(queries.apply_filters(everything, filters))),
            # The counts follow every filter but the state, so they read as tabs.
            "counts": queries.counts_by_state(
                queries.apply_filters(everything, filters, with_state=False)
            ),
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request.user)
    if not (roles.has(Role.PROVIDER) or roles.has(Role.EPAO_ADMIN)):
        # The same answer as for a page that is not there (CONTRIBUTING.md, access).
        raise Http404("No such page")
    form = RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enrolment = run_action(
            form,
            lambda: do_register_enrolment(actor=request.user, registration=form.registration()),
        )
        if enrolment is not None:
            messages.success(
                request,
                f"{enrolment.apprentice} is registered on {enrolment.standard.reference}.",
            )
            return redirect("enrolments:detail", enrolment_id=enrolment.pk)
    return render(request, "enrolments/register.html", {"form": form})


@login_required
def detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = access_enrolment(request.user, enrolment_id, roles=queries.RECORD_ROLES)
    is_admin = enrolment.epao_id in roles_of(request.user).orgs(Role.EPAO_ADMIN)
    return render(
        request,
        "enrolments/detail.html",
        {
            "enrolment": enrolment,
            "timeline": queries.timeline(enrolment),
            "links": action_links(request.user, enrolment),
            "records": object_links(request.user, enrolment),
            "may_withdraw": is_admin and enrolment.journey_state not in TERMINAL,
        },
    )


@login_required
def withdraw(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    # Only the EPAO's admins withdraw; everyone else gets the 404 a missing id gets.
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EPAO_ADMIN}, apprentice=False
    )
    form = WithdrawForm(request.POST or None, initial={"version": enrolment.version})
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: do_withdraw_enrolment(
                actor=request.user,
                enrolment_id=enrolment.pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"{enrolment.apprentice} has been withdrawn.")
            return redirect("enrolments:detail", enrolment_id=enrolment.pk)
    return render(request, "enrolments/withdraw.html", {"enrolment": enrolment, "form": form})
