"""Emptying an SQLite test database whose kept counts are written by triggers.

A test that commits (the browser and worker tests) is cleaned up by Django's `flush`, which on
SQLite deletes every table in one transaction, in the order of a set, and checks the foreign
keys at the commit. Deleting a table the triggers watch (results, attempts, attendances)
writes rows into the kept counts (the admin home's counts, the latest standardisation, the
results ready for a certificate) that point at organisations, people or results; when the
counts' own table was emptied before, those rows survive the flush and the commit fails with
"FOREIGN KEY constraint failed" (one run in a few, by the hash of the table names). The
tables that triggers write are therefore emptied last. PostgreSQL's flush is one TRUNCATE,
which fires no row triggers."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper

#: The table a trigger's statement writes: INSERT INTO t, UPDATE t, DELETE FROM t.
_WRITES = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.I)


def written_by_triggers(wrapper: DatabaseWrapper) -> set[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        bodies = [row[0] or "" for row in cursor.fetchall()]
    return {name for body in bodies for name in _WRITES.findall(body.split("BEGIN", 1)[-1])}


def counts_emptied_last() -> Callable[[], None]:
    """Make SQLite's flush empty the tables that triggers write after every other table; the
    undo."""
    operations = DatabaseWrapper.ops_class
    original = operations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Sequence[str], **options: Any) -> list[str]:
        last = {self.quote_name(table) for table in written_by_triggers(self.connection)}

        def order(statement: str) -> int:
            if not statement.startswith("DELETE"):
                return 2  # the sequences' reset, after every delete
            return 1 if statement.rstrip(";").split()[-1] in last else 0

        # Django turns the tables into a set when it cascades: order its statements instead.
        return sorted(original(self, style, tables, **options), key=order)

    operations.sql_flush = sql_flush  # type: ignore[method-assign]

    def undo() -> None:
        operations.sql_flush = original  # type: ignore[method-assign]

    return undo
