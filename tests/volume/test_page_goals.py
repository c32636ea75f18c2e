"""The page benchmark's verdicts against the goals (benchmarks/page_goals.py): plain
functions over measured figures, so each goal's met and missed sides are checked here
without a server."""

from __future__ import annotations

from benchmarks.page_goals import Load, SizeRun, goal_lines


def _run(apprentices: int, **overrides: object) -> SizeRun:
    run = SizeRun(apprentices, peak_worker_mb=[100.0, 98.0])
    pages = {
        "bare Django view": (Load(630.0, 25.0, 28.0), 2, "3"),
        "admin home": (Load(60.0, 250.0, 280.0), 97_922, "36"),
        "consistency report": (Load(48.0, 330.0, 290.0), 42_789, "11"),
        "export: pipeline CSV, all": (Load(1.0, 15_000.0, 15_600.0), 11_565_398, "5"),
        f"pipeline, page {apprentices // 25 - 1}": (Load(97.0, 160.0, 189.0), 25_503, "7"),
    }
    for name, (load, size, queries) in pages.items():
        run.loads[name, 16] = load
        run.loads[name, 1] = Load(load.rps / 2, 40.0, 50.0)
        run.bytes[name] = size
        run.queries[name] = queries
    for key, value in overrides.items():
        setattr(run, key, value)
    return run


def test_every_goal_met_is_said_so() -> None:
    lines = goal_lines([_run(200), _run(100_000)])
    assert lines[0] == "At 100,000 apprentices and 16 connections:"
    assert "- every page ≥ 1/25 of the bare view (3 pages): met" in lines
    assert "- every page p95 ≤ 300 ms (3 pages): met" in lines
    assert "- admin home ≤ 100 KB: met (97,922 bytes)" in lines
    assert "- consistency report ≤ 1 s: met (p50 40 ms at 1 connection)" in lines
    assert "- no worker above 300 MB: met (the most after any page: 100 MB)" in lines
    # The deep page is named by its number, which differs between the sizes.
    assert "- query counts the same at 200 and 100,000 (5 pages): met" in lines


def test_a_download_is_reported_apart_not_held_to_the_page_goals() -> None:
    lines = goal_lines([_run(100_000)])
    assert (
        "- downloads (grow with the rows they hold; not held to the page goals): "
        "0 of 1 within them anyway"
    ) in lines


def test_each_miss_names_the_page_and_its_figure() -> None:
    slow = _run(100_000)
    slow.loads["admin home", 16] = Load(21.2, 729.0, 859.1)
    slow.loads["consistency report", 1] = Load(0.9, 1100.0, 1200.0)
    slow.bytes["admin home"] = 120_000
    slow.peak_worker_mb = [310.0, 99.0]
    lines = goal_lines([slow])
    assert "- every page ≥ 1/25 of the bare view (3 pages): missed by admin home (1/30)" in lines
    assert "- every page p95 ≤ 300 ms (3 pages): missed by admin home (859 ms)" in lines
    assert "- admin home ≤ 100 KB: missed (120,000 bytes)" in lines
    assert "- consistency report ≤ 1 s: missed (p50 1100 ms at 1 connection)" in lines
    assert "- no worker above 300 MB: missed (the most after any page: 310 MB)" in lines


def test_a_query_count_that_grows_with_the_size_is_named() -> None:
    small = _run(200)
    small.queries["admin home"] = "35"
    lines = goal_lines([small, _run(100_000)])
    assert (
        "- query counts the same at 200 and 100,000 (5 pages): missed by admin home (35 / 36)"
        in lines
    )


def test_one_page_is_said_in_the_singular() -> None:
    run = SizeRun(100_000)
    run.loads["bare Django view", 16] = Load(630.0, 25.0, 28.0)
    run.loads["admin home", 16] = Load(60.0, 250.0, 280.0)
    lines = goal_lines([run])
    assert "- every page ≥ 1/25 of the bare view (1 page): met" in lines
    assert "- every page p95 ≤ 300 ms (1 page): met" in lines
