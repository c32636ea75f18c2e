"""The rows of the certificates page's two tables (the records for the assessment service,
the exported batches), written here rather than by the template engine: through it, with a
link reversed and a form's token written for each row, a page of each was 20 of the page's
38 ms in-process at 100,000 apprentices (benchmarks/page_profile.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from openepa.certificates.models import ExportBatch, RecordState, ServiceRecord
from openepa.core.templatetags.govuk import escaped, id_url, long_datetime

register = template.Library()

#: A record the service refused, or one sent without an answer yet, may be sent again.
SENDABLE_AGAIN = frozenset({RecordState.REJECTED, RecordState.SENT})


@register.simple_tag(takes_context=True)
def record_rows(context: Context, records: Iterable[ServiceRecord]) -> SafeString:
    """Each record's row: the apprentice (a link to the record) and ULN, the record and when
    it was queued, its state, the service's answer, and "Send again" where it may be."""
    token = escaped(context.get("csrf_token", ""))
    again = reverse("certificates:send_again")
    return mark_safe("".join(_record_row(record, token, again) for record in records))


def _record_row(record: ServiceRecord, token: str, again: str) -> str:
    apprentice = record.enrolment.apprentice
    name, kind = escaped(apprentice.name), escaped(record.get_kind_display())
    tries = (
        f' <span class="govuk-hint">{record.attempts} tries</span>' if record.attempts > 1 else ""
    )
    answer = f"Reference {escaped(record.reference)}" if record.reference else ""
    if record.messages:
        items = "".join(f"<li>{escaped(m)}</li>" for m in record.messages)
        answer += f'<ul class="govuk-list govuk-list--bullet">{items}</ul>'
    if record.last_error:
        answer += f'<span class="govuk-hint">{escaped(record.last_error)}</span>'
    action = ""
    if record.state in SENDABLE_AGAIN:
        action = (
            f'<form method="post" action="{again}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            f'<input type="hidden" name="record" value="{record.pk}">'
            '<button type="submit" class="govuk-button govuk-button--secondary"'
            ' data-module="govuk-button">Send again<span class="govuk-visually-hidden">'
            f" {kind.lower()} for {name}</span></button></form>"
        )
    return (
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header" data-label="Apprentice">'
        f'<a class="govuk-link" href="{id_url(record.enrolment_id, "enrolments:detail")}">'
        f'{name}</a> <span class="govuk-hint">ULN {escaped(apprentice.uln)}</span></th>'
        f'<td class="govuk-table__cell" data-label="Record">{kind} <span class="govuk-hint">'
        f"{escaped(record.request_id)}, queued {long_datetime(record.created_at)}</span></td>"
        '<td class="govuk-table__cell" data-label="State">'
        f"<strong>{escaped(record.get_state_display())}</strong>{tries}</td>"
        f'<td class="govuk-table__cell" data-label="The service\'s answer">{answer}</td>'
        f'<td class="govuk-table__cell">{action}</td>'
        "</tr>"
    )


@register.simple_tag
def batch_rows(batches: Iterable[ExportBatch], several_epaos: bool) -> SafeString:
    """Each exported batch's row: its number (and EPAO, when the admin has several), kind,
    records, when and by whom, and its two downloads."""
    return mark_safe("".join(_batch_row(batch, several_epaos) for batch in batches))


def _batch_row(batch: ExportBatch, several_epaos: bool) -> str:
    epao = f' <span class="govuk-hint">{escaped(batch.epao.name)}</span>' if several_epaos else ""
    of = f'<span class="govuk-visually-hidden"> of batch {batch.pk}</span>'
    by = escaped(batch.created_by)
    return (
        '<tr class="govuk-table__row">'
        f'<th scope="row" class="govuk-table__header" data-label="Batch">{batch.pk}{epao}</th>'
        f'<td class="govuk-table__cell" data-label="Kind">{escaped(batch.get_kind_display())}'
        "</td>"
        f'<td class="govuk-table__cell" data-label="Records">{batch.record_count}</td>'
        '<td class="govuk-table__cell" data-label="Exported">'
        f"{long_datetime(batch.created_at)} by {by}</td>"
        '<td class="govuk-table__cell" data-label="Download">'
        f'<a class="govuk-link" href="{id_url(batch.pk, "certificates:json")}">JSON{of}</a> · '
        f'<a class="govuk-link" href="{id_url(batch.pk, "certificates:csv")}">CSV{of}</a></td>'
        "</tr>"
    )
