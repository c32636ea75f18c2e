"""The rows of the results-awaiting-release tables, written here rather than by the
template engine."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from openepa.core.templatetags.govuk import (
    escaped,
    id_url,
    long_date,
    tag_colour,
    tag_html,
    tick_html,
)
from openepa.results.models import OverallResult

register = template.Library()

#: The tag a result past its due date carries.
OVERDUE = tag_html({"text": "Overdue", "colour": "red"})


@register.simple_tag
def awaiting_rows(rows: Iterable[OverallResult], choose: bool = False) -> SafeString:
    """Each result's row: (a tick to choose it,) the apprentice (a link to the result), the
    grade, the last assessment, when it is due (and whether overdue) and the policy.
    Through the template engine, with a tick included and a link reversed for each, a page
    of 25 was most of the results list's 16 ms of template at 100,000 apprentices
    (benchmarks/page_profile.py)."""
    return mark_safe("".join(_row(row, choose) for row in rows))


def _row(row: OverallResult, choose: bool) -> str:
    apprentice = row.enrolment.apprentice
    name = escaped(apprentice)
    tick = f'<td class="govuk-table__cell" data-label="Choose">{tick_html(row.pk, apprentice)}</td>'
    grade = tag_html({"text": row.get_grade_display(), "colour": tag_colour(row.grade)})
    due = escaped(long_date(row.due_on)) if row.due_on else "no deadline"
    if getattr(row, "overdue", False):
        due += f" {OVERDUE}"
    return (
        '<tr class="govuk-table__row">'
        f"{tick if choose else ''}"
        '<th scope="row" class="govuk-table__header" data-label="Apprentice">'
        f'<a class="govuk-link" href="{id_url(row.pk, "results:detail")}">{name}</a></th>'
        f'<td class="govuk-table__cell" data-label="Grade">{grade}</td>'
        '<td class="govuk-table__cell" data-label="Last assessment">'
        f"{escaped(long_date(row.last_component_on))}</td>"
        f'<td class="govuk-table__cell" data-label="Due">{due}</td>'
        '<td class="govuk-table__cell" data-label="Policy">'
        f"{escaped(row.enrolment.policy.name)}</td>"
        "</tr>"
    )
