"""One migration per test run on SQLite, however many xdist workers there are.

Each worker's test database lives in its own memory. Migrating it costs each worker a few
seconds of CPU, the same work every time: so the first worker to create its database
migrates it (the post_migrate signal loads the standards and policies, tests/conftest.py)
and copies the result to a file in the run's own directory; the others wait for that file
and copy it into their memory instead of migrating. PostgreSQL migrates as before.

The directory is made by the run (the controller, before the workers start) and removed at
its end, so a template never outlives the code that made it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The run's directory for the template, inherited by xdist's workers.
TEMPLATE_DIR_VARIABLE = "OPENEPA_TEST_DB_TEMPLATE_DIR"


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def migrate_from_template(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps the migrate command's handle: on an in-memory SQLite test database, and only
    while the test database is being created (`creating_test_database`), copy the run's
    migrated template in, or migrate and save the template when there is none yet."""

    def handle(self: Any, *args: Any, **options: Any) -> Any:
        from django.db import connections

        directory = os.environ.get(TEMPLATE_DIR_VARIABLE, "")
        connection = connections[options.get("database") or "default"]
        if (
            not _CREATING
            or not directory
            or connection.vendor != "sqlite"
            or not connection.is_in_memory_db()  # type: ignore[attr-defined]
        ):
            return original(self, *args, **options)
        template = Path(directory) / f"{connection.alias}.sqlite3"
        with _locked(Path(directory)):
            connection.ensure_connection()
            live = connection.connection
            if template.exists():
                with sqlite3.connect(template) as saved:
                    saved.backup(live)
                saved.close()
                return None
            done = original(self, *args, **options)
            connection.ensure_connection()
            partial = template.with_suffix(".partial")
            with sqlite3.connect(partial) as copy:
                connection.connection.backup(copy)
            copy.close()
            partial.rename(template)
            return done

    return handle


_CREATING: list[bool] = []


def creating_test_database(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps BaseDatabaseCreation.create_test_db so the migrate wrapper knows when to act
    (a test that calls migrate itself migrates for real)."""

    def create_test_db(self: Any, *args: Any, **kwargs: Any) -> Any:
        _CREATING.append(True)
        try:
            return original(self, *args, **kwargs)
        finally:
            _CREATING.pop()

    return create_test_db


def install() -> None:
    from django.core.management.commands import migrate
    from django.db.backends.base.creation import BaseDatabaseCreation

    migrate.Command.handle = migrate_from_template(migrate.Command.handle)  # type: ignore[method-assign]
    BaseDatabaseCreation.create_test_db = creating_test_database(  # type: ignore[method-assign]
        BaseDatabaseCreation.create_test_db
    )
