"""A home-page section (issue 17 §1): each context's `dashboard.sections(user)` returns
its own, and `openepa.web.dashboards` gathers them in a fixed order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NotRequired, TypedDict


class More(TypedDict):
    """The link to the whole list, when a section shows only its first rows."""

    href: str
    #: How many there are, when known.
    total: NotRequired[int]


class Section(TypedDict):
    title: str
    #: Rendered with `ctx` set to `context`.
    template: str
    #: Only passed to the template.
    context: Mapping[str, object]
    #: What the section says when it has no rows ("" to say nothing).
    empty: str
    more: NotRequired[More | None]
