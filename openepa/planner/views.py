"""The scheduling pages for EPAO admins: ask for a plan, review it (table and days), edit
or drop lines, apply; re-plan after an assessor cancels a day; the capacity outlook.
Thin: access, form, action, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openepa.accounts.requests import AuthenticatedRequest
from openepa.core.actions_ui import run_action
from openepa.core.refusals import ActionRefused
from openepa.domain.dates import add_working_days
from openepa.planner.access import access_line, access_proposal, admin_epao
from openepa.planner.actions import (
    do_apply,
    do_drop_line,
    do_edit_line,
    do_request_plan,
    do_request_replan,
)
from openepa.planner.chart import Series, grouped_bars
from openepa.planner.forms import HorizonForm, LineForm, ReplanForm, VersionOnlyForm
from openepa.planner.models import Proposal, ProposalLine
from openepa.planner.outlook import outlook

PAGE = 25
RECENT = 10
PLACED = (
    ProposalLine.Status.PROPOSED,
    ProposalLine.Status.DROPPED,
    ProposalLine.Status.BOOKED,
    ProposalLine.Status.REFUSED,
)


def _recent(epao_id: int) -> list[Proposal]:
    return list(
        Proposal.objects.filter(epao_id=epao_id)
        .select_related("created_by", "cancelled_assessor")
        .order_by("-created_at", "-id")[:RECENT]
    )


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    epao_id = admin_epao(request.user)
    today = timezone.localdate()
    start = add_working_days(today, 1)
    form = HorizonForm(
        request.POST or None,
        initial={"first_day": start, "last_day": start + timedelta(days=27), "seconds": 20},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = run_action(
            form,
            lambda: do_request_plan(
                actor=request.user,
                epao_id=epao_id,
                first=data["first_day"],
                last=data["last_day"],
                seconds=data["seconds"],
            ),
        )
        if proposal is not None:
            return redirect("planner:proposal", proposal_id=proposal.pk)
    return render(request, "planner/index.html", {"form": form, "proposals": _recent(epao_id)})


@login_required
def replan(request: AuthenticatedRequest) -> HttpResponse:
    epao_id = admin_epao(request.user)
    form = ReplanForm(request.POST or None, epao_id=epao_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = run_action(
            form,
            lambda: do_request_replan(
                actor=request.user,
                epao_id=epao_id,
                assessor_id=data["assessor"].pk,
                day=data["day"],
            ),
        )
        if proposal is not None:
            return redirect("planner:proposal", proposal_id=proposal.pk)
    return render(request, "planner/replan.html", {"form": form})


def _page(
    request: AuthenticatedRequest, rows: QuerySet[ProposalLine], param: str
) -> Page[ProposalLine]:
    return Paginator(rows, PAGE).get_page(request.GET.get(param))


@login_required
def proposal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    found = access_proposal(request.user, proposal_id)
    lines = found.lines.select_related("enrolment__apprentice", "assessor", "moves")
    placed = _page(request, lines.filter(status__in=PLACED).order_by("starts_at", "id"), "page")
    unplaced = _page(
        request,
        lines.filter(status=ProposalLine.Status.UNPLACED).order_by("enrolment_id", "id"),
        "unplaced",
    )
    days = [
        (day, list(group))
        for day, group in groupby(placed.object_list, key=lambda x: timezone.localdate(x.starts_at))
    ]
    waiting = found.status in {
        Proposal.Status.QUEUED,
        Proposal.Status.RUNNING,
        Proposal.Status.APPLYING,
    }
    return render(
        request,
        "planner/proposal.html",
        {
            "proposal": found,
            "placed": placed,
            "unplaced": unplaced,
            "days": days,
            "waiting": waiting,
            "counts": {
                s: found.lines.filter(status=s).count()
                for s in (ProposalLine.Status.PROPOSED, ProposalLine.Status.UNPLACED)
            }
            if found.status not in {Proposal.Status.QUEUED, Proposal.Status.RUNNING}
            else {},
        },
    )


@login_required
def line(request: AuthenticatedRequest, proposal_id: int, line_id: int) -> HttpResponse:
    found = access_line(request.user, proposal_id, line_id)
    initial: dict[str, object] = {
        "version": found.proposal.version,
        "assessor": found.assessor_id,
        "starts_at": timezone.localtime(found.starts_at) if found.starts_at else None,
    }
    form = LineForm(request.POST or None, initial=initial, epao_id=found.proposal.epao_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_action(
            form,
            lambda: do_edit_line(
                actor=request.user,
                line_id=found.pk,
                assessor_id=data["assessor"].pk,
                starts_at=data["starts_at"],
                expected_version=data["version"],
            ),
        )
        if done is not None:
            messages.success(request, "Line changed: the checker accepted it.")
            return redirect("planner:proposal", proposal_id=proposal_id)
    return render(request, "planner/line.html", {"line": found, "form": form})


@login_required
@require_POST
def drop(request: AuthenticatedRequest, proposal_id: int, line_id: int) -> HttpResponse:
    found = access_line(request.user, proposal_id, line_id)
    return _versioned(
        request,
        proposal_id,
        lambda version: do_drop_line(
            actor=request.user, line_id=found.pk, expected_version=version
        ),
        "Line dropped: it will not be booked.",
    )


@login_required
@require_POST
def apply(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    found = access_proposal(request.user, proposal_id)
    return _versioned(
        request,
        proposal_id,
        lambda version: do_apply(
            actor=request.user, proposal_id=found.pk, expected_version=version
        ),
        "Booking the proposed lines: each line shows its outcome.",
    )


def _versioned(
    request: AuthenticatedRequest,
    proposal_id: int,
    action: Callable[[int | None], object],
    done: str,
) -> HttpResponse:
    """Run a button's action with the version the page was shown at (a stale one is
    refused), say what happened, and go back to the proposal."""
    form = VersionOnlyForm(request.POST)
    try:
        action(form.cleaned_data["version"] if form.is_valid() else None)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("planner:proposal", proposal_id=proposal_id)


@login_required
def capacity(request: AuthenticatedRequest) -> HttpResponse:
    epao_id = admin_epao(request.user)
    found = outlook(epao_id)
    labels = [f"{w:%-d %b}" for w in found.weeks]
    need = [c.need for c in found.totals]
    room = [c.capacity for c in found.totals]
    short = [f"{w:%-d %B}" for w, c in zip(found.weeks, found.totals, strict=True) if c.short]
    chart = grouped_bars(
        "Assessments expected to need booking and assessor capacity, by week",
        f"{len(found.weeks)} weeks from {found.weeks[0]:%-d %B %Y}: expected {sum(need)}, "
        f"capacity {sum(room)}. "
        + (f"Short in the weeks beginning {', '.join(short)}." if short else "No week falls short.")
        + " The table below gives every figure.",
        labels,
        [Series("Expected to need booking", need, "#1d70b8"), Series("Capacity", room, "#00703c")],
    )
    return render(
        request,
        "planner/outlook.html",
        {
            "outlook": found,
            "chart": chart,
            "totals": list(zip(found.weeks, found.totals, strict=True)),
            # A region with nothing expected and no assessor covering it is left out.
            "regions": [
                (name, list(zip(found.weeks, cells, strict=True)))
                for name, cells in found.rows
                if any(c.need or c.capacity for c in cells)
            ],
        },
    )
