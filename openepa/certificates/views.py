"""The EPAO admin's exports page: what is waiting, the button that exports it, and every
batch to download as JSON or CSV. Views read through `queries`/`access` and write through
`actions`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.certificates import actions, queries, records
from openepa.certificates.access import access_batch, access_exporting_epao
from openepa.certificates.forms import ExportForm
from openepa.certificates.models import ExportBatch, ExportKind
from openepa.core.actions_ui import run_action

PAGE_SIZE = 25


def _admin_only(request: AuthenticatedRequest) -> None:
    if not roles_of(request.user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")


@login_required
def export_list(request: AuthenticatedRequest, form: ExportForm | None = None) -> HttpResponse:
    _admin_only(request)
    epaos = [
        {
            "epao": epao,
            "counts": (counts := queries.ready_counts(epao.pk)),
            "waiting": sum(counts.values()),
            "certificates": counts[ExportKind.CERTIFICATE],
            "epa_records": counts[ExportKind.EPA],
        }
        for epao in queries.exporting_epaos(request.user)
    ]
    page = Paginator(queries.batches_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "certificates/list.html", {"epaos": epaos, "page": page, "form": form})


@login_required
@require_POST
def export(request: AuthenticatedRequest) -> HttpResponse:
    _admin_only(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise Http404("No such organisation")
    epao = access_exporting_epao(request.user, form.cleaned_data["epao"])
    batches = run_action(
        form, lambda: actions.do_export_certificate_requests(actor=request.user, epao_id=epao.pk)
    )
    if batches is None:
        return export_list(request, form)
    if not batches:
        messages.info(
            request, f"Nothing to export for {epao.name}: every released result is exported."
        )
    else:
        n = sum(b.record_count for b in batches)
        messages.success(
            request,
            f"Exported {n} record{'s' if n != 1 else ''} for {epao.name} in "
            f"{len(batches)} batch{'es' if len(batches) != 1 else ''} of at most 25.",
        )
    return redirect("certificates:list")


def _attachment(batch: ExportBatch, body: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="openepa-{batch.kind}-batch-{batch.pk}.{extension}"'
    )
    return response


@login_required
def download_json(request: AuthenticatedRequest, batch_id: int) -> HttpResponse:
    batch = access_batch(request.user, batch_id)
    return _attachment(batch, batch.payload, "application/json; charset=utf-8", "json")


@login_required
def download_csv(request: AuthenticatedRequest, batch_id: int) -> HttpResponse:
    batch = access_batch(request.user, batch_id)
    return _attachment(batch, records.as_csv(batch.payload), "text/csv; charset=utf-8", "csv")
