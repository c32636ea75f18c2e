"""The apprentice's names copied onto each enrolment (`family_name_copy`,
`given_name_copy`) and kept equal by the database, on SQLite and PostgreSQL: set on every
insert of an enrolment, again when its apprentice or the copies are written (so a save
from a stale object in memory cannot leave them wrong), and moved when an apprentice's
names change. On PostgreSQL, trigram indexes serve "contains" on the copies, as migration
0005's serve it on the apprentice's names."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

_COPY_SQLITE = """
    UPDATE enrolments_enrolment SET
        family_name_copy = (SELECT family_name FROM enrolments_apprentice
                            WHERE id = NEW.apprentice_id),
        given_name_copy = (SELECT given_name FROM enrolments_apprentice
                           WHERE id = NEW.apprentice_id)
    WHERE id = NEW.id;
"""

# SQLite's triggers do not fire themselves again (recursive_triggers is off), so the
# UPDATE inside each one does not loop.
SQLITE = [
    f"""
    CREATE TRIGGER enrolment_name_copy_insert AFTER INSERT ON enrolments_enrolment
    BEGIN {_COPY_SQLITE} END
    """,
    f"""
    CREATE TRIGGER enrolment_name_copy_update
    AFTER UPDATE OF apprentice_id, family_name_copy, given_name_copy ON enrolments_enrolment
    BEGIN {_COPY_SQLITE} END
    """,
    """
    CREATE TRIGGER apprentice_name_copies AFTER UPDATE OF given_name, family_name
    ON enrolments_apprentice
    BEGIN
        UPDATE enrolments_enrolment
        SET family_name_copy = NEW.family_name, given_name_copy = NEW.given_name
        WHERE apprentice_id = NEW.id;
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS enrolment_name_copy_insert",
    "DROP TRIGGER IF EXISTS enrolment_name_copy_update",
    "DROP TRIGGER IF EXISTS apprentice_name_copies",
]

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION enrolment_name_copy() RETURNS trigger AS $$
    BEGIN
        SELECT family_name, given_name INTO NEW.family_name_copy, NEW.given_name_copy
        FROM enrolments_apprentice WHERE id = NEW.apprentice_id;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER enrolment_name_copy
    BEFORE INSERT OR UPDATE OF apprentice_id, family_name_copy, given_name_copy
    ON enrolments_enrolment
    FOR EACH ROW EXECUTE FUNCTION enrolment_name_copy()
    """,
    """
    CREATE OR REPLACE FUNCTION apprentice_name_copies() RETURNS trigger AS $$
    BEGIN
        UPDATE enrolments_enrolment
        SET family_name_copy = NEW.family_name, given_name_copy = NEW.given_name
        WHERE apprentice_id = NEW.id;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER apprentice_name_copies
    AFTER UPDATE OF given_name, family_name ON enrolments_apprentice
    FOR EACH ROW
    WHEN (OLD.given_name IS DISTINCT FROM NEW.given_name
          OR OLD.family_name IS DISTINCT FROM NEW.family_name)
    EXECUTE FUNCTION apprentice_name_copies()
    """,
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS enrolment_given_name_copy_trgm ON enrolments_enrolment
    USING gin (UPPER(given_name_copy::text) gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS enrolment_family_name_copy_trgm ON enrolments_enrolment
    USING gin (UPPER(family_name_copy::text) gin_trgm_ops)""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS enrolment_name_copy ON enrolments_enrolment",
    "DROP FUNCTION IF EXISTS enrolment_name_copy()",
    "DROP TRIGGER IF EXISTS apprentice_name_copies ON enrolments_apprentice",
    "DROP FUNCTION IF EXISTS apprentice_name_copies()",
    "DROP INDEX IF EXISTS enrolment_given_name_copy_trgm",
    "DROP INDEX IF EXISTS enrolment_family_name_copy_trgm",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def copy_and_keep_copying(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Copy the names of every enrolment there is, then add the triggers that keep them."""
    Enrolment = apps.get_model("enrolments", "Enrolment")
    Apprentice = apps.get_model("enrolments", "Apprentice")
    of_apprentice = Apprentice.objects.filter(pk=models.OuterRef("apprentice_id"))
    Enrolment.objects.update(
        family_name_copy=models.Subquery(of_apprentice.values("family_name")[:1]),
        given_name_copy=models.Subquery(of_apprentice.values("given_name")[:1]),
    )
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def stop_copying(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("enrolments", "0010_pages_journey_actor_index"),
    ]

    # The columns by plain ALTER TABLE on both databases: Django's AddField with a default
    # remakes the whole table on SQLite, which breaks the other tables' triggers that name it.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE enrolments_enrolment ADD COLUMN {column} varchar(100)"
                    " NOT NULL DEFAULT ''",
                    f"ALTER TABLE enrolments_enrolment DROP COLUMN {column}",
                )
                for column in ("family_name_copy", "given_name_copy")
            ],
            state_operations=[
                migrations.AddField(
                    model_name="enrolment",
                    name=column,
                    field=models.CharField(default="", editable=False, max_length=100),
                )
                for column in ("family_name_copy", "given_name_copy")
            ],
        ),
        migrations.RunPython(copy_and_keep_copying, stop_copying),
    ]
