"""GOV.UK Frontend components as template tags, so a page reads as a list of components.

Each tag renders `components/<name>.html` with the keyword arguments it is given (and nothing
else from the page); the tag, row and cell of a table's rows are written in Python instead
(`WRITTEN`), as each list page renders them many times. A tag with a body (`{% summary_row key="Standard" %}…{% endsummary_row %}`)
passes what it encloses as `content`. Loaded on every template (a builtin in settings), so a
template needs no `{% load %}`. The component list and an example page are in README.md
("Look and components")."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.template.base import FilterExpression, NodeList, Parser, Template, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from openepa.core.charts import Chart
from openepa.domain.dates import long_date as _long_date

register = template.Library()


def _table(values: dict[str, object]) -> dict[str, object]:
    """Columns given as "Apprentice|Date|Marks#": a trailing # marks a numeric column."""
    columns = [c.strip() for c in str(values.get("columns") or "").split("|") if c.strip()]
    return {
        "columns_list": [
            {"text": c.rstrip("#").strip(), "numeric": c.endswith("#")} for c in columns
        ]
    }


def _error_summary(values: dict[str, object]) -> dict[str, object]:
    return {"forms_list": [values[k] for k in ("form", "form2", "form3") if values.get(k)]}


PREPARE: dict[str, Callable[[dict[str, object]], dict[str, object]]] = {
    "components/table.html": _table,
    "components/error_summary.html": _error_summary,
}


def escaped(value: object) -> str:
    """What `conditional_escape` gives (markup already safe kept, anything else escaped),
    without the lazy-string wrapper around Django's `escape`: the row writers below call it
    some 250 times a page, and through `format_html` it was nine tenths of their time."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def tag_html(values: dict[str, object]) -> SafeString:
    """text, colour (grey, green, turquoise, blue, light-blue, purple, pink, red, orange,
    yellow; the `tag_colour` filter picks one for a state or grade), classes."""
    colour, classes = values.get("colour"), values.get("classes")
    css = "govuk-tag"
    if colour and colour != "blue":
        css += f" govuk-tag--{colour}"
    if classes:
        css += f" {classes}"
    text = escaped(values.get("text", ""))
    return mark_safe(f'<strong class="{escaped(css)}">{text}</strong>')


def row_html(values: dict[str, object]) -> SafeString:
    """content (the cells), classes."""
    classes = values.get("classes")
    css = f"govuk-table__row {classes}" if classes else "govuk-table__row"
    content = escaped(values.get("content", ""))
    return mark_safe(f'<tr class="{escaped(css)}">{content}</tr>')


def cell_html(values: dict[str, object]) -> SafeString:
    """label (the column heading, shown before the value on a phone), content; header=True
    for the row's heading cell; numeric=True."""
    label = escaped(values.get("label", ""))
    content = escaped(values.get("content", ""))
    if values.get("header"):
        return mark_safe(
            f'<th scope="row" class="govuk-table__header" data-label="{label}">{content}</th>'
        )
    css = "govuk-table__cell govuk-table__cell--numeric" if values.get("numeric") else ""
    return mark_safe(
        f'<td class="{css or "govuk-table__cell"}" data-label="{label}">{content}</td>'
    )


def tick_html(pk: int, name: object) -> SafeString:
    """A row's small checkbox for choosing it in a bulk action (`ids`), labelled for a
    screen reader by whom it chooses."""
    who = escaped(name)
    return mark_safe(
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
        '<div class="govuk-checkboxes__item">'
        f'<input class="govuk-checkboxes__input" id="choose-{int(pk)}" name="ids"'
        f' type="checkbox" value="{int(pk)}">'
        '<label class="govuk-label govuk-checkboxes__label"'
        f' for="choose-{int(pk)}"><span class="govuk-visually-hidden">Choose {who}</span>'
        "</label></div></div>"
    )


@register.simple_tag
def tick(pk: int, name: object) -> SafeString:
    """`{% tick row.pk row.enrolment.apprentice %}`: see `tick_html`."""
    return tick_html(pk, name)


#: The components of a table's every row, written here rather than by a template each: a
#: list page renders them some 180 times (a row, five cells and a tag for each of 25 rows),
#: and through the template engine they were two thirds of its template time
#: (benchmarks/page_profile.py). The markup is the design system's, as the templates had it.
WRITTEN: dict[str, Callable[[dict[str, object]], SafeString]] = {
    "components/tag.html": tag_html,
    "components/row.html": row_html,
    "components/cell.html": cell_html,
}


class ComponentNode(template.Node):
    def __init__(
        self, template_name: str, kwargs: dict[str, FilterExpression], nodelist: NodeList | None
    ) -> None:
        self.template_name = template_name
        self.kwargs = kwargs
        self.nodelist = nodelist
        # The component's compiled template, per engine: looked up once, not per render
        # (the node itself lives in the cached loader's compiled page, and is rebuilt with
        # it when the templates change).
        self._compiled: dict[int, Template] = {}

    def render(self, context: Context) -> SafeString:
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        prepare = PREPARE.get(self.template_name)
        if prepare is not None:
            values.update(prepare(values))
        if self.nodelist is not None:
            values["content"] = mark_safe(
                self.nodelist.render(context).strip()
            )  # the page's own rendered markup
        written = WRITTEN.get(self.template_name)
        if written is not None:
            return written(values)
        assert context.template is not None
        engine = context.template.engine
        component = self._compiled.get(id(engine))
        if component is None:
            component = self._compiled[id(engine)] = engine.get_template(self.template_name)
        # A fresh context of the component's own values (the page's is not read): cheaper
        # than copying the page's, and this runs for every cell of every row of a table.
        own = Context(
            values, autoescape=context.autoescape, use_l10n=context.use_l10n, use_tz=context.use_tz
        )
        own.render_context = context.render_context
        return component.render(own)


def _component(name: str, *, body: bool) -> None:
    """Register `{% name key=value … %}` (with `{% endname %}` when it has a body)."""

    def compile_tag(parser: Parser, token: Token) -> ComponentNode:
        bits = token.split_contents()
        kwargs = template.base.token_kwargs(bits[1:], parser, support_legacy=False)
        if len(kwargs) != len(bits) - 1:
            raise template.TemplateSyntaxError(f"{bits[0]} takes only key=value arguments")
        nodelist = None
        if body:
            nodelist = parser.parse((f"end{name}",))
            parser.delete_first_token()
        return ComponentNode(f"components/{name}.html", kwargs, nodelist)

    register.tag(name, compile_tag)


#: Components that wrap what they enclose.
for _name in (
    "summary_list",
    "summary_row",
    "summary_card",
    "check_answers",
    "table",
    "row",
    "cell",
    "task_list",
    "inset_text",
    "details",
    "notification_banner",
    "warning_text",
    "button_group",
):
    _component(_name, body=True)
#: Components that take only arguments.
for _name in ("tag", "button", "task", "error_summary", "back_link"):
    _component(_name, body=False)


@register.inclusion_tag("components/pagination.html", takes_context=True)
def pagination(
    context: Context, page: Page[object], param: str = "page", label: str = "Pages"
) -> dict[str, object]:
    """GOV.UK pagination for a Django `Page`: previous, numbered pages (with ellipses),
    next, keeping the rest of the query string. `param` names the page's parameter when a
    page has two lists."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None

    def url(number: int) -> str:
        if query is None:
            return f"?{urlencode({param: number})}"
        query[param] = str(number)
        return f"?{query.urlencode()}"

    items: list[dict[str, object]] = []
    if page.paginator.num_pages > 1:
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1):
            if not isinstance(number, int):  # the paginator's ellipsis
                items.append({"ellipsis": True})
            else:
                items.append(
                    {"number": number, "url": url(int(number)), "current": number == page.number}
                )
    return {
        "page": page,
        "label": label,
        "items": items,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


#: The GOV.UK tag colour for the words the app shows in tags (states, grades, flags).
TAG_COLOURS = {
    "overdue": "red",
    "fail": "red",
    "failed": "red",
    "rejected": "red",
    "withdrawn": "grey",
    "cancelled": "grey",
    "pass": "green",
    "merit": "green",
    "distinction": "green",
    "certificated": "green",
    "completed": "green",
    "sent": "green",
    "accepted": "green",
    "pending": "yellow",
    "waiting": "yellow",
    "due": "yellow",
    "draft": "grey",
}


@register.filter
def tag_colour(value: object) -> str:
    """`{% tag text=x colour=x|tag_colour %}`: red for overdue or fail, green for a pass or
    a thing done, yellow for waiting, blue otherwise."""
    return TAG_COLOURS.get(str(value).lower().replace(" ", "_"), "blue")


#: Stands for the id while a URL is reversed once (`id_url`), then is replaced by each row's.
_ID_MARK = 918273645


@functools.cache
def _around_id(viewname: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    """The view's URL before and after its one id argument, for this script prefix and
    URL configuration (a few view names: the cache stays small)."""
    before, mark, after = reverse(viewname, urlconf=urlconf, args=[_ID_MARK]).partition(
        str(_ID_MARK)
    )
    if not mark or str(_ID_MARK) in after:
        raise ValueError(f"{viewname}'s URL does not take one id")
    return before, after


@register.filter
def id_url(pk: int, viewname: str) -> str:
    """`{{ case.pk|id_url:"cases:case" }}`: what `{% url "cases:case" case.pk %}` gives,
    for a view whose URL takes one id. A home page links every row of its lists, and
    reversing each link was a fifth of rendering them (benchmarks/page_profile.py); the URL
    is reversed once per view name and the row's id put in its place."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around_id(viewname, get_script_prefix(), urlconf)
    return f"{before}{int(pk)}{after}"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def long_date(value: date | datetime | None) -> str:
    """A date (or the day of a date and time, in England) in words, as everywhere in
    OpenEPA: "3 March 2027"."""
    if not value:
        return ""
    return _long_date(_local(value).date() if isinstance(value, datetime) else value)


@register.filter
def long_datetime(value: datetime | None) -> str:
    """A date and time in England: "3 March 2027 at 14:30"."""
    if not value:
        return ""
    value = _local(value)
    return f"{_long_date(value.date())} at {value:%H:%M}"


def _tenths(value: float) -> str:
    """A bar's width as the `floatformat:1` filter wrote it: one decimal place, halves up."""
    return str(Decimal(repr(value)).quantize(_TENTH, ROUND_HALF_UP))


_TENTH = Decimal("0.1")


@register.simple_tag
def chart(chart: Chart) -> SafeString:
    """`{% chart chart %}`: a chart drawn by openepa.core.charts, with its numbers as a table
    below it. Written here rather than by a template: the admin home draws five on every
    request (cached or not), and through the template engine they cost some 19 ms of CPU
    at 100,000 apprentices, written here about 2. The markup is the same as the template
    had."""
    key, title = chart.key, chart.title
    parts: list[str] = [
        format_html(
            '<figure class="app-chart" aria-labelledby="chart-{}-caption">'
            '<figcaption class="govuk-heading-s" id="chart-{}-caption">{}</figcaption>',
            key,
            key,
            title,
        )
    ]
    if chart.has_data:
        parts.append(
            format_html(
                '<svg class="app-chart__svg" viewBox="0 0 360 {}" width="100%" role="img"'
                ' aria-labelledby="chart-{}-title chart-{}-desc" focusable="false"'
                ' xmlns="http://www.w3.org/2000/svg">'
                '<title id="chart-{}-title">{}</title><desc id="chart-{}-desc">{}</desc>'
                '<g fill="#0b0c0c" font-size="14">',
                chart.height,
                key,
                key,
                key,
                title,
                key,
                chart.description,
            )
        )
        # The bars and cells by plain formatting, each text escaped as format_html would:
        # there are hundreds of them, and format_html's per-call cost was most of the tag's.
        for group in chart.groups:
            parts.append(
                f'<text x="0" y="{group.y:d}" font-size="15" font-weight="bold">'
                f"{escaped(group.label)}</text>"
            )
            for bar in group.bars:
                width = _tenths(bar.width)
                parts.append(
                    f'<rect x="0" y="{bar.y:d}" width="{width}" height="16"'
                    f' fill="{escaped(bar.fill)}"/>'
                    f'<text x="{width}" dx="6" y="{bar.y:d}" dy="13">{escaped(bar.text)}</text>'
                )
        category_name = conditional_escape(chart.category_name)
        parts.append(
            format_html(
                "</g></svg>"
                '<details class="govuk-details"><summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">The numbers'
                '<span class="govuk-visually-hidden"> of “{}”</span></span></summary>'
                '<div class="govuk-details__text">'
                '<table class="govuk-table app-chart__table app-table--stack">'
                '<caption class="govuk-table__caption govuk-table__caption--s">{} ({})</caption>'
                '<thead class="govuk-table__head"><tr class="govuk-table__row">'
                '<th scope="col" class="govuk-table__header">{}</th>',
                title,
                title,
                chart.unit,
                category_name,
            )
        )
        for name in chart.series:
            parts.append(
                format_html(
                    '<th scope="col" class="govuk-table__header govuk-table__header--numeric">'
                    "{}</th>",
                    name,
                )
            )
        parts.append(mark_safe('</tr></thead><tbody class="govuk-table__body">'))
        for category, numbers in chart.rows:
            parts.append(
                '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"'
                f' data-label="{category_name}">{escaped(category)}</th>'
            )
            parts.extend(
                '<td class="govuk-table__cell govuk-table__cell--numeric"'
                f' data-label="{escaped(name)}">{escaped(n)}</td>'
                for name, n in numbers
            )
            parts.append("</tr>\n")
        parts.append(mark_safe("</tbody></table></div></details>"))
    else:
        parts.append(format_html('<p class="govuk-body">{}</p>', chart.empty))
    if chart.more_href:
        parts.append(
            format_html(
                '<p class="govuk-body"><a class="govuk-link" href="{}">{}</a></p>',
                chart.more_href,
                chart.more_label,
            )
        )
    parts.append(mark_safe("</figure>"))
    return mark_safe("".join(parts))  # every text in it escaped above
