"""Ofqual returns benchmark (issue 17, goal: the returns for a year of 30,000 results in
at most 30 s). Bulk-inserts N released results (30,000 by default), each with its three
methods assessed in the year, then times making and checking each return and writing its
CSV, exactly as the page and `manage.py ofqual_return` do.

    .venv/bin/python benchmarks/ofqual_returns.py [--results N]

It runs on a throwaway database only, as benchmarks/bulk_registration.py does: a temporary
SQLite file, or, when DATABASE_URL is set, a PostgreSQL database whose name contains "bench";
its results, attempts, bookings, enrolments and apprentices are deleted first."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bulk_registration import clear, configure_django, prepare, ulns

METHODS = ("showcase", "observation", "discussion")
YEAR_START = date(2025, 3, 1)
YEAR_END = date(2026, 2, 28)


def build(count: int) -> float:
    """Insert `count` apprentices, each with an enrolment, three submitted attempts and a
    released result in the year; returns the seconds it took."""
    from django.db import connection

    from openepa.assessments.models import Attempt
    from openepa.bookings.models import Booking
    from openepa.enrolments.models import Apprentice, Enrolment
    from openepa.organisations.models import Organisation
    from openepa.results.models import OverallResult

    began = time.perf_counter()
    clear(OverallResult, Attempt, Booking)  # before prepare(), which clears enrolments
    setting = prepare()
    clear(Enrolment, Apprentice)
    Organisation.objects.filter(pk=setting.epao.pk).update(register_id="EPA0001")
    apprentices = Apprentice.objects.bulk_create(
        Apprentice(
            uln=uln,
            given_name="Bench",
            family_name=f"Apprentice {i}",
            date_of_birth=date(2005, 1, 1),
        )
        for i, uln in enumerate(ulns(count))
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            apprentice=a,
            standard=setting.standard,
            epao=setting.epao,
            employer=setting.employer,
            provider=setting.provider,
            policy=setting.epao.policy,
            start_date=date(2024, 1, 8),
            planned_end_date=date(2025, 3, 1),
            state="completed",
            face_to_face=True,
        )
        for a in apprentices
    )
    days = (YEAR_END - YEAR_START).days - 10
    bookings, attempts, results = [], [], []
    for i, enrolment in enumerate(enrolments):
        first = YEAR_START + timedelta(days=i % days)
        for n, method in enumerate(METHODS):
            on = first + timedelta(days=n)
            bookings.append(
                Booking(
                    enrolment=enrolment,
                    method=method,
                    attempt_number=1,
                    kind="first",
                    starts_at=datetime(on.year, on.month, on.day, 10, tzinfo=UTC),
                    duration_minutes=60,
                    assessor=setting.actor,
                    created_by=setting.actor,
                    status=Booking.Status.COMPLETED,
                )
            )
    bookings = Booking.objects.bulk_create(bookings, batch_size=5000)
    for index, booking in enumerate(bookings):
        on = booking.starts_at.date()
        attempts.append(
            Attempt(
                enrolment_id=booking.enrolment_id,
                booking=booking,
                method=booking.method,
                number=1,
                kind="first",
                assessor=setting.actor,
                status=Attempt.Status.SUBMITTED,
                assessed_on=on,
            )
        )
        if index % 3 == 2:
            snapshot = {
                a.method: {"grade": "pass", "assessed_on": a.assessed_on.isoformat()}
                for a in attempts[-3:]
            }
            results.append(
                OverallResult(
                    enrolment_id=booking.enrolment_id,
                    grade="pass",
                    methods=snapshot,
                    last_component_on=on,
                    released_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC)
                    + timedelta(days=5),
                )
            )
    Attempt.objects.bulk_create(attempts, batch_size=5000)
    OverallResult.objects.bulk_create(results, batch_size=5000)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: without statistics the planner takes
        # the fresh tables for empty and joins them row by row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - began


def measure(epao_id: int) -> list[tuple[str, int, float]]:
    from openepa.domain.ofqual_returns import ReturnKind
    from openepa.results.ofqual import Period, check_return

    period = Period(YEAR_START, YEAR_END, reporting_date=date(2026, 3, 31))
    found = []
    for kind in ReturnKind:
        began = time.perf_counter()
        checked = check_return(kind, [epao_id], period)
        text = checked.text
        seconds = time.perf_counter() - began
        assert checked.valid, checked.violations[:5]
        found.append((kind.value, text.count("\n") - 1, seconds))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=30_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp_dir:
        where = configure_django(temp_dir)
        built = build(args.results)
        from openepa.organisations.models import Organisation

        epao = Organisation.objects.get(register_id="EPA0001")
        print(f"database: {where}; {args.results:,} released results built in {built:.1f} s")
        print("| return | rows | seconds (make, check, write CSV) |")
        print("|---|---:|---:|")
        for kind, rows, seconds in measure(epao.pk):
            print(f"| {kind} | {rows:,} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
