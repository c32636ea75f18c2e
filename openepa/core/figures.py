"""The figures at the top of a home page (issue 17 §1): a few numbers that say what needs
doing, each a link to the list it counts, filtered to those rows. Each context's
`dashboard.figures(user)` contributes its own; `openepa.web.dashboards` gathers them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    #: What is counted, in words that read after the number ("gateway reviews waiting").
    label: str
    #: The number; None when the figure cannot be computed yet (shown as "Not available").
    value: int | None
    #: The list of exactly what is counted.
    href: str
    #: One short line more ("oldest submitted 3 March 2027").
    detail: str = ""
    #: Something is late: the page says so in words ("Overdue"), never by colour alone.
    warning: str = ""
