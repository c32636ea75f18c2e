"""The chart geometry (openepa.core.charts): bars scale to the largest number, every bar
carries its number (and its series' name when there are several) in text, and the
percentiles of a histogram are the nearest-rank ones."""

from __future__ import annotations

import pytest

from openepa.core.charts import LABEL_ROOM, WIDTH, Chart, percentile


def test_bars_scale_to_the_largest_and_say_their_numbers() -> None:
    chart = Chart(
        key="k", title="T", description="D", categories=["A", "B"], series=["Pass", "Fail"],
        values=[[10, 0], [5, 2.5]], unit="u",
    )  # fmt: skip
    bars = [bar for group in chart.groups for bar in group.bars]
    assert [b.width for b in bars] == [WIDTH - LABEL_ROOM, 0.0, (WIDTH - LABEL_ROOM) / 2, 52.5]
    assert [b.text for b in bars] == ["Pass: 10", "Fail: 0", "Pass: 5", "Fail: 2.5"]
    assert [g.label for g in chart.groups] == ["A", "B"]
    assert chart.rows == [
        ("A", [("Pass", "10"), ("Fail", "0")]),
        ("B", [("Pass", "5"), ("Fail", "2.5")]),
    ]
    assert chart.has_data
    assert chart.height > bars[-1].y


def test_one_series_bars_say_just_the_number_and_a_tiny_one_still_shows() -> None:
    chart = Chart(key="k", title="T", description="D", categories=["A", "B"], series=["N"],
                  values=[[1000], [1]], unit="u")  # fmt: skip
    bars = [bar for group in chart.groups for bar in group.bars]
    assert [b.text for b in bars] == ["1,000", "1"]
    assert bars[1].width == 2.0


def test_an_empty_chart_has_no_data() -> None:
    chart = Chart(key="k", title="T", description="D", categories=["A"], series=["N"],
                  values=[[0]], unit="u")  # fmt: skip
    assert not chart.has_data


@pytest.mark.parametrize(
    ("counts", "q", "expected"),
    [
        ({}, 0.5, 0),
        ({7: 1}, 0.9, 7),
        ({1: 1, 2: 1, 3: 1, 4: 1}, 0.5, 2),
        ({1: 1, 2: 1, 3: 1, 4: 1}, 0.9, 4),
        ({10: 9, 50: 1}, 0.9, 10),
        ({10: 8, 50: 2}, 0.9, 50),
        ({41: 1, 43: 1, 45: 1, 47: 1, 49: 1, 51: 1}, 0.5, 45),
    ],
)
def test_percentiles_of_a_histogram_are_nearest_rank(
    counts: dict[int, int], q: float, expected: int
) -> None:
    assert percentile(counts, q) == expected
