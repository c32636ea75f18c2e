"""Where one page's time goes, request by request, in this process (no server, no load):
the whole request, its SQL, and the template rendering apart from the SQL it runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openepa_bench_100k \\
        .venv/bin/python -m benchmarks.page_profile --runs 5
    ... --only pipeline search --explain       # each query's plan (EXPLAIN ANALYZE)
    ... --only "pipeline, first" --profile 30  # the 30 costliest functions (cProfile)

The pages are the page benchmark's (benchmarks/pages.py), for the demo's sign-ins; each is
fetched once to warm the caches, then `--runs` times, and the median of each figure is
printed. *template ms* is the time inside the template engine's render less the SQL run
while rendering (a queryset the template reads); *other ms* is the rest of the request
(middleware, the view's Python, the session). Wall times include waiting for a CPU on a busy
machine: *app CPU ms* and *template CPU ms* are this process's own CPU time (the database's
is not in them), steadier under load. Set PROFILE_SORT=tottime to sort `--profile` so. Production's template settings are kept
(DEBUG off, so Django's cached template loader); two-factor sign-in is off in this process.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.bench_settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("OPENEPA_REQUIRE_2FA", "false")


@dataclass
class Timings:
    sql: float = 0.0
    queries: list[tuple[str, Any, float]] = field(default_factory=list)
    rendering: float = 0.0
    rendering_cpu: float = 0.0
    sql_while_rendering: float = 0.0
    depth: int = 0


TIMINGS = Timings()


def _sql_timer(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        spent = time.perf_counter() - started
        TIMINGS.sql += spent
        TIMINGS.queries.append((sql, params, spent))
        if TIMINGS.depth:
            TIMINGS.sql_while_rendering += spent


def _instrument_templates() -> None:
    """Time the backend's render (the whole page's template, includes and tags inside)."""
    from django.template.backends.django import Template

    original = Template.render

    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        TIMINGS.depth += 1
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            TIMINGS.depth -= 1
            if not TIMINGS.depth:
                TIMINGS.rendering += time.perf_counter() - started
                TIMINGS.rendering_cpu += time.process_time() - cpu

    Template.render = render  # type: ignore[method-assign]


@contextmanager
def measured() -> Iterator[Timings]:
    from django.db import connection

    global TIMINGS
    TIMINGS = Timings()
    with connection.execute_wrapper(_sql_timer):
        yield TIMINGS


def clients() -> dict[str, Any]:
    from django.test import Client

    from openepa.accounts.models import User
    from openepa.demo.people import demo_email

    signed_in = {}
    for role in ("admin", "assessor", "iqa", "employer", "provider", "apprentice"):
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(email=demo_email(role)))
        signed_in[role] = client
    return signed_in


def pages() -> list[tuple[str, str, str]]:
    from benchmarks.pages import prepare_pages

    # The downloads ("export: …") stream and are left out; "certificate exports" is a page.
    return [(p.name, p.role, p.path) for p in prepare_pages() if not p.name.startswith("export:")]


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=[], help="pages whose name has a word")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query")
    parser.add_argument("--profile", type=int, default=0, help="cProfile's N costliest")
    parser.add_argument("--queries", action="store_true", help="each query's time")
    args = parser.parse_args()

    import django

    django.setup()
    _instrument_templates()
    signed_in = clients()
    chosen = [
        p for p in pages() if not args.only or any(w.lower() in p[0].lower() for w in args.only)
    ]
    print(
        "| page | bytes | queries | total ms | SQL ms | template ms | other ms "
        "| app CPU ms | template CPU ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, role, path in chosen:
        client = signed_in[role]
        client.get(path)  # warm: templates compiled, connections open
        runs = []
        for _ in range(args.runs):
            with measured() as t:
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                total, cpu = time.perf_counter() - started, time.process_time() - cpu
            template = t.rendering - t.sql_while_rendering
            runs.append((total, t.sql, template, total - t.sql - template, cpu, t.rendering_cpu))
        med = [statistics.median(r[i] for r in runs) * 1000 for i in range(6)]
        print(
            f"| {name} | {len(response.content):,} | {len(t.queries)} | {med[0]:.1f} | "
            f"{med[1]:.1f} | {med[2]:.1f} | {med[3]:.1f} | {med[4]:.1f} | {med[5]:.1f} |",
            flush=True,
        )
        if response.status_code != 200:
            print(f"  status {response.status_code}", file=sys.stderr)
        if args.queries or args.explain:
            for sql, params, spent in t.queries:
                print(f"\n  {spent * 1000:.1f} ms: {sql[:600]}", file=sys.stderr)
                if args.explain and sql.lstrip().upper().startswith("SELECT"):
                    print(explain(sql, params), file=sys.stderr)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(path)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(args.profile)
            print(out.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
