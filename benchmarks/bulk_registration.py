"""Bulk registration benchmark (issue 4 item 5): a CSV file of N valid apprentices (30,000
by default) imported through the same action the upload page uses, beside a raw bulk
insert of the same rows into the same tables in the same run (PostgreSQL: COPY;
SQLite: executemany in one transaction).

    .venv/bin/python benchmarks/bulk_registration.py [--rows N]

It runs on a throwaway database only: a temporary SQLite file, or, when DATABASE_URL is
set, a PostgreSQL database whose name contains "bench" (createdb openepa_bench); its
apprentices, enrolments and events are deleted first."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def configure_django(temp_dir: str) -> str:
    """Point Django at a throwaway database and set it up; returns its description."""
    url = os.environ.get("DATABASE_URL")
    if url:
        name = urlparse(url).path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"Refusing to run on database {name!r}: its name must contain 'bench'.")
    else:
        url = f"sqlite:///{Path(temp_dir) / 'bench.sqlite3'}"
        os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # no query log: measure the import, not the logging
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    return url.split("@")[-1] if "@" in url else "temporary SQLite file"


@dataclass(frozen=True)
class Setting:
    actor: Any
    epao: Any
    employer: Any
    provider: Any
    standard: Any


def prepare() -> Setting:
    from openepa.accounts.models import Membership, Role, User
    from openepa.enrolments.models import Apprentice, BulkUpload, Enrolment, JourneyEvent
    from openepa.organisations.models import Organisation
    from openepa.reference.models import Policy, StandardVersion

    clear(JourneyEvent, Enrolment, Apprentice, BulkUpload)
    epao, _ = Organisation.objects.get_or_create(
        name="Bench EPAO",
        kind=Organisation.Kind.EPAO,
        defaults={"policy": Policy.objects.get(code="highfield")},
    )
    employer, _ = Organisation.objects.get_or_create(
        name="Bench Employer", kind=Organisation.Kind.EMPLOYER
    )
    provider, _ = Organisation.objects.get_or_create(
        name="Bench Provider", kind=Organisation.Kind.PROVIDER
    )
    actor, _ = User.objects.get_or_create(
        email="provider@bench.openepa.test", defaults={"full_name": "Bench Provider"}
    )
    Membership.objects.get_or_create(user=actor, organisation=provider, role=Role.PROVIDER)
    standard = StandardVersion.objects.get(reference="ST0072")
    return Setting(actor, epao, employer, provider, standard)


def clear(*models: Any) -> None:
    for model in models:
        model.objects.all().delete()


def ulns(count: int) -> list[str]:
    from openepa.domain.uln import make_uln

    found: list[str] = []
    prefix = 100_000_000
    while len(found) < count:
        uln = make_uln(str(prefix))
        prefix += 1
        if uln:
            found.append(uln)
    return found


def generate_csv(count: int, setting: Setting) -> bytes:
    from openepa.domain.bulk_registration import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i, uln in enumerate(ulns(count)):
        start = date(2025, 1, 6) + timedelta(days=i % 120)
        writer.writerow(
            [
                uln,
                f"Given{chr(65 + i % 26)}",
                f"Family{chr(65 + (i // 26) % 26)}",
                date(2006 + i % 3, 1 + i % 12, 1 + i % 28).isoformat(),
                f"apprentice{i}@example.org",
                setting.employer.name,
                "",
                start.isoformat(),
                (start + timedelta(days=400)).strftime("%d/%m/%Y"),
                "yes" if i % 3 != 1 else "no",
                "yes" if i % 3 != 0 else "no",
                "no",
                "no",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds on the clock
    cpu: float  # seconds of this process's CPU (the database server's not counted)

    def line(self, count: int) -> str:
        return (
            f"{self.wall:.2f} s, {count / self.wall:,.0f} rows/s "
            f"(this process's CPU {self.cpu:.2f} s, {count / self.cpu:,.0f} rows/s)"
        )


def timed(action: Any) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def run_import(content: bytes, count: int, setting: Setting) -> Timing:
    """The upload page's path: do_bulk_register_enrolments on the file's bytes."""
    from openepa.enrolments.actions import do_bulk_register_enrolments

    uploads = []
    timing = timed(
        lambda: uploads.append(
            do_bulk_register_enrolments(
                actor=setting.actor,
                content=content,
                filename="bench.csv",
                epao=setting.epao,
                standard=setting.standard,
                max_rows=count,
            )
        )
    )
    if uploads[0].registered_count != count:
        sys.exit(f"The import registered {uploads[0].registered_count} of {count} rows.")
    return timing


def raw_rows(content: bytes, setting: Setting) -> tuple[list[tuple[Any, ...]], ...]:
    """The same apprentices, enrolments and events as plain tuples with explicit ids, the
    dates already typed: all a raw insert is left to do is insert."""
    from django.db import connection
    from django.utils import timezone

    from openepa.domain.bulk_registration import parse_date, parse_flag

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    apprentices, enrolments, events = [], [], []
    base = 50_000_000  # ids well above the import's, which were deleted
    for i, row in enumerate(reader):
        pk = base + i
        birth, start, end = (
            ops.adapt_datefield_value(parse_date(row[k]))
            for k in ("date_of_birth", "start_date", "planned_end_date")
        )
        apprentices.append(
            (pk, row["uln"], row["given_name"], row["family_name"], birth, row["email"])
        )
        enrolments.append(
            (
                pk,
                pk,
                setting.standard.pk,
                setting.epao.pk,
                setting.employer.pk,
                setting.provider.pk,
                setting.epao.policy_id,
                start,
                end,
                parse_flag(row["face_to_face"]),
                parse_flag(row["non_facing"]),
                False,
                False,
                "registered",
                1,
                now,
                False,
                False,
            )
        )
        events.append((pk, pk, setting.actor.pk, now, "register", "", "registered", "", "{}"))
    return apprentices, enrolments, events


TABLES = (
    ("enrolments_apprentice", "id, uln, given_name, family_name, date_of_birth, email"),
    (
        "enrolments_enrolment",
        "id, apprentice_id, standard_id, epao_id, employer_id, provider_id, policy_id, "
        "start_date, planned_end_date, face_to_face, non_facing, ehcp, bsl, state, version, "
        "created_at, english_in_training_plan, maths_in_training_plan",
    ),
    (
        "enrolments_journeyevent",
        "id, enrolment_id, actor_id, at, action, from_state, to_state, reason, data",
    ),
)


def run_raw(rows: tuple[list[tuple[Any, ...]], ...]) -> Timing:
    return timed(lambda: insert_raw(rows))


def insert_raw(rows: tuple[list[tuple[Any, ...]], ...]) -> None:
    from django.db import connection, transaction

    with transaction.atomic():
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor:
                for (table, columns), table_rows in zip(TABLES, rows, strict=True):
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for values in table_rows:
                            copy.write_row(values)
        else:
            cursor = raw.cursor()
            for (table, columns), table_rows in zip(TABLES, rows, strict=True):
                marks = ", ".join("?" * len(columns.split(",")))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", table_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000, help="apprentices in the file")
    count = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as temp_dir:
        where = configure_django(temp_dir)
        from django.db import connection

        from openepa.enrolments.models import Apprentice, BulkUpload, Enrolment, JourneyEvent

        setting = prepare()
        content = generate_csv(count, setting)
        imported = run_import(content, count, setting)
        rows = raw_rows(content, setting)
        clear(JourneyEvent, Enrolment, Apprentice, BulkUpload)
        raw = run_raw(rows)
        if Enrolment.objects.count() != count or JourneyEvent.objects.count() != count:
            sys.exit("The raw insert did not write every row.")
        clear(JourneyEvent, Enrolment, Apprentice)
        raw_name = "COPY" if connection.vendor == "postgresql" else "executemany"
        print(
            f"database: {connection.vendor} ({where}); rows: {count:,}; file: {len(content):,} bytes"
        )
        print(f"import (do_bulk_register_enrolments): {imported.line(count)}")
        print(f"raw {raw_name} of the same rows: {raw.line(count)}")
        print(f"import / raw: {imported.wall / raw.wall:.1f}x the time")


if __name__ == "__main__":
    main()
