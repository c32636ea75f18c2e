"""Bulk work pages (issue 17 item 2): choose rows, confirm with the count, follow the run
and read or download its per-row report. EPAO admins only; anyone else gets a 404. Views
read through `queries`/`access` and write through `actions`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.bulk import actions, queries
from openepa.bulk.access import access_run
from openepa.bulk.forms import ChooseForm
from openepa.bulk.models import BulkKind, Outcome
from openepa.bulk.operations import Operation, operation
from openepa.bulk.report import report_csv
from openepa.core.actions_ui import run_action

PAGE_SIZE = 25
ROWS_PAGE = 50

#: The address of each action: /bulk/<slug>/...
SLUGS = {
    "release-results": BulkKind.RELEASE_RESULTS,
    "request-certificates": BulkKind.REQUEST_CERTIFICATES,
    "accept-gateway": BulkKind.ACCEPT_GATEWAY,
}
SLUG_OF = {kind: slug for slug, kind in SLUGS.items()}
#: What the confirm button says, by kind.
VERBS = {
    BulkKind.RELEASE_RESULTS: "Release",
    BulkKind.REQUEST_CERTIFICATES: "Request certificates for",
    BulkKind.ACCEPT_GATEWAY: "Accept",
}


def _admin_only(request: AuthenticatedRequest) -> None:
    if not roles_of(request.user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")


def _operation(slug: str) -> Operation:
    if slug not in SLUGS:
        raise Http404("No such bulk action")
    return operation(SLUGS[slug])


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "bulk/index.html", {"runs": list(queries.recent_runs(request.user))})


def _choose_page(request: AuthenticatedRequest, kind: BulkKind, template: str) -> HttpResponse:
    _admin_only(request)
    op = operation(kind)
    page = Paginator(op.waiting(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {"page": page, "op": op, "slug": SLUG_OF[kind], "verb": VERBS[kind]},
    )


@login_required
def certificates(request: AuthenticatedRequest) -> HttpResponse:
    """Released results waiting for their certificate request (and EPA record)."""
    return _choose_page(request, BulkKind.REQUEST_CERTIFICATES, "bulk/certificates.html")


@login_required
def gateway(request: AuthenticatedRequest) -> HttpResponse:
    """Gateway submissions waiting for the EPAO's decision."""
    return _choose_page(request, BulkKind.ACCEPT_GATEWAY, "bulk/gateway.html")


@login_required
@require_POST
def confirm(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The count and the rows chosen, with the button that starts the run. Nothing is
    written here."""
    _admin_only(request)
    op = _operation(slug)
    form = ChooseForm(request.POST)
    chosen: list[str] = []
    count = 0
    if form.is_valid():
        ids = form.chosen()
        if ids is None:
            count = op.waiting(request.user).count()
        else:
            targets = list(op.scope(request.user).filter(pk__in=ids))
            count = len(targets)
            chosen = [actions.label_of(t) for t in targets[:PAGE_SIZE]]
            ids = [t.pk for t in targets]
        if not count:
            form.refuse(f"There is no {op.noun} to act on in what you chose.", "ids")
    return render(
        request,
        "bulk/confirm.html",
        {
            "form": form,
            "op": op,
            "slug": slug,
            "count": count,
            "chosen": chosen,
            "ids": [] if not form.is_valid() else (form.chosen() or []),
            "all": form.is_valid() and form.chosen() is None,
            "verb": VERBS[op.kind],
            "in_worker": count > actions.IN_REQUEST,
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_POST
def start(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    _admin_only(request)
    op = _operation(slug)
    form = ChooseForm(request.POST)
    run = None
    if form.is_valid():
        run = run_action(
            form,
            lambda: actions.do_start_run(
                actor=request.user, kind=op.kind, target_ids=form.chosen()
            ),
        )
    if run is None:
        return render(
            request,
            "bulk/confirm.html",
            {"form": form, "op": op, "slug": slug, "count": 0, "verb": VERBS[op.kind]},
            status=400,
        )
    return redirect("bulk:run", run_id=run.pk)


@login_required
def run_report(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = access_run(request.user, run_id)
    rows = Paginator(queries.rows_of(run), ROWS_PAGE).get_page(request.GET.get("page"))
    counts = queries.counts_of(run)
    return render(
        request,
        "bulk/run.html",
        {
            "run": run,
            "rows": rows,
            "done": counts[Outcome.DONE],
            "refused": counts[Outcome.REFUSED],
            "waiting": counts[Outcome.WAITING],
            "op": operation(run.kind),
        },
    )


@login_required
def run_csv(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    run = access_run(request.user, run_id)
    response = HttpResponse(report_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="openepa-bulk-run-{run.pk}.csv"'
    return response
