"""The rows of the IQA queue's tables, written here rather than by the template engine."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from openepa.core.templatetags.govuk import escaped, id_url, long_date, tag_colour, tag_html
from openepa.quality.models import IqaSample

register = template.Library()


@register.simple_tag
def queue_rows(rows: Iterable[IqaSample]) -> SafeString:
    """Each sample's row: the apprentice (a link to the review), the decision sampled (its
    method, attempt, day and grade), the assessor, why it was sampled, since when it waits
    and its status. Through the template engine a page of 25 was 20 of the queue's 44 ms
    in-process at 100,000 apprentices (benchmarks/page_profile.py)."""
    return mark_safe("".join(_row(sample) for sample in rows))


def _row(sample: IqaSample) -> str:
    attempt = sample.attempt
    decision = attempt.get_method_display()
    if attempt.number > 1:
        decision += f", attempt {attempt.number}"
    decision = f"{escaped(decision)}, {escaped(long_date(attempt.assessed_on))}"
    if sample.grade:
        decision += (
            f" {tag_html({'text': capfirst(sample.grade), 'colour': tag_colour(sample.grade)})}"
        )
    why = f"{sample.get_reason_display()}: {sample.explanation}"
    status = f'<span class="govuk-tag govuk-tag--grey">{escaped(sample.get_state_display())}</span>'
    if sample.reviewer:
        status += f" by {escaped(sample.reviewer)}"
    return (
        '<tr class="govuk-table__row">'
        '<th scope="row" class="govuk-table__header" data-label="Apprentice">'
        f'<a class="govuk-link" href="{id_url(sample.pk, "quality:review")}">'
        f"{escaped(attempt.enrolment.apprentice)}</a></th>"
        f'<td class="govuk-table__cell" data-label="Decision">{decision}</td>'
        '<td class="govuk-table__cell" data-label="Assessor">'
        f"{escaped(attempt.assessor)}</td>"
        f'<td class="govuk-table__cell" data-label="Why sampled">{escaped(why)}</td>'
        '<td class="govuk-table__cell" data-label="Waiting since">'
        f"{escaped(long_date(sample.sampled_at))}</td>"
        f'<td class="govuk-table__cell" data-label="Status">{status}</td>'
        "</tr>"
    )
