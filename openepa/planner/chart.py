"""A small grouped bar chart drawn on the server as SVG (no JavaScript): the geometry is
computed here, the markup is `planner/_bar_chart.html` (role="img" with its title and
description; the data table sits beside it for anyone who cannot see the chart)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 260
LEFT = 40
BOTTOM = 40
TOP = 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    value: int


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    fill: str


@dataclass(frozen=True)
class Chart:
    title: str
    desc: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # (x centre, text) under each group
    ticks: list[tuple[float, int]]  # (y, value) on the left axis
    series: list[Series]
    baseline: float


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 5:
            return step
    return max(1, top // 5)


def grouped_bars(title: str, desc: str, labels: list[str], series: list[Series]) -> Chart:
    top = max([1, *(v for s in series for v in s.values)])
    step = _step(top)
    top = -(-top // step) * step
    plot_h = HEIGHT - TOP - BOTTOM
    group_w = (WIDTH - LEFT) / max(1, len(labels))
    bar_w = group_w * 0.8 / max(1, len(series))
    bars = []
    for g in range(len(labels)):
        for i, s in enumerate(series):
            h = plot_h * s.values[g] / top
            x = LEFT + g * group_w + group_w * 0.1 + i * bar_w
            bars.append(
                Bar(
                    round(x, 1),
                    round(TOP + plot_h - h, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    s.fill,
                    s.values[g],
                )
            )
    return Chart(
        title=title,
        desc=desc,
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        labels=[(round(LEFT + (g + 0.5) * group_w, 1), text) for g, text in enumerate(labels)],
        ticks=[(round(TOP + plot_h - plot_h * v / top, 1), v) for v in range(0, top + 1, step)],
        series=series,
        baseline=TOP + plot_h,
    )
