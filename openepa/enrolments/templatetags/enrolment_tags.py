"""Words for journey states and events, so templates never show a code; and the rows of
the apprentice lists, written here rather than by the template engine."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.http import QueryDict
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from openepa.core.keyset import AFTER, BEFORE
from openepa.core.templatetags.govuk import (
    cell_html,
    escaped,
    id_url,
    row_html,
    tag_colour,
    tag_html,
)
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
    name = escaped(apprentice.name)
    link = mark_safe(f'<a href="{id_url(enrolment.pk, "enrolments:detail")}">{name}</a>')
    cells = (
        cell_html({"label": "Apprentice", "header": True, "content": link}),
        cell_html({"label": "ULN", "content": apprentice.uln}),
        cell_html({"label": "Employer", "content": enrolment.employer.name}),
        cell_html({"label": "Provider", "content": enrolment.provider.name}),
        cell_html({"label": "State", "content": state}),
    )
    return row_html({"content": mark_safe("".join(cells))})


@register.simple_tag(takes_context=True)
def state_tabs(context: Context, counts: Iterable[tuple[State, int]], chosen: str) -> SafeString:
    """The pipeline's counts by state as links that keep every other filter (the list
    "All states" first), the chosen one marked current. What `{% querystring %}` wrote for
    each of the 16 links, written once here: it was 2 ms of the page's template."""
    params = context["request"].GET.copy()
    for cursor in (AFTER, BEFORE):
        params.pop(cursor, None)
    params.pop("state", None)
    links = [_state_link(params, "", "All states", None, not chosen)]
    for state, count in counts:
        params["state"] = state.value
        links.append(_state_link(params, state.value, state.label, count, chosen == state.value))
    return mark_safe("".join(links))


def _state_link(params: QueryDict, value: str, label: str, count: int | None, current: bool) -> str:
    query = params.urlencode()
    href = escaped(f"?{query}" if query else "?")
    aria = ' aria-current="true"' if current else ""
    tag = (
        f' <strong class="govuk-tag govuk-tag--grey" data-state="{value}">{count}</strong>'
        if count is not None
        else ""
    )
    return f'<li><a href="{href}"{aria}>{escaped(label)}{tag}</a></li>'
