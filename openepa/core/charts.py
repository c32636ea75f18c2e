"""Charts drawn on the server as SVG (issue 17 §1): horizontal bars, one group per
category and one bar per series, every bar labelled with its number in text, so no
meaning rests on colour and the chart reads at 320 px (a viewBox scaled to the width).
Each chart carries its numbers as a table too (`{% chart %}` in openepa/core/templatetags/govuk.py). No JavaScript.

The geometry is computed here, in plain Python; the template only draws it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

#: The drawing's own units; the SVG scales to the width of its column.
WIDTH = 360
#: Room on the right of the longest bar for its label ("Distinction: 1,234").
LABEL_ROOM = 150
LINE = 22  # a category's name
BAR = 16
GAP = 6
#: Bar colours by series: GOV.UK blue, dark blue, green, purple (decoration only: every
#: bar's series is named in its text).
FILLS = ("#1d70b8", "#003078", "#00703c", "#4c2c92")


@dataclass(frozen=True)
class Bar:
    y: int
    width: float
    text: str
    fill: str


@dataclass(frozen=True)
class Group:
    label: str
    y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    """`values[i][j]` is category i's number for series j."""

    key: str
    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[str]
    values: Sequence[Sequence[float]]
    #: What the numbers count, for the table's caption ("apprentices", "working days").
    unit: str
    #: A link to everything when the chart shows the first few only (top N assessors).
    more_href: str = ""
    more_label: str = ""
    empty: str = "Nothing to show yet."
    #: The heading of the table's first column ("State", "Month").
    category_name: str = ""
    groups: list[Group] = field(init=False)
    height: int = field(init=False)

    def __post_init__(self) -> None:
        groups, height = layout(self.categories, self.series, self.values)
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "height", height)

    @property
    def has_data(self) -> bool:
        return any(v for row in self.values for v in row)

    @property
    def rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The table: each category with each series' name and number as shown."""
        return [
            (c, [(name, shown(v)) for name, v in zip(self.series, row, strict=True)])
            for c, row in zip(self.categories, self.values, strict=True)
        ]


def shown(value: float) -> str:
    """A number as the chart writes it: whole numbers with thousands separators, else one
    decimal place."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def layout(
    categories: Sequence[str], series: Sequence[str], values: Sequence[Sequence[float]]
) -> tuple[list[Group], int]:
    """Where each group's label and bars go, and the drawing's height."""
    top = max((v for row in values for v in row), default=0) or 1
    span = WIDTH - LABEL_ROOM
    named = len(series) > 1
    groups = []
    y = 0
    for category, row in zip(categories, values, strict=True):
        y += LINE
        label_y = y - 6
        bars = []
        for j, value in enumerate(row):
            width = span * value / top
            text = f"{series[j]}: {shown(value)}" if named else shown(value)
            bars.append(Bar(y, max(width, 2.0) if value else 0.0, text, FILLS[j % len(FILLS)]))
            y += BAR + GAP
        groups.append(Group(category, label_y, bars))
    return groups, y + 4


def percentile(counts: dict[int, int], q: float) -> int:
    """The `q` percentile (0 < q ≤ 1, nearest rank) of values given as value → how many
    times it occurs, so the database counts and only the distinct values come back."""
    total = sum(counts.values())
    if total == 0:
        return 0
    rank = max(1, -(-int(q * total * 1000) // 1000))  # ceil(q * total), exact for q in 0.01s
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return max(counts)
