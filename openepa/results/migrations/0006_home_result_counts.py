"""The admin home's figure and charts of results read counts the database keeps: DueCount
(results waiting for release by due date) and TurnaroundCount (released results by month of
release and days from the gateway's acceptance), moved by triggers on the results and on
the enrolment's gateway date with every write, on SQLite and PostgreSQL, as the counts by
state are (enrolments 0005). A request then reads a few small rows instead of counting
every waiting result and a year of releases.

The month and day of a release are those of settings.TIME_ZONE when this migration ran
(written into the triggers; on SQLite through the date function Django gives each of its
connections). The counts of the results there are are written first, then the triggers
added. On SQLite the triggers read enrolments_enrolment: a later migration that rebuilds
that table on SQLite must drop them first and add them back after (SQLITE_DROP,
sqlite_triggers), as assessments 0009 says of its own."""

from collections import defaultdict
from datetime import date

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

#: A result waits for release (and is counted by due date) when neither released nor
#: superseded and it has a due date.
_DUE = "{r}.released_at IS NULL AND {r}.superseded_at IS NULL AND {r}.due_on IS NOT NULL"
#: A result counts in the turnaround when released and not superseded (and its enrolment
#: was accepted at gateway).
_OUT = "{r}.released_at IS NOT NULL AND {r}.superseded_at IS NULL"
#: The result's columns whose change may move a count.
WATCHED = "released_at, superseded_at, due_on, enrolment_id"


def _sqlite_day(column: str, zone: str) -> str:
    """The local date of a stored UTC date and time (Django's own SQLite function)."""
    return f"django_datetime_cast_date({column}, '{zone}', 'UTC')"


def _sqlite_result(r: str, sign: str, zone: str) -> str:
    """SQLite statements adding `sign` 1 to the counts of the result `r` (OLD or NEW)."""
    day = _sqlite_day(f"{r}.released_at", zone)
    return f"""
        INSERT INTO results_duecount (epao_id, due_on, n)
        SELECT epao_id, {r}.due_on, {sign}1 FROM enrolments_enrolment
        WHERE id = {r}.enrolment_id AND {_DUE.format(r=r)}
        ON CONFLICT (epao_id, due_on) DO UPDATE SET n = n + excluded.n;
        INSERT INTO results_turnaroundcount (epao_id, month, days, n)
        SELECT epao_id, date(d, 'start of month'),
            CAST(julianday(d) - julianday(gateway_accepted_on) AS INTEGER), {sign}1
        FROM (
            SELECT epao_id, gateway_accepted_on, {day} AS d FROM enrolments_enrolment
            WHERE id = {r}.enrolment_id
        )
        WHERE gateway_accepted_on IS NOT NULL AND {_OUT.format(r=r)}
        ON CONFLICT (epao_id, month, days) DO UPDATE SET n = n + excluded.n;
    """


def _sqlite_enrolment(e: str, sign: str, zone: str) -> str:
    """SQLite statements adding `sign` the counts of every result of the enrolment `e`
    (OLD or NEW) when its gateway date or EPAO changes."""
    day = _sqlite_day("released_at", zone)
    return f"""
        INSERT INTO results_turnaroundcount (epao_id, month, days, n)
        SELECT {e}.epao_id, date(d, 'start of month'),
            CAST(julianday(d) - julianday({e}.gateway_accepted_on) AS INTEGER), {sign}COUNT(*)
        FROM (
            SELECT {day} AS d FROM results_overallresult AS r
            WHERE r.enrolment_id = {e}.id AND {_OUT.format(r="r")}
        )
        WHERE {e}.gateway_accepted_on IS NOT NULL
        GROUP BY 2, 3
        ON CONFLICT (epao_id, month, days) DO UPDATE SET n = n + excluded.n;
        INSERT INTO results_duecount (epao_id, due_on, n)
        SELECT {e}.epao_id, r.due_on, {sign}COUNT(*) FROM results_overallresult AS r
        WHERE r.enrolment_id = {e}.id AND {_DUE.format(r="r")} AND OLD.epao_id != NEW.epao_id
        GROUP BY 2
        ON CONFLICT (epao_id, due_on) DO UPDATE SET n = n + excluded.n;
    """


def sqlite_triggers(zone: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER result_counts_insert AFTER INSERT ON results_overallresult
        BEGIN {_sqlite_result("NEW", "", zone)} END
        """,
        f"""
        CREATE TRIGGER result_counts_delete AFTER DELETE ON results_overallresult
        BEGIN {_sqlite_result("OLD", "-", zone)} END
        """,
        # A change: the old result's counts taken back, the new one's added (two triggers:
        # SQLite has no IF inside one; the order does not matter to the sums).
        f"""
        CREATE TRIGGER result_counts_update_old AFTER UPDATE OF {WATCHED}
        ON results_overallresult
        BEGIN {_sqlite_result("OLD", "-", zone)} END
        """,
        f"""
        CREATE TRIGGER result_counts_update_new AFTER UPDATE OF {WATCHED}
        ON results_overallresult
        BEGIN {_sqlite_result("NEW", "", zone)} END
        """,
        f"""
        CREATE TRIGGER result_counts_enrolment AFTER UPDATE OF gateway_accepted_on, epao_id
        ON enrolments_enrolment
        WHEN OLD.gateway_accepted_on IS NOT NEW.gateway_accepted_on
          OR OLD.epao_id != NEW.epao_id
        BEGIN {_sqlite_enrolment("OLD", "-", zone)} {_sqlite_enrolment("NEW", "", zone)} END
        """,
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS result_counts_insert",
    "DROP TRIGGER IF EXISTS result_counts_delete",
    "DROP TRIGGER IF EXISTS result_counts_update_old",
    "DROP TRIGGER IF EXISTS result_counts_update_new",
    "DROP TRIGGER IF EXISTS result_counts_enrolment",
]


def postgresql_triggers(zone: str) -> list[str]:
    """One function per table. A change of a result moves at most two counts of each kind,
    taken in key order (as the counts by state are), so concurrent changes in opposite
    directions wait for each other instead of deadlocking."""
    return [
        """
        CREATE OR REPLACE FUNCTION results_due_move(p_epao bigint, p_due date, d integer)
        RETURNS void AS $$
            INSERT INTO results_duecount (epao_id, due_on, n) VALUES (p_epao, p_due, d)
            ON CONFLICT (epao_id, due_on) DO UPDATE SET n = results_duecount.n + EXCLUDED.n;
        $$ LANGUAGE sql
        """,
        """
        CREATE OR REPLACE FUNCTION results_turnaround_move(
            p_epao bigint, p_month date, p_days integer, d integer
        ) RETURNS void AS $$
            INSERT INTO results_turnaroundcount (epao_id, month, days, n)
            VALUES (p_epao, p_month, p_days, d)
            ON CONFLICT (epao_id, month, days)
            DO UPDATE SET n = results_turnaroundcount.n + EXCLUDED.n;
        $$ LANGUAGE sql
        """,
        f"""
        CREATE OR REPLACE FUNCTION results_counts() RETURNS trigger AS $$
        DECLARE
            old_epao bigint;
            new_epao bigint;
            old_gateway date;
            new_gateway date;
            old_due boolean := false;
            new_due boolean := false;
            old_out boolean := false;
            new_out boolean := false;
            old_day date;
            new_day date;
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                SELECT epao_id, gateway_accepted_on INTO old_epao, old_gateway
                FROM enrolments_enrolment WHERE id = OLD.enrolment_id;
                old_due := {_DUE.format(r="OLD")};
                old_out := {_OUT.format(r="OLD")} AND old_gateway IS NOT NULL;
                old_day := (OLD.released_at AT TIME ZONE '{zone}')::date;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                SELECT epao_id, gateway_accepted_on INTO new_epao, new_gateway
                FROM enrolments_enrolment WHERE id = NEW.enrolment_id;
                new_due := {_DUE.format(r="NEW")};
                new_out := {_OUT.format(r="NEW")} AND new_gateway IS NOT NULL;
                new_day := (NEW.released_at AT TIME ZONE '{zone}')::date;
            END IF;
            IF NOT (old_due AND new_due AND (old_epao, OLD.due_on) = (new_epao, NEW.due_on)) THEN
                IF old_due AND (NOT new_due OR (old_epao, OLD.due_on) < (new_epao, NEW.due_on)) THEN
                    PERFORM results_due_move(old_epao, OLD.due_on, -1);
                    old_due := false;
                END IF;
                IF new_due THEN
                    PERFORM results_due_move(new_epao, NEW.due_on, 1);
                END IF;
                IF old_due THEN
                    PERFORM results_due_move(old_epao, OLD.due_on, -1);
                END IF;
            END IF;
            IF NOT (old_out AND new_out AND (old_epao, old_day, old_gateway)
                                          = (new_epao, new_day, new_gateway)) THEN
                IF old_out AND (NOT new_out
                    OR (old_epao, date_trunc('month', old_day), old_day - old_gateway)
                     < (new_epao, date_trunc('month', new_day), new_day - new_gateway)) THEN
                    PERFORM results_turnaround_move(old_epao,
                        date_trunc('month', old_day)::date, old_day - old_gateway, -1);
                    old_out := false;
                END IF;
                IF new_out THEN
                    PERFORM results_turnaround_move(new_epao,
                        date_trunc('month', new_day)::date, new_day - new_gateway, 1);
                END IF;
                IF old_out THEN
                    PERFORM results_turnaround_move(old_epao,
                        date_trunc('month', old_day)::date, old_day - old_gateway, -1);
                END IF;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER results_counts
        AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON results_overallresult
        FOR EACH ROW EXECUTE FUNCTION results_counts()
        """,
        # The enrolment's gateway date (or EPAO) changed: its results' counts move.
        f"""
        CREATE OR REPLACE FUNCTION results_counts_enrolment() RETURNS trigger AS $$
        BEGIN
            IF OLD.gateway_accepted_on IS NOT DISTINCT FROM NEW.gateway_accepted_on
               AND OLD.epao_id = NEW.epao_id THEN
                RETURN NULL;
            END IF;
            PERFORM results_turnaround_move(OLD.epao_id, date_trunc('month', d)::date,
                                            d - OLD.gateway_accepted_on, -1)
            FROM (
                SELECT (released_at AT TIME ZONE '{zone}')::date AS d
                FROM results_overallresult AS r
                WHERE r.enrolment_id = OLD.id AND {_OUT.format(r="r")}
            ) AS released
            WHERE OLD.gateway_accepted_on IS NOT NULL;
            PERFORM results_turnaround_move(NEW.epao_id, date_trunc('month', d)::date,
                                            d - NEW.gateway_accepted_on, 1)
            FROM (
                SELECT (released_at AT TIME ZONE '{zone}')::date AS d
                FROM results_overallresult AS r
                WHERE r.enrolment_id = NEW.id AND {_OUT.format(r="r")}
            ) AS released
            WHERE NEW.gateway_accepted_on IS NOT NULL;
            IF OLD.epao_id <> NEW.epao_id THEN
                PERFORM results_due_move(OLD.epao_id, r.due_on, -1), results_due_move(NEW.epao_id, r.due_on, 1)
                FROM results_overallresult AS r
                WHERE r.enrolment_id = NEW.id AND {_DUE.format(r="r")};
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER results_counts_enrolment
        AFTER UPDATE OF gateway_accepted_on, epao_id ON enrolments_enrolment
        FOR EACH ROW EXECUTE FUNCTION results_counts_enrolment()
        """,
    ]


POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS results_counts_enrolment ON enrolments_enrolment",
    "DROP FUNCTION IF EXISTS results_counts_enrolment()",
    "DROP TRIGGER IF EXISTS results_counts ON results_overallresult",
    "DROP FUNCTION IF EXISTS results_counts()",
    "DROP FUNCTION IF EXISTS results_due_move(bigint, date, integer)",
    "DROP FUNCTION IF EXISTS results_turnaround_move(bigint, date, integer, integer)",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def count_and_keep_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Count the results there are (two grouped queries), then add the triggers."""
    from django.db.models import Count, DateField, F
    from django.db.models.functions import TruncDate

    OverallResult = apps.get_model("results", "OverallResult")
    DueCount = apps.get_model("results", "DueCount")
    TurnaroundCount = apps.get_model("results", "TurnaroundCount")
    due = (
        OverallResult.objects.filter(
            released_at__isnull=True, superseded_at__isnull=True, due_on__isnull=False
        )
        .order_by()
        .values_list("enrolment__epao_id", "due_on")
        .annotate(n=Count("pk"))
    )
    DueCount.objects.bulk_create(
        (DueCount(epao_id=e, due_on=d, n=n) for e, d, n in due), batch_size=5000
    )
    # The local date of release (settings.TIME_ZONE), and the gateway date, grouped.
    released = (
        OverallResult.objects.filter(
            released_at__isnull=False,
            superseded_at__isnull=True,
            enrolment__gateway_accepted_on__isnull=False,
        )
        .annotate(day=TruncDate("released_at", output_field=DateField()))
        .order_by()
        .values_list("enrolment__epao_id", "day", F("enrolment__gateway_accepted_on"))
        .annotate(n=Count("pk"))
    )
    turnaround: dict[tuple[int, date, int], int] = defaultdict(int)
    for epao, day, gateway, n in released:
        turnaround[epao, day.replace(day=1), (day - gateway).days] += n
    TurnaroundCount.objects.bulk_create(
        (TurnaroundCount(epao_id=e, month=m, days=d, n=n) for (e, m, d), n in turnaround.items()),
        batch_size=5000,
    )
    zone = settings.TIME_ZONE
    _run(
        schema_editor,
        {"sqlite": sqlite_triggers(zone), "postgresql": postgresql_triggers(zone)},
    )


def stop_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_addresses_and_references"),
        ("results", "0005_merge_report_pipeline"),
        ("enrolments", "0009_merge_exports"),
    ]

    operations = [
        migrations.CreateModel(
            name="DueCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("due_on", models.DateField()),
                ("n", models.IntegerField(default=0)),
                (
                    "epao",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("epao", "due_on"), name="one_due_count")
                ],
            },
        ),
        migrations.CreateModel(
            name="TurnaroundCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("days", models.IntegerField()),
                ("n", models.IntegerField(default=0)),
                (
                    "epao",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("epao", "month", "days"), name="one_turnaround_count"
                    )
                ],
            },
        ),
        migrations.RunPython(count_and_keep_counting, stop_counting),
    ]
