"""Open IQA samples counted by EPAO and local day sampled (OpenSampleCount), kept by the
database: triggers on the samples move the counts with every insert, delete or change, on
SQLite and PostgreSQL. The admin home's figure (how many wait, and the oldest day) then
reads a row per day instead of counting every open sample. On SQLite the triggers read
assessments_attempt and enrolments_enrolment (see assessments 0009 on rebuilding them)."""

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def SPEC() -> dict[str, str]:
    """Open IQA samples (queued, in review) by EPAO and the local day sampled
    (settings.TIME_ZONE when this migration ran; on SQLite through Django's own function)."""
    zone = settings.TIME_ZONE
    return {
        "name": "quality_open_sample_count",
        "table": "quality_iqasample",
        "target": "quality_opensamplecount",
        "key": "sampled_on",
        "watched": "state, sampled_at, attempt_id",
        "cond": "{row}.state IN ('queued', 'in_review')",
        "source": "assessments_attempt AS a JOIN enrolments_enrolment AS e ON e.id = a.enrolment_id",
        "link": "a.id = {row}.attempt_id",
        "epao": "e.epao_id",
        "sqlite_day": "django_datetime_cast_date({row}.sampled_at, '" + zone + "', 'UTC')",
        "postgresql_day": "({row}.sampled_at AT TIME ZONE '" + zone + "')::date",
    }


def backfill(apps: Apps) -> None:
    from django.db.models import Count, DateField
    from django.db.models.functions import TruncDate

    IqaSample = apps.get_model("quality", "IqaSample")
    OpenSampleCount = apps.get_model("quality", "OpenSampleCount")
    rows = (
        IqaSample.objects.filter(state__in=("queued", "in_review"))
        .annotate(day=TruncDate("sampled_at", output_field=DateField()))
        .order_by()
        .values_list("attempt__enrolment__epao_id", "day")
        .annotate(n=Count("pk"))
    )
    OpenSampleCount.objects.bulk_create(
        (OpenSampleCount(epao_id=e, sampled_on=d, n=n) for e, d, n in rows), batch_size=5000
    )


# A count by EPAO and day of the rows meeting a condition, kept by triggers (the same
# pattern as the other kept counts; written out here so the migration stays as it ran).


def _sqlite_move(spec: dict[str, str], row: str, sign: str) -> str:
    r = spec
    return f"""
        INSERT INTO {r["target"]} (epao_id, {r["key"]}, n)
        SELECT {r["epao"]}, {r["sqlite_day"].format(row=row)}, {sign}1
        FROM {r["source"]} WHERE {r["link"].format(row=row)} AND {r["cond"].format(row=row)}
        ON CONFLICT (epao_id, {r["key"]}) DO UPDATE SET n = n + excluded.n;
    """


def sqlite_triggers(spec: dict[str, str]) -> list[str]:
    name, table, watched = spec["name"], spec["table"], spec["watched"]
    new, old = _sqlite_move(spec, "NEW", ""), _sqlite_move(spec, "OLD", "-")
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {new} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {old} END",
        # A change: the old row's count taken back, the new one's added (two triggers:
        # SQLite has no IF inside one; the order does not matter to the sums).
        f"CREATE TRIGGER {name}_update_old AFTER UPDATE OF {watched} ON {table} BEGIN {old} END",
        f"CREATE TRIGGER {name}_update_new AFTER UPDATE OF {watched} ON {table} BEGIN {new} END",
    ]


def sqlite_drop(spec: dict[str, str]) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {spec['name']}_{event}"
        for event in ("insert", "delete", "update_old", "update_new")
    ]


def postgresql_triggers(spec: dict[str, str]) -> list[str]:
    """One function: a change moves at most two counts, taken in key order so concurrent
    changes in opposite directions wait for each other instead of deadlocking."""
    r = spec
    move = f"""
            INSERT INTO {r["target"]} (epao_id, {r["key"]}, n) VALUES ({{epao}}, {{day}}, {{d}})
            ON CONFLICT (epao_id, {r["key"]}) DO UPDATE SET n = {r["target"]}.n + EXCLUDED.n;
    """
    return [
        f"""
        CREATE OR REPLACE FUNCTION {r["name"]}() RETURNS trigger AS $$
        DECLARE
            old_epao bigint;
            new_epao bigint;
            old_day date;
            new_day date;
            old_in boolean := false;
            new_in boolean := false;
        BEGIN
            IF TG_OP <> 'INSERT' AND {r["cond"].format(row="OLD")} THEN
                SELECT {r["epao"]}, {r["postgresql_day"].format(row="OLD")} INTO old_epao, old_day
                FROM {r["source"]} WHERE {r["link"].format(row="OLD")};
                old_in := old_epao IS NOT NULL;
            END IF;
            IF TG_OP <> 'DELETE' AND {r["cond"].format(row="NEW")} THEN
                SELECT {r["epao"]}, {r["postgresql_day"].format(row="NEW")} INTO new_epao, new_day
                FROM {r["source"]} WHERE {r["link"].format(row="NEW")};
                new_in := new_epao IS NOT NULL;
            END IF;
            IF old_in AND new_in AND (old_epao, old_day) = (new_epao, new_day) THEN
                RETURN NULL;
            END IF;
            IF old_in AND (NOT new_in OR (old_epao, old_day) < (new_epao, new_day)) THEN
                {move.format(epao="old_epao", day="old_day", d="-1")}
                old_in := false;
            END IF;
            IF new_in THEN
                {move.format(epao="new_epao", day="new_day", d="1")}
            END IF;
            IF old_in THEN
                {move.format(epao="old_epao", day="old_day", d="-1")}
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER {r["name"]}
        AFTER INSERT OR DELETE OR UPDATE OF {r["watched"]} ON {r["table"]}
        FOR EACH ROW EXECUTE FUNCTION {r["name"]}()
        """,
    ]


def postgresql_drop(spec: dict[str, str]) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {spec['name']} ON {spec['table']}",
        f"DROP FUNCTION IF EXISTS {spec['name']}()",
    ]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def _counted(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Count the rows there are, then add the triggers that keep the counts."""
    spec = SPEC()
    backfill(apps)
    _run(
        schema_editor,
        {"sqlite": sqlite_triggers(spec), "postgresql": postgresql_triggers(spec)},
    )


def _uncounted(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    spec = SPEC()
    _run(schema_editor, {"sqlite": sqlite_drop(spec), "postgresql": postgresql_drop(spec)})


class Migration(migrations.Migration):
    dependencies = [
        ("enrolments", "0009_merge_exports"),
        ("assessments", "0010_home_grade_counts"),
        ("organisations", "0002_addresses_and_references"),
        ("quality", "0003_home_open_samples_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenSampleCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sampled_on", models.DateField()),
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
                        fields=("epao", "sampled_on"), name="one_open_sample_count"
                    )
                ],
            },
        ),
        migrations.RunPython(_counted, _uncounted),
    ]
