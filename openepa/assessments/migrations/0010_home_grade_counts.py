"""The admin home's grade charts read counts the database keeps (GradeCount: graded sheets
by EPAO, month of assessment, method and grade; AssessorYear: each assessor's graded sheets
over each twelve-month window, by grade), moved by triggers on the marking sheets with
every insert, delete or change, on SQLite and PostgreSQL, as DecisionCount's are (0009).
The charts then read a few small rows instead of counting a year of sheets per request.

The counts of the sheets there are are written first, then the triggers added, in the
migration's transaction. On SQLite the triggers read enrolments_enrolment: a later
migration that rebuilds that table on SQLite must drop them first and add them back after
(SQLITE_DROP, SQLITE_TRIGGERS), as 0009 says of its own."""

from collections import defaultdict
from datetime import date

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

#: A sheet is charted when submitted, graded and not a discussion follow-up
#: (openepa.assessments.models.CHARTED).
_IS = (
    "{row}.status = 'submitted' AND {row}.kind <> 'follow_up' "
    "AND {row}.method_grade IN ('fail', 'pass', 'distinction')"
)
OLD_IS = _IS.format(row="OLD")
NEW_IS = _IS.format(row="NEW")
#: The columns whose change may move a count.
WATCHED = "status, kind, method_grade, assessor_id, method, enrolment_id, assessed_on"
#: The twelve windows a month counts in: m + 0 … m + 11 months.
_TWELVE = " UNION ALL ".join(f"SELECT {i} AS i" for i in range(12))


def _sqlite_move(row: str, sign: str) -> list[str]:
    """SQLite statements adding `sign` 1 to the counts of the sheet `row` (OLD or NEW)."""
    month = f"date({row}.assessed_on, 'start of month')"
    grade = f"{row}.method_grade"
    return [
        f"""
        INSERT INTO assessments_gradecount (epao_id, month, method, grade, n)
        SELECT epao_id, {month}, {row}.method, {grade}, {sign}1
        FROM enrolments_enrolment WHERE id = {row}.enrolment_id
        ON CONFLICT (epao_id, month, method, grade) DO UPDATE SET n = n + excluded.n;
        """,
        f"""
        INSERT INTO assessments_assessoryear
            (epao_id, assessor_id, year_to, n, fail, passed, distinction)
        SELECT e.epao_id, {row}.assessor_id,
            date({row}.assessed_on, 'start of month', '+' || w.i || ' months'), {sign}1,
            CASE WHEN {grade} = 'fail' THEN {sign}1 ELSE 0 END,
            CASE WHEN {grade} = 'pass' THEN {sign}1 ELSE 0 END,
            CASE WHEN {grade} = 'distinction' THEN {sign}1 ELSE 0 END
        FROM enrolments_enrolment e, ({_TWELVE}) w WHERE e.id = {row}.enrolment_id
        ON CONFLICT (epao_id, assessor_id, year_to) DO UPDATE SET
            n = n + excluded.n, fail = fail + excluded.fail,
            passed = passed + excluded.passed, distinction = distinction + excluded.distinction;
        """,
    ]


def _sqlite_triggers() -> list[str]:
    old, new = "".join(_sqlite_move("OLD", "-")), "".join(_sqlite_move("NEW", ""))
    return [
        f"""
        CREATE TRIGGER grade_count_insert AFTER INSERT ON assessments_attempt
        WHEN {NEW_IS}
        BEGIN {new} END
        """,
        f"""
        CREATE TRIGGER grade_count_delete AFTER DELETE ON assessments_attempt
        WHEN {OLD_IS}
        BEGIN {old} END
        """,
        # A change is two triggers, the old sheet's counts taken back, then the new one's
        # added: SQLite has no IF inside a trigger, only WHEN on the whole trigger.
        f"""
        CREATE TRIGGER grade_count_update_old AFTER UPDATE OF {WATCHED} ON assessments_attempt
        WHEN {OLD_IS}
        BEGIN {old} END
        """,
        f"""
        CREATE TRIGGER grade_count_update_new AFTER UPDATE OF {WATCHED} ON assessments_attempt
        WHEN {NEW_IS}
        BEGIN {new} END
        """,
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS grade_count_insert",
    "DROP TRIGGER IF EXISTS grade_count_delete",
    "DROP TRIGGER IF EXISTS grade_count_update_old",
    "DROP TRIGGER IF EXISTS grade_count_update_new",
]

#: PostgreSQL: a function moving one sheet's counts, and one trigger function for the three
#: events. A change moves two sets of counts; they are always taken in key order, so two
#: concurrent amendments in opposite directions wait for each other instead of deadlocking.
POSTGRESQL_TRIGGERS = [
    """
    CREATE OR REPLACE FUNCTION assessments_grade_count_move(
        p_epao bigint, p_assessor bigint, p_month date, p_method text, p_grade text, d integer
    ) RETURNS void AS $$
    BEGIN
        INSERT INTO assessments_gradecount (epao_id, month, method, grade, n)
        VALUES (p_epao, p_month, p_method, p_grade, d)
        ON CONFLICT (epao_id, month, method, grade)
        DO UPDATE SET n = assessments_gradecount.n + EXCLUDED.n;
        INSERT INTO assessments_assessoryear
            (epao_id, assessor_id, year_to, n, fail, passed, distinction)
        SELECT p_epao, p_assessor, (p_month + make_interval(months => i))::date, d,
            CASE WHEN p_grade = 'fail' THEN d ELSE 0 END,
            CASE WHEN p_grade = 'pass' THEN d ELSE 0 END,
            CASE WHEN p_grade = 'distinction' THEN d ELSE 0 END
        FROM generate_series(0, 11) AS i
        ON CONFLICT (epao_id, assessor_id, year_to) DO UPDATE SET
            n = assessments_assessoryear.n + EXCLUDED.n,
            fail = assessments_assessoryear.fail + EXCLUDED.fail,
            passed = assessments_assessoryear.passed + EXCLUDED.passed,
            distinction = assessments_assessoryear.distinction + EXCLUDED.distinction;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION assessments_grade_count() RETURNS trigger AS $$
    DECLARE
        old_counts boolean := false;
        new_counts boolean := false;
        old_epao bigint;
        new_epao bigint;
        old_month date;
        new_month date;
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
            old_month := date_trunc('month', OLD.assessed_on)::date;
        END IF;
        IF new_counts THEN
            SELECT epao_id INTO new_epao FROM enrolments_enrolment WHERE id = NEW.enrolment_id;
            new_month := date_trunc('month', NEW.assessed_on)::date;
        END IF;
        IF old_counts AND new_counts
           AND (old_epao, old_month, OLD.method, OLD.method_grade, OLD.assessor_id)
             = (new_epao, new_month, NEW.method, NEW.method_grade, NEW.assessor_id) THEN
            RETURN NULL;
        END IF;
        old_first := NOT new_counts
            OR (old_epao, old_month, OLD.method, OLD.method_grade, OLD.assessor_id)
             < (new_epao, new_month, NEW.method, NEW.method_grade, NEW.assessor_id);
        IF old_counts AND old_first THEN
            PERFORM assessments_grade_count_move(
                old_epao, OLD.assessor_id, old_month, OLD.method, OLD.method_grade, -1);
        END IF;
        IF new_counts THEN
            PERFORM assessments_grade_count_move(
                new_epao, NEW.assessor_id, new_month, NEW.method, NEW.method_grade, 1);
        END IF;
        IF old_counts AND NOT old_first THEN
            PERFORM assessments_grade_count_move(
                old_epao, OLD.assessor_id, old_month, OLD.method, OLD.method_grade, -1);
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER assessments_grade_count
    AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON assessments_attempt
    FOR EACH ROW EXECUTE FUNCTION assessments_grade_count()
    """,
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS assessments_grade_count ON assessments_attempt",
    "DROP FUNCTION IF EXISTS assessments_grade_count()",
    "DROP FUNCTION IF EXISTS assessments_grade_count_move(bigint, bigint, date, text, text, integer)",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def count_and_keep_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Count the graded sheets there are (one grouped query; the twelve windows summed
    here), then add the triggers that keep the counts."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    Attempt = apps.get_model("assessments", "Attempt")
    GradeCount = apps.get_model("assessments", "GradeCount")
    AssessorYear = apps.get_model("assessments", "AssessorYear")
    rows = (
        Attempt.objects.filter(status="submitted", method_grade__in=("fail", "pass", "distinction"))
        .exclude(kind="follow_up")
        .annotate(month=TruncMonth("assessed_on"))
        .order_by()
        .values_list("enrolment__epao_id", "assessor_id", "month", "method", "method_grade")
        .annotate(n=Count("pk"))
    )
    by_method: dict[tuple[int, date, str, str], int] = defaultdict(int)
    years: dict[tuple[int, int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for epao, assessor, month, method, grade, n in rows:
        by_method[epao, month, method, grade] += n
        for i in range(12):
            index = month.year * 12 + month.month - 1 + i
            year = years[epao, assessor, month.replace(year=index // 12, month=index % 12 + 1)]
            year["n"] += n
            year["passed" if grade == "pass" else grade] += n
    GradeCount.objects.bulk_create(
        (
            GradeCount(epao_id=e, month=m, method=k, grade=g, n=n)
            for (e, m, k, g), n in by_method.items()
        ),
        batch_size=5000,
    )
    AssessorYear.objects.bulk_create(
        (AssessorYear(epao_id=e, assessor_id=a, year_to=y, **c) for (e, a, y), c in years.items()),
        batch_size=5000,
    )
    _run(schema_editor, {"sqlite": _sqlite_triggers(), "postgresql": POSTGRESQL_TRIGGERS})


def stop_counting(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_report_decision_counts"),
        ("enrolments", "0009_merge_exports"),
        ("organisations", "0002_addresses_and_references"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AssessorYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year_to", models.DateField()),
                ("n", models.IntegerField(default=0)),
                ("fail", models.IntegerField(default=0)),
                ("passed", models.IntegerField(default=0)),
                ("distinction", models.IntegerField(default=0)),
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
            options={
                "indexes": [
                    models.Index(
                        fields=["epao", "year_to", "-n", "assessor"], name="assessor_year_busiest"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("epao", "assessor", "year_to"), name="one_assessor_year"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="GradeCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
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
                ("grade", models.CharField(max_length=12)),
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
                        fields=("epao", "month", "method", "grade"), name="one_grade_count"
                    )
                ],
            },
        ),
        migrations.RunPython(count_and_keep_counting, stop_counting),
    ]
