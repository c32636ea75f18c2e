"""Decisions counted by EPAO, assessor, method and stored grade (DecisionCount), kept by the
database: triggers on the marking sheets move the counts with every insert, delete or
change that makes a sheet a decision or not, or changes its assessor, method or grade, on
SQLite and PostgreSQL. The consistency report then reads a few small rows per assessor
instead of counting every sheet of the EPAO on each request.

On SQLite the triggers read enrolments_enrolment, so SQLite refuses to rename a table to
that name while they exist: a later migration that rebuilds the enrolments table on SQLite
(Django does so for most field changes) drops them first and adds them back after
(SQLITE_DROP, SQLITE_TRIGGERS). This one runs after every enrolments migration so far."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Count

#: A sheet is a decision when submitted, not a discussion follow-up and not a missed
#: assessment counted as an attempt (openepa.assessments.models.DECISION).
_IS = "{row}.status = 'submitted' AND {row}.missed_reason = '' AND {row}.kind <> 'follow_up'"
OLD_IS = _IS.format(row="OLD")
NEW_IS = _IS.format(row="NEW")
#: The columns whose change may move a count.
WATCHED = "status, kind, missed_reason, method_grade, assessor_id, method, enrolment_id"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER decision_count_insert AFTER INSERT ON assessments_attempt
    WHEN {NEW_IS}
    BEGIN
        INSERT INTO assessments_decisioncount (epao_id, assessor_id, method, grade, n)
        SELECT epao_id, NEW.assessor_id, NEW.method, NEW.method_grade, 1
        FROM enrolments_enrolment WHERE id = NEW.enrolment_id
        ON CONFLICT (epao_id, assessor_id, method, grade) DO UPDATE SET n = n + 1;
    END
    """,
    f"""
    CREATE TRIGGER decision_count_delete AFTER DELETE ON assessments_attempt
    WHEN {OLD_IS}
    BEGIN
        UPDATE assessments_decisioncount SET n = n - 1
        WHERE epao_id = (SELECT epao_id FROM enrolments_enrolment WHERE id = OLD.enrolment_id)
          AND assessor_id = OLD.assessor_id AND method = OLD.method
          AND grade = OLD.method_grade;
    END
    """,
    f"""
    CREATE TRIGGER decision_count_update AFTER UPDATE OF {WATCHED} ON assessments_attempt
    WHEN OLD.status != NEW.status OR OLD.kind != NEW.kind
      OR OLD.missed_reason != NEW.missed_reason OR OLD.method_grade != NEW.method_grade
      OR OLD.assessor_id != NEW.assessor_id OR OLD.method != NEW.method
      OR OLD.enrolment_id != NEW.enrolment_id
    BEGIN
        UPDATE assessments_decisioncount SET n = n - 1
        WHERE {OLD_IS}
          AND epao_id = (SELECT epao_id FROM enrolments_enrolment WHERE id = OLD.enrolment_id)
          AND assessor_id = OLD.assessor_id AND method = OLD.method
          AND grade = OLD.method_grade;
        INSERT INTO assessments_decisioncount (epao_id, assessor_id, method, grade, n)
        SELECT epao_id, NEW.assessor_id, NEW.method, NEW.method_grade, 1
        FROM enrolments_enrolment WHERE id = NEW.enrolment_id AND {NEW_IS}
        ON CONFLICT (epao_id, assessor_id, method, grade) DO UPDATE SET n = n + 1;
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS decision_count_insert",
    "DROP TRIGGER IF EXISTS decision_count_delete",
    "DROP TRIGGER IF EXISTS decision_count_update",
]

#: PostgreSQL: one function for the three events. A change (an amended grade) moves two
#: counts; they are always locked in key order, so two concurrent amendments in opposite
#: directions wait for each other instead of deadlocking.
POSTGRESQL_TRIGGERS = [
    f"""
    CREATE OR REPLACE FUNCTION assessments_decision_count() RETURNS trigger AS $$
    DECLARE
        old_counts boolean := false;
        new_counts boolean := false;
        old_epao bigint;
        new_epao bigint;
        old_first boolean;
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            old_counts := {OLD_IS};
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_counts := {NEW_IS};
        END IF;
        IF old_counts THEN
            SELECT epao_id INTO old_epao FROM enrolments_enrolment WHERE id = OLD.enrolment_id;
        END IF;
        IF new_counts THEN
            SELECT epao_id INTO new_epao FROM enrolments_enrolment WHERE id = NEW.enrolment_id;
        END IF;
        IF old_counts AND new_counts
           AND (old_epao, OLD.assessor_id, OLD.method, OLD.method_grade)
             = (new_epao, NEW.assessor_id, NEW.method, NEW.method_grade) THEN
            RETURN NULL;
        END IF;
        old_first := NOT new_counts
            OR (old_epao, OLD.assessor_id, OLD.method, OLD.method_grade)
             < (new_epao, NEW.assessor_id, NEW.method, NEW.method_grade);
        IF old_counts AND old_first THEN
            UPDATE assessments_decisioncount SET n = n - 1
            WHERE epao_id = old_epao AND assessor_id = OLD.assessor_id
              AND method = OLD.method AND grade = OLD.method_grade;
        END IF;
        IF new_counts THEN
            INSERT INTO assessments_decisioncount (epao_id, assessor_id, method, grade, n)
            VALUES (new_epao, NEW.assessor_id, NEW.method, NEW.method_grade, 1)
            ON CONFLICT (epao_id, assessor_id, method, grade)
            DO UPDATE SET n = assessments_decisioncount.n + 1;
        END IF;
        IF old_counts AND NOT old_first THEN
            UPDATE assessments_decisioncount SET n = n - 1
            WHERE epao_id = old_epao AND assessor_id = OLD.assessor_id
              AND method = OLD.method AND grade = OLD.method_grade;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER assessments_decision_count
    AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON assessments_attempt
    FOR EACH ROW EXECUTE FUNCTION assessments_decision_count()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS assessments_decision_count ON assessments_attempt",
    "DROP FUNCTION IF EXISTS assessments_decision_count()",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def count_and_keep_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Count the decisions there are, then add the triggers that keep the counts."""
    Attempt = apps.get_model("assessments", "Attempt")
    DecisionCount = apps.get_model("assessments", "DecisionCount")
    rows = (
        Attempt.objects.filter(status="submitted", missed_reason="")
        .exclude(kind="follow_up")
        .order_by()
        .values_list("enrolment__epao_id", "assessor_id", "method", "method_grade")
        .annotate(n=Count("pk"))
    )
    DecisionCount.objects.bulk_create(
        DecisionCount(epao_id=epao, assessor_id=assessor, method=method, grade=grade, n=n)
        for epao, assessor, method, grade, n in rows
    )
    _run(schema_editor, {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS})


def stop_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_missed_attempt_reason"),
        ("enrolments", "0006_search_audit_log_index"),
        ("organisations", "0002_addresses_and_references"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DecisionCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("showcase", "Apprentice showcase"),
                            ("observation", "Practical observation"),
                            ("discussion", "Professional discussion"),
                        ],
                        max_length=20,
                    ),
                ),
                ("grade", models.CharField(blank=True, max_length=12)),
                ("n", models.IntegerField(default=0)),
                (
                    "assessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "epao",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="decisioncount",
            constraint=models.UniqueConstraint(
                fields=("epao", "assessor", "method", "grade"), name="one_decision_count"
            ),
        ),
        migrations.RunPython(count_and_keep_counting, stop_counting),
    ]
