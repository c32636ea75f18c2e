"""Where a released result's emails spend the worker's CPU (issue 15 §4): N results released
through the release action, then their tasks run by one django-tasks-db worker in this
process (batch mode: it stops when the queue is empty), under cProfile timed on CPU.

    .venv/bin/python benchmarks/release_profile.py [--results 60] [--top 30]

Prints the worker's CPU ms and database queries per email, then the functions with the most
cumulative CPU time. The emails go to release.py's mailer (built to bytes, then dropped).
Same database rules as release.py (a throwaway PostgreSQL database whose name contains
"bench": DATABASE_URL, default postgres://postgres@127.0.0.1:5432/openepa_release_bench).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.release import (  # noqa: E402
    DEFAULT_URL,
    RECIPIENTS_PER_RESULT,
    build_template,
    configure_django,
    copies,
    recreate_database,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=60, help="results to release (60)")
    parser.add_argument("--top", type=int, default=30, help="functions to print (30)")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative)")
    parser.add_argument("--profile", action="store_true", help="print cProfile's table too")
    parser.add_argument("--sql", action="store_true", help="print the queries, most frequent first")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    os.environ["EMAIL_BACKEND"] = "benchmarks.release.Sink"
    with tempfile.TemporaryDirectory(prefix="openepa-release-profile-") as files:
        configure_django(url, files)
        from django.db import connection
        from django_tasks_db.management.commands.db_worker import Worker

        from openepa.notifications.models import OutboxMessage
        from openepa.results.actions import do_release_results

        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        template = build_template()
        ids = copies(template, args.results, 0)
        for result_id in ids:
            do_release_results(actor=template.admin, result_id=result_id, expected_version=None)
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="profile",
            excluded_queue_names=[],
        )
        queries: Counter[str] = Counter()

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries[re.sub(r'"s\d+_x\d+"', '"s…"', sql[:150])] += 1
            return execute(sql, params, many, context)

        profile = cProfile.Profile(time.process_time)
        began = time.process_time()
        with connection.execute_wrapper(count):
            if args.profile:
                profile.enable()
            worker.run()
            profile.disable()
        cpu = time.process_time() - began
        emails = args.results * RECIPIENTS_PER_RESULT
        sent = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count()
        assert sent == emails, f"{sent} of {emails} sent"
    print(
        f"{args.results} results, {emails} emails: worker CPU {cpu:.2f} s{' (profiled)' if args.profile else ''}, "
        f"{cpu / emails * 1000:.1f} ms/email, {queries.total() / emails:.1f} queries/email; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if args.sql:
        for sql, n in queries.most_common():
            print(f"{n / args.results:6.1f}/result  {sql}")
    if args.profile:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
