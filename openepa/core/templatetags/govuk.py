"""GOV.UK Frontend components as template tags, so a page reads as a list of components.

Each tag renders `components/<name>.html` with the keyword arguments it is given (and nothing
else from the page). A tag with a body (`{% summary_row key="Standard" %}…{% endsummary_row %}`)
passes what it encloses as `content`. Loaded on every template (a builtin in settings), so a
template needs no `{% load %}`. The component list and an example page are in README.md
("Look and components")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django import template
from django.core.paginator import Page
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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


class ComponentNode(template.Node):
    def __init__(
        self, template_name: str, kwargs: dict[str, FilterExpression], nodelist: NodeList | None
    ) -> None:
        self.template_name = template_name
        self.kwargs = kwargs
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        prepare = PREPARE.get(self.template_name)
        if prepare is not None:
            values.update(prepare(values))
        if self.nodelist is not None:
            values["content"] = mark_safe(
                self.nodelist.render(context).strip()
            )  # the page's own rendered markup
        assert context.template is not None
        component = context.template.engine.get_template(self.template_name)
        return component.render(context.new(values))


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
    context: Context, page: Page[Any], param: str = "page", label: str = "Pages"
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
def tag_colour(value: Any) -> str:
    """`{% tag text=x colour=x|tag_colour %}`: red for overdue or fail, green for a pass or
    a thing done, yellow for waiting, blue otherwise."""
    return TAG_COLOURS.get(str(value).lower().replace(" ", "_"), "blue")


def _local(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


@register.filter
def long_date(value: date | datetime | None) -> str:
    """A date (or the day of a date and time, in England) in words, as everywhere in
    OpenEPA: "3 March 2027"."""
    if not value:
        return ""
    value = _local(value)
    return _long_date(value.date() if isinstance(value, datetime) else value)


@register.filter
def long_datetime(value: datetime | None) -> str:
    """A date and time in England: "3 March 2027 at 14:30"."""
    if not value:
        return ""
    value = _local(value)
    return f"{_long_date(value.date())} at {value:%H:%M}"
