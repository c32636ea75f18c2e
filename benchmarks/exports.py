"""Each list's download, one request at a time, on a generated EPAO's database: seconds,
rows per second, bytes, queries and the process's memory before, after and at its peak.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openepa_x_100k \\
        .venv/bin/python -m benchmarks.exports [--only "pipeline CSV" ...] [--repeat 2]
    ... --profile "results CSV"      # cProfile of one download, the 25 costliest functions

Each download runs in a child process forked from one that has set Django up and signed in
(as `pages.py` does, a session per role), so its memory figures are its own: the resident
set before the request, after the whole body was read, and the peak (VmHWM). The body is
read as a WSGI server reads it (the streamed chunks, or the file's blocks). Rows are the
CSV's lines less the heading (an XLSX holds the same rows). Queries are those the request
and its body ran. CPU s is the web process's own processor time, which a busy shared
machine stretches less than the wall-clock seconds (the database's time is not in it). The pages' throughput under load is `benchmarks/pages.py`'s job.

The web requests stream whatever their length (OPENEPA_DOWNLOAD_NOW_ROWS is set out of
reach here unless given), so the figures are the stream's. `--prepared` times instead the
worker's code path for a long list (openepa.notifications.prepared.prepare: the rows rebuilt
as the requester, the file written to the default storage, the notice), each in a child;
the record, its notice and its file are deleted afterwards, so the database copy is left as
it was (but for the ids used).

    ... --prepared [--only "pipeline CSV, all"]"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from benchmarks.pages import Page

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
os.environ.setdefault("DEBUG", "false")
# The stream is what the requests below measure, however many rows (see --prepared).
os.environ.setdefault("OPENEPA_DOWNLOAD_NOW_ROWS", str(10**9))

#: The long lists timed in the worker's code path: (name, role, source, query, format).
PREPARED = (
    ("pipeline CSV, all", "admin", "pipeline", "", "csv"),
    ("pipeline XLSX, all", "admin", "pipeline", "", "xlsx"),
    ("audit log CSV, one kind", "admin", "audit-log", "kind=release_results", "csv"),
    ("consistency CSV", "admin", "assessor-consistency", "", "csv"),
)


def downloads() -> list[Page]:
    """The downloads of `pages.py`, plus the calendar's month and the audit log's pages."""
    from openepa.enrolments.models import Enrolment
    from openepa.organisations.models import Organisation

    completed = Enrolment.objects.filter(state="completed").order_by("pk")
    middle = completed[completed.count() // 2]
    employer = Organisation.objects.filter(kind="employer").order_by("pk").first()
    assert employer is not None
    filtered = f"state=in_assessment&employer={employer.pk}"
    uln = middle.apprentice.uln
    return [
        Page("pipeline CSV, filtered", "admin", f"/enrolments/pipeline.csv?{filtered}"),
        Page("pipeline XLSX, filtered", "admin", f"/enrolments/pipeline.xlsx?{filtered}"),
        Page("pipeline CSV, all", "admin", "/enrolments/pipeline.csv"),
        Page("pipeline XLSX, all", "admin", "/enrolments/pipeline.xlsx"),
        Page("results CSV", "admin", "/results/awaiting-release.csv"),
        Page("results XLSX", "admin", "/results/awaiting-release.xlsx"),
        Page("IQA queue CSV", "iqa", "/iqa/queue.csv"),
        Page("IQA queue XLSX", "iqa", "/iqa/queue.xlsx"),
        Page("open cases CSV", "admin", "/cases/open-cases.csv"),
        Page("open cases XLSX", "admin", "/cases/open-cases.xlsx"),
        Page("assessor's bookings CSV", "assessor", "/bookings/mine/bookings.csv"),
        Page("assessor's bookings XLSX", "assessor", "/bookings/mine/bookings.xlsx"),
        Page("consistency CSV", "admin", "/assessors/consistency.csv"),
        Page("calendar month CSV", "admin", "/bookings/calendar/bookings.csv?view=month"),
        Page("calendar month XLSX", "admin", "/bookings/calendar/bookings.xlsx?view=month"),
        Page("audit log, first page", "admin", "/audit/"),
        Page("audit log, one apprentice", "admin", f"/audit/?apprentice={uln}"),
        Page("audit log, one kind", "admin", "/audit/?kind=release_results"),
        Page("audit log, a person", "admin", "/audit/?person=admin"),
        Page("audit log CSV, one kind", "admin", "/audit/log.csv?kind=release_results"),
        Page("audit log XLSX, one kind", "admin", "/audit/log.xlsx?kind=release_results"),
        Page("audit log CSV, one apprentice", "admin", f"/audit/log.csv?apprentice={uln}"),
        Page("audit log XLSX, one apprentice", "admin", f"/audit/log.xlsx?apprentice={uln}"),
        Page("audit log CSV, a person", "admin", "/audit/log.csv?person=admin"),
    ]


def _memory() -> dict[str, int]:
    """The process's resident set now and at its peak, in kB (Linux)."""
    found: dict[str, int] = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    return found


def _fetch(client: Any, path: str) -> tuple[int, int, int]:
    """(status, bytes, lines) of the whole body, read as a WSGI server reads it."""
    response = client.get(path)
    size = lines = 0
    for chunk in response:  # a streamed response's pieces or a file's blocks
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return response.status_code, size, lines


def measure(client: Any, page: Page) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = _memory()["VmRSS"]
    with CaptureQueriesContext(connection) as seen:
        started, cpu = time.perf_counter(), time.process_time()
        status, size, lines = _fetch(client, page.path)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = _memory()
    rows = max(0, lines - 1) if ".csv" in page.path else None
    return {
        "name": page.name,
        "status": status,
        "seconds": seconds,
        "cpu": cpu,
        "bytes": size,
        "rows": rows,
        "queries": len(seen),
        "rss_before_mb": before / 1024,
        "rss_after_mb": after["VmRSS"] / 1024,
        "peak_mb": after["VmHWM"] / 1024,
        "sql": [q["sql"] for q in seen.captured_queries],
    }


def measure_prepared(role: str, source: str, query: str, fmt: str, name: str) -> dict[str, Any]:
    """One prepared download written by the worker's code path, then deleted."""
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from openepa.accounts.models import User
    from openepa.demo.people import demo_email
    from openepa.notifications import prepared
    from openepa.notifications.models import InAppNotice, PreparedDownload

    user = User.objects.get(email=demo_email(role))
    download = PreparedDownload.objects.create(
        user=user, source=source, query=query, fmt=fmt, title=name, filename=f"bench.{fmt}"
    )
    before = _memory()["VmRSS"]
    try:
        with CaptureQueriesContext(connection) as seen:
            started, cpu = time.perf_counter(), time.process_time()
            state = prepared.prepare(download.pk)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        after = _memory()
        download.refresh_from_db()
        return {
            "name": f"{name} (prepared: {state})",
            "seconds": seconds,
            "cpu": cpu,
            "bytes": download.size or 0,
            "rows": download.rows,
            "queries": len(seen),
            "rss_before_mb": before / 1024,
            "rss_after_mb": after["VmRSS"] / 1024,
            "peak_mb": after["VmHWM"] / 1024,
            "sql": [q["sql"] for q in seen.captured_queries],
        }
    finally:
        if download.name:
            default_storage.delete(download.name)
        notice_id = PreparedDownload.objects.get(pk=download.pk).notice_id
        PreparedDownload.objects.filter(pk=download.pk).delete()
        if notice_id is not None:
            InAppNotice.objects.filter(pk=notice_id).delete()
            User.objects.filter(pk=user.pk, unread_notices__gt=0).update(
                unread_notices=F("unread_notices") - 1
            )


def in_child(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`work()` in a forked child, its answer read back as JSON."""
    from django.db import connections

    connections.close_all()  # the child opens its own
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            answer = work()
        except BaseException as error:  # reported, not raised, in the child
            answer = {"error": repr(error)}
        with os.fdopen(write, "w") as out:
            json.dump(answer, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer_in:
        text = answer_in.read()
    os.waitpid(pid, 0)
    return dict(json.loads(text))


def warm_up(signed_in: dict[str, Any], pages: list[Page]) -> None:
    """One small request of each kind first (imports, templates, URLs), so that the children
    measure a warm worker, as gunicorn's are after their first requests."""
    for page in pages:
        if "apprentice" in page.name or "filtered" in page.name:
            _fetch(signed_in[page.role], page.path)


def clients() -> dict[str, Any]:
    from django.test import Client

    from openepa.accounts.models import User
    from openepa.demo.people import demo_email

    signed_in = {}
    for role in ("admin", "assessor", "iqa"):
        client = Client()
        client.force_login(User.objects.get(email=demo_email(role)))
        signed_in[role] = client
    return signed_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="words of the names to run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each download")
    parser.add_argument("--profile", default="", help="the name of one download to profile")
    parser.add_argument("--sql", action="store_true", help="print each download's queries")
    parser.add_argument(
        "--prepared", action="store_true", help="time the worker preparing the long lists"
    )
    options = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    signed_in = clients()
    if options.prepared:
        print("| download | s | CPU s | rows | bytes | queries | RSS before | after | peak |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, role, source, query, fmt in PREPARED:
            if options.only and not any(w in name for w in options.only):
                continue
            for _ in range(options.repeat):
                got = in_child(partial(measure_prepared, role, source, query, fmt, name))
                if "error" in got:
                    print(f"| {name} | failed: {got['error']} |", flush=True)
                    continue
                print(
                    f"| {got['name']} | {got['seconds']:.3f} | {got['cpu']:.3f} | {got['rows']} "
                    f"| {got['bytes']:,} | {got['queries']} | {got['rss_before_mb']:.0f} MB "
                    f"| {got['rss_after_mb']:.0f} MB | {got['peak_mb']:.0f} MB |",
                    flush=True,
                )
        return
    pages = downloads()
    if options.profile:
        page = next(p for p in pages if p.name == options.profile)
        warm_up(signed_in, pages)
        profiler = cProfile.Profile()
        profiler.runcall(_fetch, signed_in[page.role], page.path)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
        return
    chosen = [p for p in pages if not options.only or any(w in p.name for w in options.only)]
    warm_up(signed_in, pages)
    print(
        "| download | s | CPU s | rows | rows/s | rows/CPU s | bytes | queries | RSS before | after | peak |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for page in chosen:
        for _ in range(options.repeat):
            got = in_child(partial(measure, signed_in[page.role], page))
            if "error" in got:
                print(f"| {page.name} | failed: {got['error']} |", flush=True)
                continue
            if options.sql:
                print("\n".join(f"    {sql};" for sql in got["sql"]))
            rows = got["rows"]
            rate = f"{rows / got['seconds']:,.0f}" if rows else "–"
            per_cpu = f"{rows / got['cpu']:,.0f}" if rows and got["cpu"] else "–"
            print(
                f"| {got['name']} | {got['seconds']:.3f} | {got['cpu']:.3f} "
                f"| {rows if rows is not None else '–'} | {rate} | {per_cpu} "
                f"| {got['bytes']:,} | {got['queries']} | {got['rss_before_mb']:.0f} MB "
                f"| {got['rss_after_mb']:.0f} MB | {got['peak_mb']:.0f} MB |",
                flush=True,
            )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", file=sys.stderr)


if __name__ == "__main__":
    main()
