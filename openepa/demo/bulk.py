"""PostgreSQL bulk load for the fast demo (openepa.demo.volume): millions of copied rows
are written the way a bulk load should be, inside the copy's one transaction.

Measured at 20,000 and 100,000 apprentices (see the volume build's notes), the rows' writes
were not the cost; what every row dragged along was:

- **Foreign-key checks.** Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: each
  copied row queues one check per key, and millions of single-row index lookups ran at
  COMMIT. Here each copied table's foreign keys are dropped before the copy and added back
  after it with their exact definition (`pg_get_constraintdef`): adding a foreign key
  checks every existing row in one set-based join, so every row is still proven to point
  at a row that exists, before the transaction commits. (`session_replication_role =
  replica` would skip the checks without proving anything, so it is not used.)
- **The kept counts.** Triggers move StateCount on every enrolment written, DecisionCount,
  GradeCount and AssessorYear on every marking sheet, DueCount and TurnaroundCount on every
  result, OpenCaseCount on every case and OpenSampleCount on every IQA sample (one upsert of the same few rows per copied row, twelve for AssessorYear), ReadyResult on every
  result, export and service record.
  They are disabled for the copy and the copies' counts are added once, grouped, by the
  same transaction; the triggers are enabled again before the commit, so every later write
  is counted as before.
- **Secondary indexes.** Indexes that back no constraint are dropped and built again from
  their definition after the copy (one sorted build instead of a million inserts each);
  primary keys and unique constraints stay, so duplicates are still refused row by row.

All of it is DDL inside the copy's transaction: an interrupted copy rolls it back with the
rows, and other sessions wait on the tables' locks rather than seeing them without keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models
from django.db.backends.utils import CursorWrapper

#: The trigger of migration enrolments 0005 that keeps StateCount.
STATE_COUNT_TRIGGER = "enrolment_state_count"
#: The trigger of migration assessments 0009 that keeps DecisionCount.
DECISION_COUNT_TRIGGER = "assessments_decision_count"
#: The trigger of migration assessments 0010 that keeps GradeCount and AssessorYear.
GRADE_COUNT_TRIGGER = "assessments_grade_count"
#: The trigger of migration results 0006 that keeps DueCount and TurnaroundCount.
RESULT_COUNTS_TRIGGER = "results_counts"
#: The triggers of migrations cases 0004 and quality 0004 that keep OpenCaseCount and
#: OpenSampleCount.
OPEN_CASE_TRIGGER = "cases_open_count"
OPEN_SAMPLE_TRIGGER = "quality_open_sample_count"
#: The triggers of migration certificates 0004 that keep ReadyResult (what waits to be
#: exported or sent), on the results and on the exported and service records.
READY_RESULT_TRIGGER = "certificates_ready_result"
READY_EXPORTED_TRIGGER = "certificates_ready_exported"
READY_SERVICE_TRIGGER = "certificates_ready_service"
#: Memory for the index builds and foreign-key checks after the copy (this transaction only).
MAINTENANCE_MEMORY = "256MB"


@dataclass(frozen=True)
class Dropped:
    table: str
    name: str
    definition: str


@dataclass(frozen=True)
class KeptCount:
    """A count a trigger keeps over one copied table, and the statement that adds what the
    trigger would have added for the rows copied (ids above the one given); none when
    another table's statement adds it."""

    model: str
    trigger: str
    add: str


KEPT_COUNTS = (
    KeptCount(
        "enrolments.Enrolment",
        STATE_COUNT_TRIGGER,
        """
        INSERT INTO enrolments_statecount (epao_id, state, n)
        SELECT epao_id, state, COUNT(*) FROM enrolments_enrolment WHERE id > %s
        GROUP BY epao_id, state
        ON CONFLICT (epao_id, state) DO UPDATE SET n = enrolments_statecount.n + EXCLUDED.n
        """,
    ),
    KeptCount(
        "assessments.Attempt",
        DECISION_COUNT_TRIGGER,
        """
        INSERT INTO assessments_decisioncount (epao_id, assessor_id, method, grade, n)
        SELECT e.epao_id, a.assessor_id, a.method, a.method_grade, COUNT(*)
        FROM assessments_attempt a JOIN enrolments_enrolment e ON e.id = a.enrolment_id
        WHERE a.id > %s AND a.status = 'submitted' AND a.missed_reason = ''
          AND a.kind <> 'follow_up'
        GROUP BY e.epao_id, a.assessor_id, a.method, a.method_grade
        ON CONFLICT (epao_id, assessor_id, method, grade)
        DO UPDATE SET n = assessments_decisioncount.n + EXCLUDED.n
        """,
    ),
    # The admin home's grade charts: by month, method and grade; each assessor's twelve
    # months (a sheet of month m counts in the windows ending m, m + 1, … m + 11).
    KeptCount(
        "assessments.Attempt",
        GRADE_COUNT_TRIGGER,
        """
        INSERT INTO assessments_gradecount (epao_id, month, method, grade, n)
        SELECT e.epao_id, date_trunc('month', a.assessed_on)::date, a.method, a.method_grade,
            COUNT(*)
        FROM assessments_attempt a JOIN enrolments_enrolment e ON e.id = a.enrolment_id
        WHERE a.id > %s AND a.status = 'submitted' AND a.kind <> 'follow_up'
          AND a.method_grade IN ('fail', 'pass', 'distinction')
        GROUP BY 1, 2, 3, 4
        ON CONFLICT (epao_id, month, method, grade)
        DO UPDATE SET n = assessments_gradecount.n + EXCLUDED.n
        """,
    ),
    KeptCount(
        "assessments.Attempt",
        GRADE_COUNT_TRIGGER,
        """
        INSERT INTO assessments_assessoryear
            (epao_id, assessor_id, year_to, n, fail, passed, distinction)
        SELECT e.epao_id, a.assessor_id,
            (date_trunc('month', a.assessed_on) + make_interval(months => w.i))::date,
            COUNT(*), COUNT(*) FILTER (WHERE a.method_grade = 'fail'),
            COUNT(*) FILTER (WHERE a.method_grade = 'pass'),
            COUNT(*) FILTER (WHERE a.method_grade = 'distinction')
        FROM assessments_attempt a JOIN enrolments_enrolment e ON e.id = a.enrolment_id
        CROSS JOIN generate_series(0, 11) AS w(i)
        WHERE a.id > %s AND a.status = 'submitted' AND a.kind <> 'follow_up'
          AND a.method_grade IN ('fail', 'pass', 'distinction')
        GROUP BY 1, 2, 3
        ON CONFLICT (epao_id, assessor_id, year_to) DO UPDATE SET
            n = assessments_assessoryear.n + EXCLUDED.n,
            fail = assessments_assessoryear.fail + EXCLUDED.fail,
            passed = assessments_assessoryear.passed + EXCLUDED.passed,
            distinction = assessments_assessoryear.distinction + EXCLUDED.distinction
        """,
    ),
    # The admin home's results due by date, and time from gateway to result by month.
    KeptCount(
        "results.OverallResult",
        RESULT_COUNTS_TRIGGER,
        """
        INSERT INTO results_duecount (epao_id, due_on, n)
        SELECT e.epao_id, r.due_on, COUNT(*)
        FROM results_overallresult r JOIN enrolments_enrolment e ON e.id = r.enrolment_id
        WHERE r.id > %s AND r.released_at IS NULL AND r.superseded_at IS NULL
          AND r.due_on IS NOT NULL
        GROUP BY 1, 2
        ON CONFLICT (epao_id, due_on) DO UPDATE SET n = results_duecount.n + EXCLUDED.n
        """,
    ),
    KeptCount(
        "results.OverallResult",
        RESULT_COUNTS_TRIGGER,
        f"""
        INSERT INTO results_turnaroundcount (epao_id, month, days, n)
        SELECT epao_id, date_trunc('month', day)::date, day - gateway, COUNT(*)
        FROM (
            SELECT e.epao_id, e.gateway_accepted_on AS gateway,
                (r.released_at AT TIME ZONE '{settings.TIME_ZONE}')::date AS day
            FROM results_overallresult r JOIN enrolments_enrolment e ON e.id = r.enrolment_id
            WHERE r.id > %s AND r.released_at IS NOT NULL AND r.superseded_at IS NULL
              AND e.gateway_accepted_on IS NOT NULL
        ) AS released
        GROUP BY 1, 2, 3
        ON CONFLICT (epao_id, month, days)
        DO UPDATE SET n = results_turnaroundcount.n + EXCLUDED.n
        """,
    ),
    # The admin home's open enquiries and appeals by day raised, open IQA samples by day.
    KeptCount(
        "cases.Case",
        OPEN_CASE_TRIGGER,
        """
        INSERT INTO cases_opencasecount (epao_id, raised_on, n)
        SELECT e.epao_id, c.raised_on, COUNT(*)
        FROM cases_case c JOIN enrolments_enrolment e ON e.id = c.enrolment_id
        WHERE c.id > %s AND c.state IN ('received', 'under_review', 'upheld')
        GROUP BY 1, 2
        ON CONFLICT (epao_id, raised_on) DO UPDATE SET n = cases_opencasecount.n + EXCLUDED.n
        """,
    ),
    KeptCount(
        "quality.IqaSample",
        OPEN_SAMPLE_TRIGGER,
        f"""
        INSERT INTO quality_opensamplecount (epao_id, sampled_on, n)
        SELECT e.epao_id, (s.sampled_at AT TIME ZONE '{settings.TIME_ZONE}')::date, COUNT(*)
        FROM quality_iqasample s JOIN assessments_attempt a ON a.id = s.attempt_id
        JOIN enrolments_enrolment e ON e.id = a.enrolment_id
        WHERE s.id > %s AND s.state IN ('queued', 'in_review')
        GROUP BY 1, 2
        ON CONFLICT (epao_id, sampled_on)
        DO UPDATE SET n = quality_opensamplecount.n + EXCLUDED.n
        """,
    ),
    # What waits to be exported: the copied enrolments' rows, written once every copied
    # result, export and service record is in (set-based: the indexes are set aside).
    KeptCount(
        "results.OverallResult",
        READY_RESULT_TRIGGER,
        """
        INSERT INTO certificates_readyresult (enrolment_id, epao_id, result_id, grade)
        SELECT en.id, en.epao_id, r.id, r.grade
        FROM (
            SELECT DISTINCT ON (enrolment_id) id, enrolment_id, grade, superseded_at
            FROM results_overallresult
            WHERE released_at IS NOT NULL AND id > %s
            ORDER BY enrolment_id, released_at DESC, id DESC
        ) AS r
        JOIN enrolments_enrolment AS en ON en.id = r.enrolment_id
        WHERE en.state <> 'withdrawn' AND r.superseded_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM certificates_exportedrecord AS x WHERE x.result_id = r.id)
          AND NOT EXISTS (SELECT 1 FROM certificates_servicerecord AS s WHERE s.result_id = r.id)
        ON CONFLICT (enrolment_id) DO UPDATE SET
            epao_id = EXCLUDED.epao_id, result_id = EXCLUDED.result_id, grade = EXCLUDED.grade
        """,
    ),
    KeptCount("certificates.ExportedRecord", READY_EXPORTED_TRIGGER, ""),
    KeptCount("certificates.ServiceRecord", READY_SERVICE_TRIGGER, ""),
)


@contextmanager
def bulk_load(tables: Sequence[type[models.Model]], say: Callable[[str], None]) -> Iterator[None]:
    """Around the copy of `tables`' rows, in the caller's transaction: no per-row foreign
    key checks, kept-count triggers or secondary-index inserts; all restored (and the keys
    checked over every row) when the copy is done. Does nothing outside PostgreSQL."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [m._meta.db_table for m in tables]
    labels = {m._meta.label: m._meta.db_table for m in tables}
    with connection.cursor() as cursor:
        # Checks queued by the rows written so far (the new people) run now: a table with
        # pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_MEMORY}'")
        paused = [
            (kept, labels[kept.model], _max_id(cursor, labels[kept.model]))
            for kept in KEPT_COUNTS
            if kept.model in labels and _has_trigger(cursor, labels[kept.model], kept.trigger)
        ]
        keys = _drop_foreign_keys(cursor, names)
        indexes = _drop_indexes(cursor, names)
        for kept, table, _top in paused:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {kept.trigger}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    say(f"bulk load: {len(keys)} foreign keys and {len(indexes)} indexes set aside")
    yield
    with connection.cursor() as cursor:
        for kept, table, top in paused:
            if kept.add:
                cursor.execute(kept.add, [top])
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER {kept.trigger}')
        if paused:
            say(f"bulk load: kept counts added ({', '.join(k.model for k, _, _ in paused)})")
        for index in indexes:
            cursor.execute(index.definition)
        say(f"bulk load: {len(indexes)} indexes built")
        for key in keys:
            cursor.execute(
                f'ALTER TABLE "{key.table}" ADD CONSTRAINT "{key.name}" {key.definition}'
            )
        say(f"bulk load: {len(keys)} foreign keys added back, every row checked")


def _max_id(cursor: CursorWrapper, table: str) -> int:
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
    return int(cursor.fetchone()[0])


def _drop_foreign_keys(cursor: CursorWrapper, tables: list[str]) -> list[Dropped]:
    """Every foreign key of the copied tables (those the copied rows would be checked by)."""
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conrelid = ANY (%s::regclass[])
        ORDER BY c.conrelid::regclass::text, c.conname
        """,
        [tables],
    )
    keys = [Dropped(t.strip('"'), n, d) for t, n, d in cursor.fetchall()]
    for key in keys:
        cursor.execute(f'ALTER TABLE "{key.table}" DROP CONSTRAINT "{key.name}"')
    return keys


def _drop_indexes(cursor: CursorWrapper, tables: list[str]) -> list[Dropped]:
    """The copied tables' indexes that back no constraint (primary and unique keys stay).
    Partial indexes stay too: they are small, and PostgreSQL would print their condition
    back differently from how the migration wrote it."""
    cursor.execute(
        """
        SELECT t.relname, x.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class x ON x.oid = i.indexrelid
        JOIN pg_class t ON t.oid = i.indrelid
        WHERE i.indrelid = ANY (%s::regclass[])
          AND i.indpred IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY t.relname, x.relname
        """,
        [tables],
    )
    indexes = [Dropped(t, n, d) for t, n, d in cursor.fetchall()]
    for index in indexes:
        cursor.execute(f'DROP INDEX "{index.name}"')
    return indexes


def _has_trigger(cursor: CursorWrapper, table: str, trigger: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s AND tgenabled <> 'D'",
        [table, trigger],
    )
    return cursor.fetchone() is not None
