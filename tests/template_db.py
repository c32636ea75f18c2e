"""One migration per test run, however many xdist workers there are.

Each worker's test database lives in its own memory. Migrating it costs each worker a few
seconds of CPU, the same work every time: so the first worker to create its database
migrates it (the post_migrate signal loads the standards and policies, tests/conftest.py)
and copies the result to a file in the run's own directory; the others wait for that file
and copy it into their memory instead of migrating. On PostgreSQL the first worker's
migrated database is copied on the server for the others (`_migrate_postgresql_once`).

The directory is made by the run (the controller, before the workers start) and removed at
its end. The migrated database is also kept between runs in var/test-db/, under a
fingerprint of everything that makes it (the app's code and data files, the pinned
dependencies, Python, SQLite, and today's date, which the rows are dated from): a run whose
fingerprint matches copies it instead of migrating, so a template never outlives the code
that made it. The costly builds some tests share (the demos, tests/seeded_demo.py) are kept
beside it under the same fingerprint, and go when it goes. OPENEPA_TEST_DB_CACHE=off
migrates and builds every run afresh."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

#: The run's directory for the template, inherited by xdist's workers.
TEMPLATE_DIR_VARIABLE = "OPENEPA_TEST_DB_TEMPLATE_DIR"
ROOT = Path(__file__).resolve().parents[1]
#: Migrated databases kept between runs, one per fingerprint (the newest KEEP).
KEPT = ROOT / "var" / "test-db"
#: What a migrated test database is made from: the app's code, migrations and data files.
MADE_FROM = ("*.py", "*.yaml", "*.json")


def fingerprint(root: Path, *also: str) -> str:
    """A digest of every file under `root` matching MADE_FROM (names and contents), and of
    `also`."""
    digest = hashlib.sha256()
    files = sorted(
        f for pattern in MADE_FROM for f in root.rglob(pattern) if "__pycache__" not in f.parts
    )
    for file in files:
        digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    for part in also:
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:24]


def kept_template() -> Path | None:
    """Where this code's migrated database is kept between runs; None when turned off."""
    if os.environ.get("OPENEPA_TEST_DB_CACHE") == "off":
        return None
    from datetime import date

    import django

    made_from = fingerprint(
        ROOT / "openepa",
        (ROOT / "pyproject.toml").read_text(),
        django.get_version(),
        sys.version,
        sqlite3.sqlite_version,
        date.today().isoformat(),
    )
    return KEPT / f"{made_from}.sqlite3"


#: Templates kept: a few, for runs on today and on the moved clock's days (tests/clock.py).
KEEP = 4


def _keep(template: Path, kept: Path) -> None:
    """Keep the run's template for later runs, with the newest few others."""
    kept.parent.mkdir(parents=True, exist_ok=True)
    older = sorted(kept.parent.glob("*.sqlite3"), key=lambda f: f.stat().st_mtime)
    for old in older[: max(0, len(older) - (KEEP - 1))]:
        old.unlink(missing_ok=True)
    partial = kept.with_suffix(".partial")
    shutil.copyfile(template, partial)
    partial.rename(kept)


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
        if _CREATING and directory and connection.vendor == "postgresql" and _workers() > 1:
            return _migrate_postgresql_once(
                connection, Path(directory), original, self, args, options
            )
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
            kept = None if template.exists() else kept_template()
            if kept is not None and kept.exists():
                shutil.copyfile(kept, template.with_suffix(".partial"))
                template.with_suffix(".partial").rename(template)
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
            if kept is not None:
                _keep(template, kept)
            return done

    return handle


def _workers() -> int:
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1)


#: The file naming the run's migrated PostgreSQL database, in the run's directory.
POSTGRES_TEMPLATE_FILE = "postgresql-template"


#: Migrated PostgreSQL databases kept on the server between runs, one per fingerprint.
POSTGRES_KEPT_PREFIX = "openepa_test_kept_"


def _migrate_postgresql_once(
    connection: Any, directory: Path, original: Callable[..., Any], *call: Any
) -> Any:
    """PostgreSQL: each xdist worker's test database was created empty (test_openepa_gw0,
    _gw1, …). The first worker to get here migrates its own and copies it to a database of
    the run's (CREATE DATABASE … TEMPLATE, a file copy on the server); the others drop their
    empty one and make it again from that copy instead of migrating (about 11 s of CPU and
    as long again on the server each). That copy is kept on the server between runs, named
    by the fingerprint SQLite's template is kept under (`kept_template`): a later run of the
    same code and day copies it and migrates nothing. With that cache off the copy is the
    run's own, and the controller drops it at the run's end (`drop_postgresql_template`)."""
    command, args, options = call
    named = directory / POSTGRES_TEMPLATE_FILE
    name = connection.settings_dict["NAME"]
    fingerprint = kept_template()
    kept = f"{POSTGRES_KEPT_PREFIX}{fingerprint.stem}" if fingerprint else None
    with _locked(directory):
        if not named.exists() and kept is not None and _exists(connection, kept):
            named.write_text(kept)
        if named.exists():
            _make_again_from(connection, name, named.read_text().strip())
            return None
        done = original(command, *args, **options)
        # The copy needs the source without connections: this worker's own is the only one.
        connection.close()
        named.write_text(_copy_of(connection, name, kept or f"{name}_template_{directory.name}"))
        return done


def _exists(connection: Any, database: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        return cursor.fetchone() is not None


def _make_again_from(connection: Any, name: str, template: str) -> None:
    """Drop this worker's test database and make it again as a copy of `template`."""
    quote = connection.ops.quote_name
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")


def _copy_of(connection: Any, name: str, template: str) -> str:
    """Copy the database `name` to `template` (cut to PostgreSQL's 63 characters); the
    copy's name. A kept copy that another run made first is used as it is; kept copies
    beyond the newest KEEP are dropped, unless a run is copying one at that moment."""
    from django.db import DatabaseError

    template = template[:63]
    lasting = template.startswith(POSTGRES_KEPT_PREFIX)
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        if not lasting:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
        try:
            cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
        except DatabaseError:
            if not lasting or not _exists(connection, template):
                raise
            return template  # another run on this server kept it first
        if lasting:
            _drop_older_kept(cursor, quote)
    return template


def _drop_older_kept(cursor: Any, quote: Callable[[str], str]) -> None:
    """Kept copies beyond the newest KEEP (newest by OID, which grows with each database
    made) are dropped; one a run is copying now stays, for a later run to drop."""
    from django.db import DatabaseError

    cursor.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s) ORDER BY oid DESC",
        [POSTGRES_KEPT_PREFIX],
    )
    for (older,) in cursor.fetchall()[KEEP:]:
        with suppress(DatabaseError):
            cursor.execute(f"DROP DATABASE {quote(older)}")


def drop_postgresql_template(directory: Path) -> None:
    """At the run's end, in the controller: drop the copy the first worker made, if any,
    unless it is kept between runs (`_migrate_postgresql_once`)."""
    named = directory / POSTGRES_TEMPLATE_FILE
    if not named.exists() or named.read_text().startswith(POSTGRES_KEPT_PREFIX):
        return
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(named.read_text())}")


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
