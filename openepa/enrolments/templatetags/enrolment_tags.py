"""Words for journey states and events, so templates never show a code; and the rows of
the apprentice lists, written here rather than by the template engine."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from openepa.core.templatetags.govuk import cell_html, id_url, row_html, tag_colour, tag_html
from openepa.domain.journey import LABELS, State
from openepa.enrolments.models import Enrolment

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return LABELS[State(value)]
    except ValueError:
        return value.replace("_", " ").capitalize()


@register.simple_tag
def enrolment_rows(enrolments: Iterable[Enrolment]) -> SafeString:
    """The rows of an apprentice list (enrolments/_table.html): the apprentice (a link to
    the record), ULN, employer, provider and state, with "Results overdue" where the list
    annotated `overdue`. The markup is the row, cell and tag components', written by their
    own functions: through the template engine, 25 rows of them were 4.7 ms of the
    pipeline's 12 ms of template at 100,000 apprentices (benchmarks/page_profile.py)."""
    return mark_safe("".join(_row(enrolment) for enrolment in enrolments))


def _row(enrolment: Enrolment) -> str:
    apprentice = enrolment.apprentice
    state = tag_html({"text": state_label(enrolment.state), "colour": tag_colour(enrolment.state)})
    if getattr(enrolment, "overdue", False):
        state = mark_safe(f"{state} {tag_html({'text': 'Results overdue', 'colour': 'red'})}")
    name = html.escape(apprentice.name)
    link = mark_safe(f'<a href="{id_url(enrolment.pk, "enrolments:detail")}">{name}</a>')
    cells = (
        cell_html({"label": "Apprentice", "header": True, "content": link}),
        cell_html({"label": "ULN", "content": apprentice.uln}),
        cell_html({"label": "Employer", "content": enrolment.employer.name}),
        cell_html({"label": "Provider", "content": enrolment.provider.name}),
        cell_html({"label": "State", "content": state}),
    )
    return row_html({"content": mark_safe("".join(cells))})
