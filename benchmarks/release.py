"""Release benchmark (issue 15 §4): N results released one after another by an EPAO admin,
through the same action the result page runs, while W real workers (`manage.py db_worker`,
django-tasks-db) write and send the emails; timed from the first release until the outbox
holds every email sent. Each release emails the apprentice, the employer and the provider
(3 emails per result), each with the statement of results and the record of achievement
or the fail letter attached.

    .venv/bin/python benchmarks/release.py [--results 100] [--workers 2] [--baseline 50]

`--baseline M` runs a second round of M other results with workers that render the
documents again for every recipient, as before the documents were stored (the old path,
patched into the worker here only), so the two rates are measured on the same machine in
the same run.

The results are made quickly: one NQual apprentice is taken to "awaiting results" through
the pages (the test suite's journey), then copied N times with bulk inserts, each copy a
new apprentice (name, ULN, email) with the same marking, two in three of them a Pass and
the rest the Fail, so every copy renders documents of its own. The emails go to a mailer
that builds each message's bytes (attachments encoded) and throws them away.

It runs on a throwaway PostgreSQL database only (several workers need PostgreSQL): the
DATABASE_URL's database name must contain "bench" (default
postgres://postgres@127.0.0.1:5432/openepa_release_bench); it is dropped and created again.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openepa_release_bench"
RECIPIENTS_PER_RESULT = 3


class Sink(BaseEmailBackend):
    """The benchmark's mailer: builds each email as the SMTP mailer would hand it over
    (MIME, base64 attachments), then drops it."""

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            message.message().as_bytes()
        return len(email_messages)


# --- the database ---------------------------------------------------------------------------
def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to run on database {name!r}: its name must contain 'bench'.")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def configure_django(url: str, files: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # no query log
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["OPENEPA_UPLOAD_ROOT"] = files
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)


# --- the results to release -----------------------------------------------------------------
@dataclass(frozen=True)
class Template:
    admin: Any
    enrolment_id: int
    result_id: int


def build_template() -> Template:
    """One NQual apprentice through gateway, bookings and three marked sheets (a failed
    observation), through the pages, with no background work queued."""
    from django.test import override_settings

    from openepa.domain.grading import Outcome
    from openepa.domain.standard import InteractionMode, Method
    from tests.journeys.driver import Journey, marks
    from tests.personas import build_world

    f2f = frozenset({InteractionMode.FACE_TO_FACE})
    dummy = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy, ALLOWED_HOSTS=["testserver"]):
        world = build_world(policy="nqual")
        journey = Journey(world.enrolment)
        showcase, observation, discussion = journey.to_three_bookings(world)
        journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, f2f, 10))
        failed = marks(Method.OBSERVATION, f2f, 5, {"S8.1": Outcome.NOT_MET})
        journey.mark(world.assessor, observation, failed, "Open every conversation positively.")
        journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, f2f, 4))
        assert journey.state() == "awaiting_results", journey.state()
        return Template(world.admin, world.enrolment.pk, journey.latest_result_id())


def copies(template: Template, count: int, start: int) -> list[int]:
    """`count` copies of the template's apprentice, enrolment and result (bulk inserts);
    the result ids. Copies 0, 1 of every 3 are a Pass, copy 2 the Fail."""
    from openepa.domain.uln import make_uln
    from openepa.enrolments.models import Apprentice, Enrolment
    from openepa.results.models import OverallResult

    enrolment = Enrolment.objects.select_related("apprentice").get(pk=template.enrolment_id)
    result = OverallResult.objects.get(pk=template.result_id)
    apprentices = []
    prefix = 200_000_000 + start * 20
    for n in range(start, start + count):
        uln = None
        while uln is None:
            uln = make_uln(str(prefix))
            prefix += 1
        apprentices.append(
            Apprentice(
                uln=uln,
                given_name=f"Bench{n}",
                family_name=f"Apprentice {n}",
                email=f"apprentice{n}@bench.example",
                date_of_birth=enrolment.apprentice.date_of_birth,
            )
        )
    Apprentice.objects.bulk_create(apprentices)
    enrolments = []
    for apprentice in apprentices:
        copy = Enrolment.objects.get(pk=template.enrolment_id)
        copy.pk = None
        copy.apprentice = apprentice
        enrolments.append(copy)
    Enrolment.objects.bulk_create(enrolments)
    results = []
    for n, copy in enumerate(enrolments):
        row = OverallResult.objects.get(pk=result.pk)
        row.pk = None
        row.enrolment = copy
        if n % 3 != 2:
            row.grade = "pass"
            row.methods = {code: {**snap, "grade": "pass"} for code, snap in result.methods.items()}
        results.append(row)
    OverallResult.objects.bulk_create(results)
    return [r.pk for r in results]


# --- the workers ----------------------------------------------------------------------------
def old_path_worker() -> None:
    """A worker as before the documents were stored: the emails name no stored document and
    each send renders its attachments again."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from openepa.documents import render
    from openepa.notifications import compose, mailer
    from openepa.results.catalogue import FEEDBACK, kinds_for

    def render_per_recipient(message: Any, read: Any = None) -> list[Any]:
        if message.kind not in compose.ATTACHING or message.event is None:
            return []
        result = render.load(int(message.event.data["result_id"]))
        return [
            mailer.Attachment(render.filename(k, result), render.render(k, result), mailer.PDF)
            for k in kinds_for(result)
            if k is not FEEDBACK
        ]

    compose.documents_of = lambda result: []
    mailer.attachments_for = render_per_recipient
    call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1")


def start_workers(count: int, *, old: bool, log: Any) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "EMAIL_BACKEND": "benchmarks.release.Sink", "LOG_LEVEL": "WARNING"}
    if old:
        command = [sys.executable, str(Path(__file__).resolve()), "--old-path-worker"]
    else:
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        command += ["--interval", "0.1"]
    return [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(count)
    ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


# --- one round ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Round:
    label: str
    results: int
    emails: int
    release_s: float
    total_s: float
    pdfs_stored: int
    #: CPU seconds (user + system) of the workers, from start to stop, and of the release
    #: loop in this process: what the work costs whatever else the machine runs.
    worker_cpu_s: float
    release_cpu_s: float

    @property
    def rate(self) -> float:
        return self.emails / self.total_s


def run_round(
    label: str, template: Template, result_ids: list[int], workers: int, *, old: bool
) -> Round:
    from openepa.documents.models import StoredDocument
    from openepa.notifications.models import OutboxMessage
    from openepa.results.actions import do_release_results

    expected = len(result_ids) * RECIPIENTS_PER_RESULT
    ours = OutboxMessage.objects.filter(
        kind="results_issued", event__data__result_id__in=result_ids
    )
    log = open(Path(os.environ["OPENEPA_UPLOAD_ROOT"]) / "workers.log", "wb")  # noqa: SIM115
    children_before = cpu(resource.RUSAGE_CHILDREN)
    running = start_workers(workers, old=old, log=log)
    try:
        time.sleep(2)  # the workers start (imports, recovery pass) before the clock does
        began = time.perf_counter()
        own_before = cpu(resource.RUSAGE_SELF)
        for result_id in result_ids:
            do_release_results(actor=template.admin, result_id=result_id, expected_version=None)
        released = time.perf_counter() - began
        release_cpu = cpu(resource.RUSAGE_SELF) - own_before
        timeout = time.monotonic() + 3600
        while True:
            sent = ours.filter(state=OutboxMessage.State.SENT).count()
            if sent == expected:
                break
            bad = ours.exclude(state__in=("queued", "sending", "sent")).count()
            if bad or any(w.poll() is not None for w in running) or time.monotonic() > timeout:
                log.flush()
                said = Path(log.name).read_text(errors="replace")[-3000:]
                sys.exit(f"{label}: {sent}/{expected} sent, {bad} failed; stopped.\n{said}")
            time.sleep(0.2)
        total = time.perf_counter() - began
    finally:
        stop(running)
        log.close()
    worker_cpu = cpu(resource.RUSAGE_CHILDREN) - children_before
    stored = StoredDocument.objects.filter(result_id__in=result_ids).count()
    return Round(label, len(result_ids), expected, released, total, stored, worker_cpu, release_cpu)


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=100, help="results to release (100)")
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes (2)")
    parser.add_argument(
        "--baseline", type=int, default=0, help="results of the old path's round (none)"
    )
    parser.add_argument("--old-path-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.old_path_worker:
        old_path_worker()
        return
    import tempfile

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    with tempfile.TemporaryDirectory(prefix="openepa-release-bench-") as files:
        configure_django(url, files)
        began = time.perf_counter()
        template = build_template()
        new_ids = copies(template, args.results, 0)
        old_ids = copies(template, args.baseline, args.results) if args.baseline else []
        print(
            f"{args.results + args.baseline} results ready to release in "
            f"{time.perf_counter() - began:.1f} s (database {url.split('@')[-1]}; "
            f"{os.cpu_count()} CPUs)"
        )
        rounds = [run_round("stored once (now)", template, new_ids, args.workers, old=False)]
        if old_ids:
            rounds.append(
                run_round("per recipient (before)", template, old_ids, args.workers, old=True)
            )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'documents rendered':<24}{'results':>8}{'emails':>7}{'workers':>8}"
        f"{'release s':>10}{'end to end s':>13}{'emails/s':>9}{'PDFs':>6}"
        f"{'worker CPU s':>13}{'CPU ms/email':>13}{'release CPU s':>14}"
    )
    for r in rounds:
        print(
            f"{r.label:<24}{r.results:>8}{r.emails:>7}{args.workers:>8}{r.release_s:>10.1f}"
            f"{r.total_s:>13.1f}{r.rate:>9.1f}{r.pdfs_stored:>6}{r.worker_cpu_s:>13.1f}"
            f"{r.worker_cpu_s / r.emails * 1000:>13.0f}{r.release_cpu_s:>14.1f}"
        )
    if len(rounds) == 2:
        now, before = rounds
        print(
            f"\nstored once / per recipient: {now.rate / before.rate:.1f}× the emails/s, "
            f"{(before.worker_cpu_s / before.emails) / (now.worker_cpu_s / now.emails):.1f}× "
            "less worker CPU per email"
        )


if __name__ == "__main__":
    main()
