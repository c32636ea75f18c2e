"""The page benchmark's figures against issue 15's and 17's goals, in words.

Kept apart from `pages.py` (which needs gunicorn, wrk and a data set) so that the checks
are plain functions over the measured figures, table-tested in tests/volume/test_page_goals.py.

The goals, at the largest size measured and the most connections: every page at least 1/25
of the bare view's throughput and p95 at most 300 ms; the admin home at most 100 KB; the
consistency report at most 1 s a request (its p50 at one connection); no gunicorn worker
above 300 MB after any page; each page's query count the same at every size. Downloads
(pages named "export: …") hold every row that matches, so they grow with the data by
nature: they are reported apart, not held to the page goals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BARE = "bare Django view"
MIN_SHARE = 1 / 25
MAX_P95_MS = 300.0
MAX_HOME_BYTES = 100_000
MAX_REPORT_MS = 1000.0
MAX_WORKER_MB = 300.0


@dataclass(frozen=True)
class Load:
    """One page driven at one connection count."""

    rps: float
    p50_ms: float
    p95_ms: float


@dataclass
class SizeRun:
    """What one size's run measured."""

    apprentices: int
    #: Per page: bytes and queries of its single fetch.
    bytes: dict[str, int] = field(default_factory=dict)
    queries: dict[str, str] = field(default_factory=dict)
    #: Per (page, connections).
    loads: dict[tuple[str, int], Load] = field(default_factory=dict)
    peak_worker_mb: list[float] = field(default_factory=list)


def is_download(page: str) -> bool:
    return page.startswith("export:")


def goal_lines(runs: list[SizeRun]) -> list[str]:
    """One line per goal, each saying "met" or what missed it, for the largest size run."""
    if not runs:
        return []
    run = max(runs, key=lambda r: r.apprentices)
    connections = max((c for _, c in run.loads), default=1)
    lines = [f"At {run.apprentices:,} apprentices and {connections} connections:"]
    lines += _throughput_and_latency(run, connections)
    lines.append(_home_bytes(run))
    lines.append(_report_time(run))
    lines.append(_memory(run))
    if len(runs) > 1:
        lines.append(_query_counts(runs))
    return lines


def _throughput_and_latency(run: SizeRun, connections: int) -> list[str]:
    bare = run.loads.get((BARE, connections))
    if bare is None or not bare.rps:
        return ["- throughput and p95: the bare view was not measured"]
    pages = [p for (p, c) in run.loads if c == connections and p != BARE]
    slow: list[str] = []
    late: list[str] = []
    for page in pages:
        if is_download(page):
            continue
        load = run.loads[page, connections]
        if load.rps < MIN_SHARE * bare.rps:
            slow.append(f"{page} (1/{bare.rps / load.rps:.0f})" if load.rps else page)
        if load.p95_ms > MAX_P95_MS:
            late.append(f"{page} ({load.p95_ms:.0f} ms)")
    held = sum(1 for p in pages if not is_download(p))
    downloads = [p for p in pages if is_download(p)]
    within = [
        p
        for p in downloads
        if run.loads[p, connections].rps >= MIN_SHARE * bare.rps
        and run.loads[p, connections].p95_ms <= MAX_P95_MS
    ]
    return [
        _met_or(f"- every page ≥ 1/25 of the bare view ({_pages(held)})", slow),
        _met_or(f"- every page p95 ≤ {MAX_P95_MS:.0f} ms ({_pages(held)})", late),
        f"- downloads (grow with the rows they hold; not held to the page goals): "
        f"{len(within)} of {len(downloads)} within them anyway",
    ]


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def _met_or(goal: str, misses: list[str]) -> str:
    return f"{goal}: met" if not misses else f"{goal}: missed by " + "; ".join(misses)


def _home_bytes(run: SizeRun) -> str:
    size = run.bytes.get("admin home")
    if size is None:
        return "- admin home ≤ 100 KB: not measured"
    verdict = "met" if size <= MAX_HOME_BYTES else "missed"
    return f"- admin home ≤ 100 KB: {verdict} ({size:,} bytes)"


def _report_time(run: SizeRun) -> str:
    load = run.loads.get(("consistency report", 1))
    if load is None:
        return "- consistency report ≤ 1 s: not measured at 1 connection"
    verdict = "met" if load.p50_ms <= MAX_REPORT_MS else "missed"
    return f"- consistency report ≤ 1 s: {verdict} (p50 {load.p50_ms:.0f} ms at 1 connection)"


def _memory(run: SizeRun) -> str:
    if not run.peak_worker_mb:
        return "- no worker above 300 MB: not measured"
    most = max(run.peak_worker_mb)
    verdict = "met" if most <= MAX_WORKER_MB else "missed"
    return f"- no worker above 300 MB: {verdict} (the most after any page: {most:.0f} MB)"


def _query_counts(runs: list[SizeRun]) -> str:
    sizes = sorted(runs, key=lambda r: r.apprentices)
    counts = [{_same_page(p): n for p, n in r.queries.items()} for r in sizes]
    pages = [p for p in counts[0] if all(p in c for c in counts)]
    differ = [
        f"{p} ({' / '.join(c[p] for c in counts)})"
        for p in pages
        if len({c[p] for c in counts}) > 1
    ]
    label = " and ".join(f"{r.apprentices:,}" for r in sizes)
    return _met_or(f"- query counts the same at {label} ({_pages(len(pages))})", differ)


def _same_page(name: str) -> str:
    """The deep pipeline page is named by its number, which differs with the size."""
    return "pipeline, a deep page" if name.startswith("pipeline, page ") else name
