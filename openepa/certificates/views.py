"""The EPAO admin's certificates pages: what is waiting, the buttons that send it to the
assessment service or export it as files, every record sent with its state, every batch to
download, the reconciliation with the service, and where an enrolment's certificate goes.
Views read through `queries`/`access` and write through the actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.certificates import actions, client, contacts, queries, records, sending
from openepa.certificates.access import access_batch, access_exporting_epao
from openepa.certificates.forms import (
    ExportForm,
    PostalContactForm,
    RecordForm,
    SendForm,
    details_from,
)
from openepa.certificates.models import ExportBatch, ExportKind, RecordState, ServiceRecord
from openepa.core.actions_ui import run_action
from openepa.core.forms import AccessibleForm
from openepa.core.paging import CAP, CappedPaginator
from openepa.enrolments.access import access_enrolment

PAGE_SIZE = 25


def _admin_only(request: AuthenticatedRequest) -> None:
    if not roles_of(request.user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")


@login_required
def export_list(request: AuthenticatedRequest, form: AccessibleForm | None = None) -> HttpResponse:
    _admin_only(request)
    epaos = [
        {
            "epao": epao,
            "counts": (counts := queries.ready_counts(epao.pk)),
            "waiting": sum(counts.values()),
            "capped": queries.more_than_cap(counts),
            "certificates": counts[ExportKind.CERTIFICATE],
            "epa_records": counts[ExportKind.EPA],
        }
        for epao in queries.exporting_epaos(request.user)
    ]
    page = CappedPaginator(queries.batches_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    state = request.GET.get("state") if request.GET.get("state") in RecordState.values else None
    sent = CappedPaginator(queries.service_records_for(request.user, state), PAGE_SIZE).get_page(
        request.GET.get("records")
    )
    in_state = queries.record_counts_for(request.user)
    return render(
        request,
        "certificates/list.html",
        {
            "epaos": epaos,
            "several_epaos": len(epaos) > 1,
            "page": page,
            "form": form,
            "service": client.configured(),
            "sent": sent,
            "state": state,
            "states": [(s.value, s.label, in_state.get(s.value, 0)) for s in RecordState],
            "cap": CAP,
        },
    )


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


@login_required
@require_POST
def send(request: AuthenticatedRequest) -> HttpResponse:
    """Queue what is waiting for the assessment service; the worker sends it."""
    _admin_only(request)
    form = SendForm(request.POST)
    if not form.is_valid():
        raise Http404("No such organisation")
    epao = access_exporting_epao(request.user, form.cleaned_data["epao"])
    queued = run_action(
        form, lambda: sending.do_queue_for_service(actor=request.user, epao_id=epao.pk)
    )
    if queued is None:
        return export_list(request, form)
    if not queued:
        messages.info(request, f"Nothing to send for {epao.name}: the service has everything.")
    else:
        n = len(queued)
        messages.success(
            request,
            f"Queued {n} record{'s' if n != 1 else ''} for {epao.name}; they are sent in the "
            "background, and each one's state shows below.",
        )
    return redirect("certificates:list")


def _own_record(request: AuthenticatedRequest, record_id: int) -> ServiceRecord:
    record = (
        queries.service_records_for(request.user).filter(pk=record_id).first()
        if record_id
        else None
    )
    if record is None:
        raise Http404("No such record")
    return record


@login_required
@require_POST
def send_again(request: AuthenticatedRequest) -> HttpResponse:
    _admin_only(request)
    form = RecordForm(request.POST)
    if not form.is_valid():
        raise Http404("No such record")
    record = _own_record(request, form.cleaned_data["record"])
    done = run_action(form, lambda: sending.do_send_again(actor=request.user, record_id=record.pk))
    if done is None:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    else:
        messages.success(
            request,
            f"{record.get_kind_display()} for {record.enrolment.apprentice} will be sent again.",
        )
    return redirect("certificates:list")


@login_required
def reconcile(request: AuthenticatedRequest) -> HttpResponse:
    """What the service holds against what OpenEPA sent, differences first."""
    _admin_only(request)
    page = CappedPaginator(queries.checks_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/reconcile.html",
        {
            "page": page,
            "epaos": queries.exporting_epaos(request.user),
            "service": client.configured(),
        },
    )


@login_required
@require_POST
def check(request: AuthenticatedRequest) -> HttpResponse:
    _admin_only(request)
    form = SendForm(request.POST)
    if not form.is_valid():
        raise Http404("No such organisation")
    epao = access_exporting_epao(request.user, form.cleaned_data["epao"])
    done = run_action(form, lambda: sending.do_check_service(actor=request.user, epao_id=epao.pk))
    if done is None:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    else:
        messages.success(
            request,
            f"The check of {epao.name} against the assessment service runs in the background; "
            "reload this page in a minute.",
        )
    return redirect("certificates:reconcile")


@login_required
def postal_contact(request: AuthenticatedRequest, enrolment_id: int) -> HttpResponse:
    """Where the enrolment's certificate goes: the employer or the EPAO's admins."""
    enrolment = access_enrolment(
        request.user, enrolment_id, roles={Role.EPAO_ADMIN, Role.EMPLOYER}, apprentice=False
    )
    details, version = contacts.current_details(enrolment)
    initial = {**details.__dict__, "version": version}
    form = PostalContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            lambda: contacts.do_set_postal_contact(
                actor=request.user,
                enrolment_id=enrolment.pk,
                details=details_from(form.cleaned_data),
                expected_version=form.cleaned_data["version"],
            ),
        )
        if done is not None:
            messages.success(request, f"{enrolment.apprentice}'s certificate will go to {done}.")
            return redirect("enrolments:detail", enrolment_id=enrolment.pk)
    return render(
        request,
        "certificates/postal_contact.html",
        {
            "enrolment": enrolment,
            "form": form,
            "default": version == 0,
            "requested": contacts.requested(enrolment.pk),
        },
    )
