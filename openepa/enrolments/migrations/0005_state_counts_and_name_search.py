"""Counts by state kept by the database (StateCount, moved by triggers on every insert,
delete or change of state of an enrolment, on SQLite and PostgreSQL), the indexes the
pipeline's keyset pages and filters read, and, on PostgreSQL only, trigram indexes for the
name search (pg_trgm). SQLite searches the same way without them."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Count

#: The counts move with every enrolment written, in the writing transaction.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER enrolment_state_count_insert AFTER INSERT ON enrolments_enrolment
    BEGIN
        INSERT INTO enrolments_statecount (epao_id, state, n) VALUES (NEW.epao_id, NEW.state, 1)
        ON CONFLICT (epao_id, state) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER enrolment_state_count_delete AFTER DELETE ON enrolments_enrolment
    BEGIN
        UPDATE enrolments_statecount SET n = n - 1
        WHERE epao_id = OLD.epao_id AND state = OLD.state;
    END
    """,
    """
    CREATE TRIGGER enrolment_state_count_update AFTER UPDATE OF state, epao_id
    ON enrolments_enrolment
    WHEN OLD.state != NEW.state OR OLD.epao_id != NEW.epao_id
    BEGIN
        UPDATE enrolments_statecount SET n = n - 1
        WHERE epao_id = OLD.epao_id AND state = OLD.state;
        INSERT INTO enrolments_statecount (epao_id, state, n) VALUES (NEW.epao_id, NEW.state, 1)
        ON CONFLICT (epao_id, state) DO UPDATE SET n = n + 1;
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS enrolment_state_count_insert",
    "DROP TRIGGER IF EXISTS enrolment_state_count_delete",
    "DROP TRIGGER IF EXISTS enrolment_state_count_update",
]

#: PostgreSQL: one function for the three events. A change of state moves two counts; they
#: are always locked in the same order (by state, then EPAO), so two concurrent transitions
#: in opposite directions wait for each other instead of deadlocking.
POSTGRESQL_TRIGGERS = [
    """
    CREATE OR REPLACE FUNCTION enrolment_state_count() RETURNS trigger AS $$
    DECLARE
        old_first boolean;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO enrolments_statecount (epao_id, state, n)
            VALUES (NEW.epao_id, NEW.state, 1)
            ON CONFLICT (epao_id, state) DO UPDATE SET n = enrolments_statecount.n + 1;
            RETURN NEW;
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE enrolments_statecount SET n = n - 1
            WHERE epao_id = OLD.epao_id AND state = OLD.state;
            RETURN OLD;
        END IF;
        IF OLD.state = NEW.state AND OLD.epao_id = NEW.epao_id THEN
            RETURN NEW;
        END IF;
        old_first := (OLD.state, OLD.epao_id) < (NEW.state, NEW.epao_id);
        IF old_first THEN
            UPDATE enrolments_statecount SET n = n - 1
            WHERE epao_id = OLD.epao_id AND state = OLD.state;
        END IF;
        INSERT INTO enrolments_statecount (epao_id, state, n)
        VALUES (NEW.epao_id, NEW.state, 1)
        ON CONFLICT (epao_id, state) DO UPDATE SET n = enrolments_statecount.n + 1;
        IF NOT old_first THEN
            UPDATE enrolments_statecount SET n = n - 1
            WHERE epao_id = OLD.epao_id AND state = OLD.state;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER enrolment_state_count
    AFTER INSERT OR DELETE OR UPDATE OF state, epao_id ON enrolments_enrolment
    FOR EACH ROW EXECUTE FUNCTION enrolment_state_count()
    """,
    # Name search: "contains" on either name uses these (Django's own index on the ULN,
    # with varchar_pattern_ops, serves "starts with").
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS apprentice_given_name_trgm ON enrolments_apprentice
    USING gin (UPPER(given_name::text) gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS apprentice_family_name_trgm ON enrolments_apprentice
    USING gin (UPPER(family_name::text) gin_trgm_ops)""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS enrolment_state_count ON enrolments_enrolment",
    "DROP FUNCTION IF EXISTS enrolment_state_count()",
    "DROP INDEX IF EXISTS apprentice_given_name_trgm",
    "DROP INDEX IF EXISTS apprentice_family_name_trgm",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def count_and_keep_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Count the enrolments there are, then add the triggers that keep the counts."""
    Enrolment = apps.get_model("enrolments", "Enrolment")
    StateCount = apps.get_model("enrolments", "StateCount")
    rows = Enrolment.objects.order_by().values_list("epao_id", "state").annotate(n=Count("pk"))
    StateCount.objects.bulk_create(
        StateCount(epao_id=epao, state=state, n=n) for epao, state, n in rows
    )
    _run(schema_editor, {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS})


def stop_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("enrolments", "0004_english_and_maths_in_training_plan_apart"),
        ("organisations", "0002_addresses_and_references"),
        ("reference", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("registered", "Registered"),
                            ("gateway_submitted", "Gateway submitted"),
                            ("gateway_rejected", "Gateway rejected"),
                            ("gateway_accepted", "Gateway accepted"),
                            ("planning", "Planning"),
                            ("in_assessment", "In assessment"),
                            ("awaiting_results", "Awaiting results"),
                            ("results_issued", "Results issued"),
                            ("resit_due", "Resit or retake due"),
                            ("completed", "Completed"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        max_length=30,
                    ),
                ),
                ("n", models.IntegerField(default=0)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="apprentice",
            name="enrolments__family__980dcd_idx",
        ),
        migrations.AddIndex(
            model_name="apprentice",
            index=models.Index(
                fields=["family_name", "given_name", "id"], name="enrolments__family__f63c50_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(
                fields=["epao", "employer", "state"], name="enrolments__epao_id_b37e3b_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(
                fields=["epao", "provider", "state"], name="enrolments__epao_id_c9e679_idx"
            ),
        ),
        migrations.AddField(
            model_name="statecount",
            name="epao",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="statecount",
            constraint=models.UniqueConstraint(
                fields=("epao", "state"), name="one_count_per_epao_state"
            ),
        ),
        migrations.RunPython(count_and_keep_counting, stop_counting),
    ]
