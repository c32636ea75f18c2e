"""The scheduling page's work on a real database (issue 16 §5): how long building the
engine's instance from the EPAO's data takes, and the plan, for the EPAO with the most
enrolments, as the worker's task does it. Run against a demo database (not timed tests):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/openepa_x \\
        .venv/bin/python benchmarks/scheduling_db.py --days 28 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from openepa.organisations.models import Organisation
    from openepa.planner.planning import build_instance
    from openepa.scheduling.engine import schedule

    epao = (
        Organisation.objects.filter(kind="epao")
        .annotate(n=Count("epao_enrolments"))
        .order_by("-n")
        .first()
    )
    assert epao is not None, "no EPAO in this database"
    first = timezone.localdate() + timedelta(days=1)
    last = first + timedelta(days=args.days - 1)
    started = time.perf_counter()
    built = build_instance(epao.pk, first, last, args.seconds)
    build_s = time.perf_counter() - started
    instance = built.instance
    started = time.perf_counter()
    plan = schedule(instance, seconds=args.seconds, workers=1) if instance.methods else None
    plan_s = time.perf_counter() - started
    rows = [
        ("EPAO", epao.name),
        ("horizon", f"{first} to {last}"),
        ("assessors", len(instance.assessors)),
        ("existing bookings", len(instance.existing)),
        ("methods given to the engine", len(instance.methods)),
        ("methods set aside (with reasons)", len(built.not_plannable)),
        ("instance built (s)", f"{build_s:.2f}"),
        ("placed", len(plan.assignments) if plan else 0),
        ("engine", plan.summary.get("engine") if plan else "none"),
        ("plan made and checked (s)", f"{plan_s:.2f}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
