"""Every staff and party page under load, at the demo's size and at a real EPAO's.

    .venv/bin/python -m benchmarks.pages                          # 200 and 100,000 apprentices
    .venv/bin/python -m benchmarks.pages --sizes 200 5000 --seconds 5
    .venv/bin/python -m benchmarks.pages --sizes 100000 --only pipeline "admin home"

For each size, a PostgreSQL database of its own (`openepa_bench_<size>`, on the server of
BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/) is built with
`openepa demo --apprentices N` (`--fast` above 250) unless it already holds that many
apprentices. The app is served as docs/DEPLOY.md serves it: gunicorn, sync workers, production
settings (OPENEPA_ENV=production, two-factor sign-in required, behind a TLS proxy), with
benchmarks/bench_settings.py adding only a bare view and a query-counting header. Each
page is fetched once (status, bytes, queries), then driven by wrk for `--seconds` at 1 and at
16 connections, each connection sending its next request when the last one is answered.
The table gives requests/s, p50 and p95 latency, bytes, queries and the ratio of the page's
throughput to the bare view's at the same connections, measured in the same run; then each
gunicorn worker's resident memory after the run; last, the figures against the goals
(benchmarks/page_goals.py).

wrk is Debian's (`apt-get install wrk`). The demo's sign-ins are used: each role signs in
once (a session in the database, two-factor verified with a TOTP device made for the
benchmark), and wrk sends the session cookie.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.page_goals import Load, SizeRun, goal_lines

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
#: Above this many apprentices the data set is built with `openepa demo --fast`.
REPLAY_UP_TO = 250
#: A page slower than this (one request, seconds) gets a fresh server after each load run.
SLOW_SECONDS = 2.0

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.bytes, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str


# The data set ---------------------------------------------------------------------------


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def ensure_data_set(server: str, size: int) -> tuple[str, float | None]:
    """The database of `size` apprentices, built when missing; and how long the build took
    (None when it was reused)."""
    import psycopg

    # BENCH_DATABASE_PREFIX lets two checkouts benchmark side by side on one server.
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "openepa_bench")
    name = f"{prefix}_{label(size)}"
    url = database_url(server, name)
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url) as db:
        # to_regclass gives a row holding NULL, not no row, when the table is missing.
        found = db.execute("SELECT to_regclass('enrolments_enrolment')").fetchone()
        table = found is not None and found[0] is not None
        have = db.execute("SELECT count(*) FROM enrolments_enrolment").fetchone() if table else None
    count = have[0] if have else 0
    if count == size:
        return url, None
    if count:
        sys.exit(f"{name} holds {count} apprentices, not {size}: drop it (dropdb {name}).")
    command = [str(PYTHON), "-m", "openepa", "demo", "--apprentices", str(size)]
    if size > REPLAY_UP_TO:
        command += ["--fast", "--verbose"]
    print(f"building {name}: {' '.join(command[1:])}", file=sys.stderr)
    started = time.perf_counter()
    subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return url, time.perf_counter() - started


def prepare() -> dict[str, Any]:
    """Run inside Django (the benchmark's settings, the data set's database): a signed-in,
    two-factor verified session for each role, and the pages to drive."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from openepa.accounts.models import User
    from openepa.demo.people import demo_email
    from openepa.enrolments.models import Enrolment

    cookies: dict[str, str] = {}
    for role in ("admin", "assessor", "iqa", "employer", "provider", "apprentice"):
        user = User.objects.get(email=demo_email(role))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if role in ("admin", "assessor", "iqa"):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="benchmark", defaults={"confirmed": True}
            )
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        assert session.session_key is not None
        cookies[role] = session.session_key
    pages = prepare_pages()
    total = Enrolment.objects.count()
    return {"cookies": cookies, "pages": [p.__dict__ for p in pages], "apprentices": total}


def prepare_pages() -> list[Page]:
    """The pages to drive, chosen from the data set (inside Django)."""
    from openepa.certificates.models import ExportBatch
    from openepa.core.keyset import encode
    from openepa.enrolments.models import Enrolment
    from openepa.enrolments.queries import BY_NAME
    from openepa.organisations.models import Organisation

    total = Enrolment.objects.count()
    completed = Enrolment.objects.filter(state="completed").order_by("pk")
    middle = completed[completed.count() // 2]
    employer = Organisation.objects.filter(kind="employer").order_by("pk").first()
    assert employer is not None
    batch = ExportBatch.objects.order_by("-pk").first()
    # The pipeline pages by keyset (openepa.core.keyset): the deep page is the one after the
    # row before that page in name order, as its Next links would reach it.
    deep = max(1, math.ceil(total / 25) - 1)
    by_name = Enrolment.objects.order_by(*BY_NAME).values_list(*BY_NAME)
    before_deep = by_name[max(0, (deep - 1) * 25 - 1)] if total > 25 else None
    deep_url = "/enrolments/pipeline" + (f"?after={encode(before_deep)}" if before_deep else "")
    pages = [
        Page("bare Django view", "admin", "/bench/bare/"),
        Page("admin home", "admin", "/"),
        Page("pipeline, first page", "admin", "/enrolments/pipeline"),
        Page("pipeline, filtered", "admin",
             f"/enrolments/pipeline?state=in_assessment&employer={employer.pk}"),
        Page("pipeline, searched", "admin", "/enrolments/pipeline?q=Patel"),
        Page(f"pipeline, page {deep}", "admin", deep_url),
        Page("results list", "admin", "/results/"),
        Page("IQA queue", "iqa", "/iqa/"),
        Page("consistency report", "admin", "/assessors/consistency/"),
        Page("enrolment detail", "admin", f"/enrolments/{middle.pk}/"),
        Page("certificate exports", "admin", "/certificates/"),
        Page("assessor's bookings", "assessor", "/bookings/mine/"),
        Page("assessor home", "assessor", "/"),
        Page("IQA home", "iqa", "/"),
        Page("employer home", "employer", "/"),
        Page("employer's apprentices", "employer", "/enrolments/"),
        Page("provider home", "provider", "/"),
        Page("provider's apprentices", "provider", "/enrolments/"),
        Page("apprentice home", "apprentice", "/"),
        Page("export: consistency CSV", "admin", "/assessors/consistency.csv"),
    ]  # fmt: skip
    if batch is not None:
        pages.append(Page("export: certificate batch CSV", "admin",
                          f"/certificates/batches/{batch.pk}.csv"))  # fmt: skip
    pages += search_and_export_pages(middle, employer)
    return pages


def search_and_export_pages(middle: Any, employer: Any) -> list[Page]:
    """Header search, every list's download and the audit log (issue 17 §3, §4). The
    whole-pipeline downloads hold every apprentice; the audit log's download is narrowed to
    one kind (the whole log is every journey event, millions of rows at 100,000)."""
    filtered = f"state=in_assessment&employer={employer.pk}"
    word = employer.name.split()[0]
    return [
        Page("header search, name", "admin", "/search/?q=Patel"),
        Page("header search, ULN", "admin", f"/search/?q={middle.apprentice.uln}"),
        Page("header search, employer", "admin", f"/search/?q={word}"),
        Page("header search, two words", "admin", "/search/?q=an+pat"),
        Page("header search, employer's", "employer", "/search/?q=Patel"),
        Page("header search, IQA", "iqa", "/search/?q=Patel"),
        Page("export: pipeline CSV, filtered", "admin", f"/enrolments/pipeline.csv?{filtered}"),
        Page("export: pipeline XLSX, filtered", "admin", f"/enrolments/pipeline.xlsx?{filtered}"),
        Page("export: pipeline CSV, all", "admin", "/enrolments/pipeline.csv"),
        Page("export: pipeline XLSX, all", "admin", "/enrolments/pipeline.xlsx"),
        Page("export: results CSV", "admin", "/results/awaiting-release.csv"),
        Page("export: results XLSX", "admin", "/results/awaiting-release.xlsx"),
        Page("export: IQA queue CSV", "iqa", "/iqa/queue.csv"),
        Page("export: IQA queue XLSX", "iqa", "/iqa/queue.xlsx"),
        Page("export: open cases CSV", "admin", "/cases/open-cases.csv"),
        Page("export: open cases XLSX", "admin", "/cases/open-cases.xlsx"),
        Page("export: assessor's bookings CSV", "assessor", "/bookings/mine/bookings.csv"),
        Page("export: assessor's bookings XLSX", "assessor", "/bookings/mine/bookings.xlsx"),
        Page("audit log, first page", "admin", "/audit/"),
        Page("audit log, one apprentice", "admin", f"/audit/?apprentice={middle.apprentice.uln}"),
        Page("audit log, one kind", "admin", "/audit/?kind=release_results"),
        Page("audit log, a person", "admin", "/audit/?person=admin"),
        Page("export: audit log CSV, one kind", "admin", "/audit/log.csv?kind=release_results"),
        Page("export: audit log XLSX, one apprentice", "admin",
             f"/audit/log.xlsx?apprentice={middle.apprentice.uln}"),
        Page("your downloads", "admin", "/notifications/downloads/"),
    ]  # fmt: skip


def run_prepare(url: str, secret: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, **server_env(secret)}
    out = subprocess.run(
        [str(PYTHON), "-m", "benchmarks.pages", "--prepare"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout)
    return result


# Serving ----------------------------------------------------------------------------------


def server_env(secret: str) -> dict[str, str]:
    """Production settings, as docs/DEPLOY.md sets them, behind a TLS-terminating proxy (the
    sessions are signed with `secret`, so the server is given the same one)."""
    return {
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "OPENEPA_ENV": "production",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "OPENEPA_BEHIND_PROXY": "true",
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_gunicorn(url: str, port: int, workers: int, secret: str) -> subprocess.Popen[bytes]:
    command = [
        str(GUNICORN), "openepa.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "120", "--access-logfile", "-",
    ]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": url, **server_env(secret)}
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            fetch(f"http://127.0.0.1:{port}/healthz", "")
            return process
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    stop(process)
    sys.exit("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn; a worker still busy with a long download after 30 s is killed, so one
    slow page cannot end the run."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def worker_rss_mb(master: int) -> list[float]:
    """Each gunicorn worker's resident memory (children of the master process)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def fetch(url: str, cookie: str) -> tuple[int, int, str]:
    """Status, body bytes and query count of one request."""
    request = urllib.request.Request(url, headers={**HEADERS, "Cookie": f"sessionid={cookie}"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=300) as response:
            body = response.read()
            return response.status, len(body), response.headers.get("X-Bench-Queries", "?")
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()), error.headers.get("X-Bench-Queries", "?")


def drain(base: str, cookie: str, workers: int) -> None:
    """Wait for the requests wrk left behind (a sync worker finishes a request whose client
    has gone): `workers` bare requests at once are answered only once the queue before them
    has been served, by workers that are then free."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _: fetch(base + "/bench/bare/", cookie), range(workers)))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def drive(
    url: str, cookie: str, connections: int, seconds: int, script: Path
) -> tuple[float, float, float, int]:
    threads = min(connections, 2)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "120s",
        "-s", str(script), "-H", f"Cookie: sessionid={cookie}",
        "-H", "X-Forwarded-Proto: https", url,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    requests, duration_us, _bytes, p50, p95, errors = (int(v) for v in line.split()[1:])
    return requests / (duration_us / 1e6), p50 / 1000, p95 / 1000, errors


# The run ----------------------------------------------------------------------------------


def run_size(server: str, size: int, args: argparse.Namespace) -> tuple[str, SizeRun]:
    url, built = ensure_data_set(server, size)
    secret = secrets.token_urlsafe(50)
    prepared = run_prepare(url, secret)
    cookies = prepared["cookies"]
    pages = [Page(**p) for p in prepared["pages"]]
    if args.only:  # the bare view always runs: every ratio is to it
        pages = [p for i, p in enumerate(pages) if i == 0 or any(o in p.name for o in args.only)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_gunicorn(url, port, args.workers, secret)
    rows: list[str] = []
    first: dict[str, tuple[int, int, str]] = {}
    single: dict[str, float] = {}
    results: dict[tuple[str, int], tuple[float, float, float, int]] = {}
    #: The largest resident memory each worker position reached after any page.
    peak: list[float] = []
    memory: list[float] = []
    interrupted = False
    try:
        for p in pages:
            started = time.perf_counter()
            first[p.name] = fetch(base + p.path, cookies[p.role])
            single[p.name] = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "report.lua"
            script.write_text(WRK_SCRIPT)
            for connections in args.connections:
                for page in pages:
                    # A slow page gets long enough for a few answers per connection.
                    rounds = math.ceil(connections / args.workers)
                    seconds = min(
                        max(args.seconds, math.ceil(3 * single[page.name] * rounds)),
                        args.max_seconds,
                    )
                    results[page.name, connections] = drive(
                        base + page.path, cookies[page.role], connections, seconds, script
                    )
                    memory = worker_rss_mb(process.pid)
                    peak = [max(a, b) for a, b in zip(peak, memory, strict=False)] or memory
                    if single[page.name] > args.slow_seconds and connections > 1:
                        # The requests wrk gave up on would keep both workers busy for
                        # minutes: start the server again instead of waiting for them.
                        stop(process)
                        process = start_gunicorn(url, port, args.workers, secret)
                    else:
                        drain(base, cookies["admin"], args.workers)
                    print(f"  {size}: {page.name} at {connections}: "
                          f"{results[page.name, connections][0]:.1f}/s", file=sys.stderr)  # fmt: skip
        memory = worker_rss_mb(process.pid)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stop(process)
    bare = pages[0].name
    head = ["page", "role", "status", "bytes", "queries"]
    for c in args.connections:
        head += [f"req/s @{c}", f"p50 ms @{c}", f"p95 ms @{c}", f"× bare @{c}"]
    rows.append("| " + " | ".join(head) + " |")
    rows.append("|" + "---|" * len(head))
    for page in pages:
        if page.name not in first:
            continue
        status, size_bytes, queries = first[page.name]
        cells = [page.name, page.role, str(status), f"{size_bytes:,}", queries]
        for c in args.connections:
            if (page.name, c) not in results or (bare, c) not in results:
                cells += ["not run", "–", "–", "–"]
                continue
            rps, p50, p95, errors = results[page.name, c]
            ratio = rps / results[bare, c][0] if results[bare, c][0] else 0
            flag = f" ({errors} errors)" if errors else ""
            if not rps:
                cells += ["none answered", "–", "–", "–"]
                continue
            share = f"1/{1 / ratio:.0f}" if 0 < ratio < 0.5 else f"{ratio:.2f}"
            cells += [f"{rps:.1f}{flag}", f"{p50:.1f}", f"{p95:.1f}", share]
        rows.append("| " + " | ".join(cells) + " |")
    load = os.getloadavg()
    note = (
        f"\n{prepared['apprentices']:,} apprentices; gunicorn {args.workers} sync workers; "
        f"{args.seconds} s per page and connection count; load average after the run "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}.\n"
        f"Worker memory (RSS) after the run: {', '.join(f'{m:.0f} MB' for m in memory)}; "
        f"the most after any page: {', '.join(f'{m:.0f} MB' for m in peak)}."
    )
    if interrupted:
        note += "\nInterrupted: the pages not run are marked."
    if built is not None:
        note += f"\nData set built in {built:.0f} s."
    measured = SizeRun(prepared["apprentices"], peak_worker_mb=peak)
    for name, (_status, size_bytes, queries) in first.items():
        measured.bytes[name] = size_bytes
        measured.queries[name] = str(queries)
    for (name, c), (rps, p50, p95, _errors) in results.items():
        measured.loads[name, c] = Load(rps, p50, p95)
    return "\n".join(rows) + "\n" + note, measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 100_000])
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seconds", type=int, default=10, help="per page and connection count")
    parser.add_argument(
        "--max-seconds", type=int, default=60, help="the longest a slow page is driven"
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=SLOW_SECONDS,
        help="a page slower than this gets a fresh server after its run at more connections",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--only", nargs="+", default=[], help="only the pages whose name holds one of these words"
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        json.dump(prepare(), sys.stdout)
        return 0
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed to drive the pages: install it with `apt-get install wrk`.")
    server = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    # SIGTERM (e.g. `timeout`) prints what was measured so far, as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    runs: list[SizeRun] = []
    for size in args.sizes:
        print(f"\n### {size:,} apprentices\n", flush=True)
        table, measured = run_size(server, size, args)
        runs.append(measured)
        print(table, flush=True)
    print("\n### Against the goals (issues 15 and 17)\n")
    print("\n".join(goal_lines(runs)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
