"""What a download costs a web worker by the rows it holds: for each list's download source
(openepa.core.downloads), the server's time to build it, count it against a limit of N and
write its first N rows, in this process (no server, no load). This is what chose
OPENEPA_DOWNLOAD_NOW_ROWS: a list that streams should hold a web worker no longer than a
page does (docs/DEPLOY.md, "Downloads").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openepa_bench_100k \\
        .venv/bin/python -m benchmarks.download_rows --rows 500 1000 2000 5000
    ... --count 1000 5000     # only the capped count each request pays, at these limits
    ... --requests            # the page benchmark's downloads, one request each, as served

`--requests` fetches each of the page benchmark's downloads (benchmarks/pages.py, "export:
…") with Django's test client under the configured OPENEPA_DOWNLOAD_NOW_ROWS: the whole
request, streamed file or the page offering to prepare it.

A list's first N rows stand for a list of N rows: a list read from one query
(`Listing.of_query`) asks the database for N rows; the audit log and the consistency report
stop reading after the N-th. Each figure is the median of `--runs`,
after one run to warm the caches; the demo's sign-ins ask (as the page benchmark's do).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterable, Iterator
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("OPENEPA_REQUIRE_2FA", "false")

#: (name, source, role, query string): the page benchmark's downloads.
LISTS = (
    ("pipeline", "pipeline", "admin", ""),
    ("results", "results-awaiting-release", "admin", ""),
    ("IQA queue", "iqa-queue", "iqa", ""),
    ("open cases", "open-cases", "admin", ""),
    ("consistency", "assessor-consistency", "admin", ""),
    ("audit log, one kind", "audit-log", "admin", "kind=release_results"),
)


def _first(rows: Iterable[Any], n: int | None) -> Iterator[Any]:
    """The first `n` rows (all when None), the source closed when they stop."""
    source = iter(rows)
    try:
        if n is None:
            yield from source
        else:
            for _, row in zip(range(n), source, strict=False):
                yield row
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def write(source: str, user: Any, query: str, fmt: str, n: int | None) -> tuple[float, float, int]:
    """Seconds to build the list and write its first `n` rows in `fmt`, and of them this
    process's CPU seconds (the database's are not in them); the rows written."""
    from django.http import QueryDict

    from openepa.accounts.downloads import SOURCES
    from openepa.core.downloads import Listing

    counting, of_query = Listing._counting, Listing.of_query

    def capped(self: Listing, rows: Iterable[Any]) -> Iterator[Any]:
        return counting(self, _first(rows, n))

    def sliced(rows: Any, fields: Any, **kwargs: Any) -> Listing:
        # A list of n rows asks the database for n rows, not for a first chunk of CHUNK;
        # counted as the whole query is.
        listing = of_query(rows if n is None else rows[:n], fields, **kwargs)
        listing.counted = (rows,)
        return listing

    started, cpu = time.perf_counter(), time.process_time()
    Listing._counting = capped  # type: ignore[method-assign]
    Listing.of_query = sliced  # type: ignore[method-assign]
    try:
        listing = SOURCES.build(source, user, QueryDict(query))
        if n is not None:
            listing.more_rows_than(n)  # as the request counts it first
        for _piece in listing.pieces(fmt):
            pass
    finally:
        Listing._counting = counting  # type: ignore[method-assign]
        Listing.of_query = of_query  # type: ignore[method-assign]
    return time.perf_counter() - started, time.process_time() - cpu, listing.rows_read


def count(source: str, user: Any, query: str, limit: int) -> float:
    """Seconds to build the list and count it against `limit`, as every request does."""
    from django.http import QueryDict

    from openepa.accounts.downloads import SOURCES

    started = time.perf_counter()
    SOURCES.build(source, user, QueryDict(query)).more_rows_than(limit)
    return time.perf_counter() - started


def requests(runs: int, only: list[str]) -> None:
    """Each of the page benchmark's downloads as one request: median wall and CPU ms."""
    from django.conf import settings

    from benchmarks.page_profile import clients
    from benchmarks.pages import prepare_pages

    signed_in = clients()
    print(f"OPENEPA_DOWNLOAD_NOW_ROWS = {settings.OPENEPA_DOWNLOAD_NOW_ROWS:,}\n")
    print("| download | answer | bytes | ms | app CPU ms |")
    print("|---|---|---|---|---|")
    for page in prepare_pages():
        if not page.name.startswith("export:"):
            continue
        if only and not any(w.lower() in page.name.lower() for w in only):
            continue
        client = signed_in[page.role]
        timings = []
        for _ in range(runs + 1):  # the first warms the caches
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(page.path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            timings.append((time.perf_counter() - started, time.process_time() - cpu))
        ms = statistics.median(t[0] for t in timings[1:]) * 1000
        cpu_ms = statistics.median(t[1] for t in timings[1:]) * 1000
        answer = "file" if response.get("Content-Disposition") else "prepare page"
        print(f"| {page.name} | {answer} | {len(body):,} | {ms:.1f} | {cpu_ms:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[500, 1000, 2000, 5000])
    parser.add_argument("--count", type=int, nargs="*", default=[], help="limits to count at")
    parser.add_argument("--formats", nargs="*", default=["csv", "xlsx"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=[], help="lists whose name has a word")
    parser.add_argument("--whole", action="store_true", help="and each whole list")
    parser.add_argument("--requests", action="store_true", help="the benchmark's requests")
    args = parser.parse_args()

    import django

    django.setup()
    if args.requests:
        requests(args.runs, args.only)
        return
    from openepa.accounts.models import User
    from openepa.demo.people import demo_email

    users = {role: User.objects.get(email=demo_email(role)) for role in ("admin", "iqa")}
    chosen = [
        item
        for item in LISTS
        if not args.only or any(w.lower() in item[0].lower() for w in args.only)
    ]
    if args.count:
        print("| list | limit | count ms |")
        print("|---|---|---|")
        for name, source, role, query in chosen:
            for limit in args.count:
                count(source, users[role], query, limit)
                ms = statistics.median(
                    count(source, users[role], query, limit) for _ in range(args.runs)
                )
                print(f"| {name} | {limit:,} | {ms * 1000:.1f} |", flush=True)
        return
    print("| list | format | rows | ms | app CPU ms | µs a row |")
    print("|---|---|---|---|---|---|")
    for name, source, role, query in chosen:
        for fmt in args.formats:
            for n in [*args.rows, *([None] if args.whole else [])]:
                write(source, users[role], query, fmt, n)  # warm
                runs = [write(source, users[role], query, fmt, n) for _ in range(args.runs)]
                seconds = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                rows = runs[0][2]
                each = seconds / rows * 1e6 if rows else 0.0
                whole = n is None or rows < n
                label = f"{rows:,} (all)" if whole else f"{rows:,}"
                print(
                    f"| {name} | {fmt} | {label} | {seconds * 1000:.1f} | {cpu * 1000:.1f} "
                    f"| {each:.0f} |",
                    flush=True,
                )
                if whole:
                    break  # the whole list was written: longer caps would write it again


if __name__ == "__main__":
    main()
