"""The latest standardisation each assessor profile attended (LastStandardised), kept by the
database: triggers on the profiles, the attendances and the events set it with every write,
on SQLite and PostgreSQL. The admin home's list of assessors whose standardisation lapses
then reads one index range instead of every assessor's attendances. Every profile there is
gets its row first (its latest attended event), then the triggers are added."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

#: The latest attended event of a profile (`{profile}`: the profile's id expression).
_LATEST = """(
    SELECT MAX(e.held_on) FROM assessors_attendance AS a
    JOIN assessors_standardisationevent AS e ON e.id = a.event_id
    WHERE a.profile_id = {profile} AND a.attended
)"""


def _set(profiles: str) -> str:
    """Set the kept date of the profiles whose ids `profiles` (a SELECT or a list) gives."""
    return f"""
        UPDATE assessors_laststandardised
        SET held_on = {_LATEST.format(profile="assessors_laststandardised.profile_id")}
        WHERE profile_id IN ({profiles});
    """


_NEW_PROFILE = """
    INSERT INTO assessors_laststandardised (profile_id, epao_id, user_id, held_on)
    VALUES (NEW.id, NEW.epao_id, NEW.user_id, NULL);
"""
_MOVED_PROFILE = """
    UPDATE assessors_laststandardised SET epao_id = NEW.epao_id, user_id = NEW.user_id
    WHERE profile_id = NEW.id;
"""
_GONE_PROFILE = "DELETE FROM assessors_laststandardised WHERE profile_id = OLD.id;"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER last_standardised_profile AFTER INSERT ON assessors_assessorprofile "
    f"BEGIN {_NEW_PROFILE} END",
    f"CREATE TRIGGER last_standardised_profile_moved AFTER UPDATE OF epao_id, user_id "
    f"ON assessors_assessorprofile BEGIN {_MOVED_PROFILE} END",
    f"CREATE TRIGGER last_standardised_profile_gone AFTER DELETE ON assessors_assessorprofile "
    f"BEGIN {_GONE_PROFILE} END",
    f"CREATE TRIGGER last_standardised_attendance_insert AFTER INSERT ON assessors_attendance "
    f"BEGIN {_set('NEW.profile_id')} END",
    f"CREATE TRIGGER last_standardised_attendance_update AFTER UPDATE OF attended, event_id, "
    f"profile_id ON assessors_attendance BEGIN {_set('OLD.profile_id, NEW.profile_id')} END",
    f"CREATE TRIGGER last_standardised_attendance_delete AFTER DELETE ON assessors_attendance "
    f"BEGIN {_set('OLD.profile_id')} END",
    f"CREATE TRIGGER last_standardised_event AFTER UPDATE OF held_on "
    f"ON assessors_standardisationevent BEGIN "
    f"{_set('SELECT profile_id FROM assessors_attendance WHERE event_id = NEW.id')} END",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS last_standardised_{name}"
    for name in (
        "profile",
        "profile_moved",
        "profile_gone",
        "attendance_insert",
        "attendance_update",
        "attendance_delete",
        "event",
    )
]


def _function(name: str, body: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        {body}
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """


POSTGRESQL_TRIGGERS = [
    _function(
        "last_standardised_profile",
        f"""
        IF TG_OP = 'INSERT' THEN {_NEW_PROFILE}
        ELSIF TG_OP = 'UPDATE' THEN {_MOVED_PROFILE}
        ELSE {_GONE_PROFILE}
        END IF;
        """,
    ),
    """
    CREATE TRIGGER last_standardised_profile
    AFTER INSERT OR DELETE OR UPDATE OF epao_id, user_id ON assessors_assessorprofile
    FOR EACH ROW EXECUTE FUNCTION last_standardised_profile()
    """,
    _function(
        "last_standardised_attendance",
        f"""
        IF TG_OP = 'INSERT' THEN {_set("NEW.profile_id")}
        ELSIF TG_OP = 'UPDATE' THEN {_set("OLD.profile_id, NEW.profile_id")}
        ELSE {_set("OLD.profile_id")}
        END IF;
        """,
    ),
    """
    CREATE TRIGGER last_standardised_attendance
    AFTER INSERT OR DELETE OR UPDATE OF attended, event_id, profile_id ON assessors_attendance
    FOR EACH ROW EXECUTE FUNCTION last_standardised_attendance()
    """,
    _function(
        "last_standardised_event",
        f"""
        IF OLD.held_on IS DISTINCT FROM NEW.held_on THEN
            {_set("SELECT profile_id FROM assessors_attendance WHERE event_id = NEW.id")}
        END IF;
        """,
    ),
    """
    CREATE TRIGGER last_standardised_event
    AFTER UPDATE OF held_on ON assessors_standardisationevent
    FOR EACH ROW EXECUTE FUNCTION last_standardised_event()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS last_standardised_profile ON assessors_assessorprofile",
    "DROP TRIGGER IF EXISTS last_standardised_attendance ON assessors_attendance",
    "DROP TRIGGER IF EXISTS last_standardised_event ON assessors_standardisationevent",
    "DROP FUNCTION IF EXISTS last_standardised_profile()",
    "DROP FUNCTION IF EXISTS last_standardised_attendance()",
    "DROP FUNCTION IF EXISTS last_standardised_event()",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def keep(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Every profile's latest attended standardisation (one grouped query), then the
    triggers that keep it."""
    from django.db.models import Max

    AssessorProfile = apps.get_model("assessors", "AssessorProfile")
    Attendance = apps.get_model("assessors", "Attendance")
    LastStandardised = apps.get_model("assessors", "LastStandardised")
    latest = dict(
        Attendance.objects.filter(attended=True)
        .order_by()
        .values_list("profile_id")
        .annotate(last=Max("event__held_on"))
    )
    LastStandardised.objects.bulk_create(
        (
            LastStandardised(profile_id=p, epao_id=e, user_id=u, held_on=latest.get(p))
            for p, e, u in AssessorProfile.objects.values_list("id", "epao_id", "user_id")
        ),
        batch_size=5000,
    )
    _run(schema_editor, {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS})


def unkeep(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("assessors", "0003_exports_audit_index"),
        ("organisations", "0002_addresses_and_references"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LastStandardised",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("held_on", models.DateField(blank=True, null=True)),
                (
                    "epao",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisations.organisation",
                    ),
                ),
                (
                    "profile",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessors.assessorprofile",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["epao", "held_on"], name="last_standardised_by_epao")
                ],
            },
        ),
        migrations.RunPython(keep, unkeep),
    ]
