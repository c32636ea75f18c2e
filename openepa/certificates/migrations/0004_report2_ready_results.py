"""What waits to be exported or sent (queries.ready_results) is kept by the database in
ReadyResult, one row per enrolment whose latest released result waits: triggers on the
results, the exported records, the service records and the enrolment's state recompute the
row of the enrolment concerned (delete it, then insert it again if the rule holds), on
SQLite and PostgreSQL. The admin home and the certificate exports page then count what
waits from a small index instead of walking every released result and probing its exports.

Recomputing an enrolment's row rather than moving a count by one keeps the rule in one
statement, the same for every kind of change (release, supersede, re-grade, export, send,
withdrawal and their undoing). The rows there are are written first, then the triggers
added. On SQLite the triggers read enrolments_enrolment and fire on it: a later migration
that rebuilds that table on SQLite must drop them first and add them back after
(SQLITE_DROP, sqlite_triggers), as assessments 0009 says of its own."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

#: The rule of queries._ready for the enrolments that `where` (on `en`) selects, written
#: per enrolment: its latest released result, if not superseded, not exported or sent, the
#: enrolment not withdrawn.
_READY = """
    SELECT en.id, en.epao_id, r.id, r.grade
    FROM enrolments_enrolment AS en
    JOIN results_overallresult AS r ON r.id = (
        SELECT l.id FROM results_overallresult AS l
        WHERE l.enrolment_id = en.id AND l.released_at IS NOT NULL
        ORDER BY l.released_at DESC, l.id DESC LIMIT 1
    )
    WHERE {where} AND en.state <> 'withdrawn' AND r.superseded_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM certificates_exportedrecord AS x WHERE x.result_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM certificates_servicerecord AS s WHERE s.result_id = r.id)
"""
_COLUMNS = "certificates_readyresult (enrolment_id, epao_id, result_id, grade)"

#: The same over many enrolments at once, set-based (no index needed: the fast demo's bulk
#: load adds its copies' rows with this while the copied tables' indexes are set aside).
#: `where` filters the released results considered (on `r`).
READY_ALL = """
    INSERT INTO certificates_readyresult (enrolment_id, epao_id, result_id, grade)
    SELECT en.id, en.epao_id, r.id, r.grade
    FROM (
        SELECT DISTINCT ON (enrolment_id) id, enrolment_id, grade, superseded_at
        FROM results_overallresult AS r
        WHERE r.released_at IS NOT NULL AND {where}
        ORDER BY enrolment_id, released_at DESC, id DESC
    ) AS r
    JOIN enrolments_enrolment AS en ON en.id = r.enrolment_id
    WHERE en.state <> 'withdrawn' AND r.superseded_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM certificates_exportedrecord AS x WHERE x.result_id = r.id)
      AND NOT EXISTS (SELECT 1 FROM certificates_servicerecord AS s WHERE s.result_id = r.id)
    ON CONFLICT (enrolment_id) DO UPDATE SET
        epao_id = EXCLUDED.epao_id, result_id = EXCLUDED.result_id, grade = EXCLUDED.grade
"""


def _sqlite_refresh(enrolment: str) -> str:
    return f"""
        DELETE FROM certificates_readyresult WHERE enrolment_id = {enrolment};
        INSERT INTO {_COLUMNS} {_READY.format(where=f"en.id = {enrolment}")};
    """


def _of_result(result: str) -> str:
    return f"(SELECT enrolment_id FROM results_overallresult WHERE id = {result})"


#: The result's columns whose change may change what waits.
_RESULT_WATCHED = "released_at, superseded_at, grade, enrolment_id"
#: An enrolment's change that matters: into or out of withdrawal, or to another EPAO.
_ENROLMENT_CHANGED = (
    "(OLD.state = 'withdrawn') <> (NEW.state = 'withdrawn') OR OLD.epao_id <> NEW.epao_id"
)


def sqlite_triggers() -> list[str]:
    triggers = [
        f"""
        CREATE TRIGGER certificates_ready_result_insert AFTER INSERT ON results_overallresult
        BEGIN {_sqlite_refresh("NEW.enrolment_id")} END
        """,
        f"""
        CREATE TRIGGER certificates_ready_result_delete AFTER DELETE ON results_overallresult
        BEGIN {_sqlite_refresh("OLD.enrolment_id")} END
        """,
        f"""
        CREATE TRIGGER certificates_ready_result_update
        AFTER UPDATE OF {_RESULT_WATCHED} ON results_overallresult
        BEGIN {_sqlite_refresh("OLD.enrolment_id")} {_sqlite_refresh("NEW.enrolment_id")} END
        """,
        f"""
        CREATE TRIGGER certificates_ready_enrolment
        AFTER UPDATE OF state, epao_id ON enrolments_enrolment
        WHEN {_ENROLMENT_CHANGED}
        BEGIN {_sqlite_refresh("NEW.id")} END
        """,
    ]
    for table in ("certificates_exportedrecord", "certificates_servicerecord"):
        name = table.removeprefix("certificates_")
        triggers += [
            f"""
            CREATE TRIGGER certificates_ready_{name}_insert AFTER INSERT ON {table}
            WHEN NEW.result_id IS NOT NULL
            BEGIN {_sqlite_refresh(_of_result("NEW.result_id"))} END
            """,
            f"""
            CREATE TRIGGER certificates_ready_{name}_delete AFTER DELETE ON {table}
            WHEN OLD.result_id IS NOT NULL
            BEGIN {_sqlite_refresh(_of_result("OLD.result_id"))} END
            """,
            f"""
            CREATE TRIGGER certificates_ready_{name}_update AFTER UPDATE OF result_id ON {table}
            BEGIN
                {_sqlite_refresh(_of_result("OLD.result_id"))}
                {_sqlite_refresh(_of_result("NEW.result_id"))}
            END
            """,
        ]
    return triggers


SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS certificates_ready_{name}"
    for name in (
        "result_insert",
        "result_delete",
        "result_update",
        "enrolment",
        "exportedrecord_insert",
        "exportedrecord_delete",
        "exportedrecord_update",
        "servicerecord_insert",
        "servicerecord_delete",
        "servicerecord_update",
    )
]

#: The triggers' names on PostgreSQL (the fast demo's bulk load pauses those of the tables
#: it copies).
RESULT_TRIGGER = "certificates_ready_result"
EXPORTED_TRIGGER = "certificates_ready_exported"
SERVICE_TRIGGER = "certificates_ready_service"
ENROLMENT_TRIGGER = "certificates_ready_enrolment"


def postgresql_triggers() -> list[str]:
    """One function recomputes an enrolment's row (PL/pgSQL, whose plans are kept for the
    session: as a SQL function it was planned again at every call, ~0.8 ms a row). Its writers already hold the enrolment's
    row lock (actions lock the enrolment), and the insert is an upsert all the same, so
    two transactions recomputing the same enrolment never fail on its key."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION certificates_ready_refresh(e bigint) RETURNS void AS $$
        BEGIN
            DELETE FROM certificates_readyresult WHERE enrolment_id = e;
            INSERT INTO {_COLUMNS} {_READY.format(where="en.id = e")}
            ON CONFLICT (enrolment_id) DO UPDATE SET
                epao_id = EXCLUDED.epao_id, result_id = EXCLUDED.result_id,
                grade = EXCLUDED.grade;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE OR REPLACE FUNCTION certificates_ready_result() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM certificates_ready_refresh(OLD.enrolment_id);
            END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.enrolment_id <> OLD.enrolment_id)
            THEN
                PERFORM certificates_ready_refresh(NEW.enrolment_id);
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE OR REPLACE FUNCTION certificates_ready_record() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND OLD.result_id IS NOT NULL THEN
                PERFORM certificates_ready_refresh(enrolment_id)
                FROM results_overallresult WHERE id = OLD.result_id;
            END IF;
            IF TG_OP <> 'DELETE' AND NEW.result_id IS NOT NULL THEN
                PERFORM certificates_ready_refresh(enrolment_id)
                FROM results_overallresult WHERE id = NEW.result_id;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE OR REPLACE FUNCTION certificates_ready_enrolment() RETURNS trigger AS $$
        BEGIN
            PERFORM certificates_ready_refresh(NEW.id);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER {RESULT_TRIGGER}
        AFTER INSERT OR DELETE OR UPDATE OF {_RESULT_WATCHED} ON results_overallresult
        FOR EACH ROW EXECUTE FUNCTION certificates_ready_result()
        """,
        f"""
        CREATE TRIGGER {EXPORTED_TRIGGER}
        AFTER INSERT OR DELETE OR UPDATE OF result_id ON certificates_exportedrecord
        FOR EACH ROW EXECUTE FUNCTION certificates_ready_record()
        """,
        f"""
        CREATE TRIGGER {SERVICE_TRIGGER}
        AFTER INSERT OR DELETE OR UPDATE OF result_id ON certificates_servicerecord
        FOR EACH ROW EXECUTE FUNCTION certificates_ready_record()
        """,
        f"""
        CREATE TRIGGER {ENROLMENT_TRIGGER}
        AFTER UPDATE OF state, epao_id ON enrolments_enrolment
        FOR EACH ROW WHEN ({_ENROLMENT_CHANGED})
        EXECUTE FUNCTION certificates_ready_enrolment()
        """,
    ]


POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {RESULT_TRIGGER} ON results_overallresult",
    f"DROP TRIGGER IF EXISTS {EXPORTED_TRIGGER} ON certificates_exportedrecord",
    f"DROP TRIGGER IF EXISTS {SERVICE_TRIGGER} ON certificates_servicerecord",
    f"DROP TRIGGER IF EXISTS {ENROLMENT_TRIGGER} ON enrolments_enrolment",
    "DROP FUNCTION IF EXISTS certificates_ready_enrolment()",
    "DROP FUNCTION IF EXISTS certificates_ready_record()",
    "DROP FUNCTION IF EXISTS certificates_ready_result()",
    "DROP FUNCTION IF EXISTS certificates_ready_refresh(bigint)",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def keep_ready(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(READY_ALL.format(where="TRUE"), params=None)
    else:
        schema_editor.execute(f"INSERT INTO {_COLUMNS} {_READY.format(where='TRUE')}", params=None)
    _run(schema_editor, {"sqlite": sqlite_triggers(), "postgresql": postgresql_triggers()})


def stop_keeping(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_report_latest_first"),
        ("enrolments", "0010_pages_journey_actor_index"),
        ("organisations", "0002_addresses_and_references"),
        ("results", "0007_home_latest_released_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReadyResult",
            fields=[
                (
                    "enrolment",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="enrolments.enrolment",
                    ),
                ),
                ("grade", models.CharField(max_length=20)),
                (
                    "epao",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "result",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="results.overallresult",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["epao", "grade"], name="certificates_ready_by_epao")
                ],
            },
        ),
        migrations.RunPython(keep_ready, stop_keeping),
    ]
