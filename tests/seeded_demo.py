"""The small demo (one apprentice per story), seeded once per SQLite run and copied after.

Several tests seed the same demo EPAO: the browser tests (dated from today, in a database
whose writes commit) and the modules that read the demo of a fixed Monday (the plain-words
walk, the demo's own tests, its Ofqual returns). Seeding plays
every story through the real actions, a few seconds of CPU each time, the same work every
time. So, on an in-memory SQLite test database (`make test`'s), the first test to seed a
given demo keeps a copy of the database and of the files the seeding stored in the run's
directory (tests/template_db.py); the next ones, on any xdist worker, copy them in instead.
On PostgreSQL the rows of every table are saved instead (COPY … TO) and copied back into
emptied tables (`_restore_tables`): for the browser tests' small demo once per run, and for
a module's or a package's build (the small demo of a module, the full demo, the fast demo)
kept between runs as on SQLite (`_kept_on_postgresql`).
A module's demo (`small_demo_for_the_module`) is rolled back at the module's end: on SQLite
the database is saved before the copy comes in and put back after.

The copy holds what the database held when it was seeded: the migrated tables, the
standards and policies, and the demo. A database whose writes commit holds nothing else at
a test's start (pytest-django empties it after each such test, and the post_migrate signal
loads the standards and policies again), so the copy is what seeding would have left."""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
import pickle
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from openepa.demo import do_seed_demo
from openepa.demo.people import DemoLogin
from openepa.demo.stories import SCENARIOS
from tests import template_db
from tests.module_db import rolled_back_at_module_end
from tests.template_db import TEMPLATE_DIR_VARIABLE


def _copies() -> bool:
    """Whether the demo may be copied in: an in-memory SQLite test database outside any
    transaction, in a run with a directory of its own."""
    return (
        bool(os.environ.get(TEMPLATE_DIR_VARIABLE))
        and connection.vendor == "sqlite"
        and connection.is_in_memory_db()  # type: ignore[attr-defined]
        and not connection.in_atomic_block
    )


def seed_small_demo(today: date | None = None) -> list[DemoLogin]:
    """`do_seed_demo(apprentices=len(SCENARIOS), today=today)` into a test database whose
    writes commit (a transactional test); its sign-ins."""
    if _copies_on_postgresql():
        return _seed_small_demo_on_postgresql(today)
    if not _copies():
        return _seeded(today)
    directory = os.environ[TEMPLATE_DIR_VARIABLE]
    # Dated from the day it is seeded (the test clock's day): a run that goes past midnight
    # seeds again rather than copy yesterday's.
    day = today or timezone.localdate()
    kept = lasting(f"small-demo-{day.isoformat()}") or Path(directory) / f"small-demo-{day}"
    with _locked(Path(directory)):
        return _copied_in_or_built(kept, _copy_in, lambda: _seeded(today), _keep)


@contextmanager
def small_demo_for_the_module(django_db_blocker: Any, today: date) -> Iterator[list[DemoLogin]]:
    """For a module-scoped fixture: the small demo of `today` for the module's tests (each
    in a savepoint of its own), gone at the module's end; its sign-ins."""
    with django_db_blocker.unblock():
        copies, on_postgresql = _copies(), _copies_on_postgresql()
    if on_postgresql:
        name = f"small-demo-{today.isoformat()}"
        kept_as = lasting(f"{name}-postgresql")
        with _kept_on_postgresql(
            django_db_blocker, name, kept_as, lambda: _seeded(today)
        ) as logins:
            yield logins
        return
    if not copies:
        with rolled_back_at_module_end(django_db_blocker), django_db_blocker.unblock():
            yield _seeded(today)
        return
    with django_db_blocker.unblock():
        connection.ensure_connection()
        saved = sqlite3.connect(":memory:")
        connection.connection.backup(saved)
    try:
        with django_db_blocker.unblock():
            logins = seed_small_demo(today)
        yield logins
    finally:
        with django_db_blocker.unblock():
            saved.backup(connection.connection)
            saved.close()
            _forget_content_types()


def _seeded(today: date | None) -> list[DemoLogin]:
    """The small demo seeded through the real actions; its sign-ins."""
    return do_seed_demo(apprentices=len(SCENARIOS), today=today)


#: What a kept build's `build()` returned, pickled beside its rows and files.
BUILT = "built.pickle"


def _keep(kept: Path, uploads: Path, before: set[str], made: object) -> None:
    """SQLite: save the database, the files stored in `uploads` since `before`, and `made`
    to `kept` (`_kept`)."""

    def save_rows(partial: Path) -> None:
        connection.ensure_connection()
        with sqlite3.connect(partial / "db.sqlite3") as copy:
            connection.connection.backup(copy)
        copy.close()

    _kept(kept, save_rows, uploads, before, made)


def _save_tables(kept: Path, uploads: Path, before: set[str], made: object) -> None:
    """PostgreSQL: save every table's rows (COPY … TO, binary), the files stored in
    `uploads` since `before`, and `made` to `kept` (`_kept`)."""

    def save_rows(partial: Path) -> None:
        (partial / "tables").mkdir()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table in _tables():
                statement = f"COPY {quote(table)} TO STDOUT (FORMAT BINARY)"
                with open(partial / "tables" / table, "wb") as out, raw.copy(statement) as copy:
                    for chunk in copy:
                        out.write(chunk)

    _kept(kept, save_rows, uploads, before, made)


def _kept(
    kept: Path, save_rows: Callable[[Path], None], uploads: Path, before: set[str], made: object
) -> None:
    """The rows (`save_rows` into a folder), the files stored in `uploads` since `before`
    and `made` (pickled as BUILT) saved to `kept`, whole or not at all."""
    partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    save_rows(partial)
    for stored in sorted(_files(uploads) - before):
        (partial / "files" / stored).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(uploads / stored, partial / "files" / stored)
    with open(partial / BUILT, "wb") as saved:
        pickle.dump(made, saved)
    try:
        partial.rename(kept)
    except OSError:  # another run on this checkout kept the same build first
        shutil.rmtree(partial, ignore_errors=True)
    _forget_older_builds()


def lasting(name: str, *made_by: Path) -> Path | None:
    """Where a build named `name` is kept between runs, beside the migrated template of the
    same fingerprint (tests/template_db.py: the app's code and data files, the pinned
    dependencies, today's date), and of this file and the `made_by` files (the tests' code
    that builds it): None when that cache is off."""
    template = template_db.kept_template()
    if template is None:
        return None
    code = hashlib.sha256()
    for file in (Path(__file__), *made_by):
        code.update(file.read_bytes())
    return template.with_name(f"{template.stem}-{name}-{code.hexdigest()[:12]}")


def _forget_older_builds() -> None:
    """Builds whose migrated template is no longer kept (tests/template_db.py keeps the
    newest few) go with it. A PostgreSQL run keeps no SQLite template: its builds
    (`…-postgresql-…`) stay for the newest few fingerprints it built for."""
    builds = [b for b in template_db.KEPT.glob("*-*") if b.is_dir() and ".partial" not in b.name]
    live = {t.stem for t in template_db.KEPT.glob("*.sqlite3")}
    newest_first = sorted(
        (b for b in builds if "-postgresql-" in b.name),
        key=lambda b: b.stat().st_mtime,
        reverse=True,
    )
    built_for = list(dict.fromkeys(_fingerprint(b) for b in newest_first))
    live.update(built_for[: template_db.KEEP])
    for build in builds:
        if _fingerprint(build) not in live:
            shutil.rmtree(build, ignore_errors=True)


def _fingerprint(build: Path) -> str:
    """The fingerprint a kept build was made under (the start of its name)."""
    return build.name.split("-", 1)[0]


def _copied_in_or_built[T](
    kept: Path,
    copy_in: Callable[[Path], None],
    build: Callable[[], T],
    keep: Callable[[Path, Path, set[str], object], None],
) -> T:
    """What `build()` returned, read back from `kept` after `copy_in(kept)` brought its rows
    and files in; or, when nothing is kept there yet, built and then kept there (`keep`)."""
    if kept.is_dir():
        copy_in(kept)
        with open(kept / BUILT, "rb") as read:
            restored: T = pickle.load(read)
        return restored
    uploads = Path(settings.OPENEPA_UPLOAD_ROOT)
    before = _files(uploads)
    made = build()
    keep(kept, uploads, before, made)
    return made


@contextmanager
def build_kept_for_the_package[T](
    django_db_blocker: Any, name: str, build: Callable[[], T]
) -> Iterator[T]:
    """For a package- or module-scoped fixture: what `build()` writes, for the tests in it
    (each in a savepoint of its own), gone at the fixture's end; what `build` returned.

    On an in-memory SQLite test database, `build` runs once per checkout, code and day: its
    rows, the files it stored and what it returned are kept between runs (`lasting`) or for
    the run, and copied in after. It runs in a transaction whose on-commit work is dropped
    before it commits, as a rollback would drop it. On PostgreSQL it is kept too, as the rows
    of every table (`_kept_on_postgresql`). Elsewhere it runs in a transaction rolled back
    at the end (tests/module_db.py)."""
    with django_db_blocker.unblock():
        copies, on_postgresql = _copies(), _copies_on_postgresql()
    if on_postgresql:
        kept_as = lasting(f"{name}-postgresql", Path(inspect.getfile(build)))
        with _kept_on_postgresql(django_db_blocker, name, kept_as, build) as restored:
            yield restored
        return
    if not copies:
        with rolled_back_at_module_end(django_db_blocker), django_db_blocker.unblock():
            yield build()
        return
    directory = Path(os.environ[TEMPLATE_DIR_VARIABLE])
    kept = lasting(name, Path(inspect.getfile(build))) or directory / name
    with django_db_blocker.unblock():
        connection.ensure_connection()
        saved = sqlite3.connect(":memory:")
        connection.connection.backup(saved)

    def committed() -> T:
        with transaction.atomic():
            made = build()
            # What the commit would set off (tasks, emails) is not part of the rows.
            connection.run_on_commit.clear()
        return made

    try:
        with django_db_blocker.unblock(), _locked(directory, name):
            made = _copied_in_or_built(kept, _copy_in, committed, _keep)
        yield made
    finally:
        with django_db_blocker.unblock():
            saved.backup(connection.connection)
            saved.close()
            _forget_content_types()


def _copy_in(kept: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(kept / "db.sqlite3") as saved:
        saved.backup(connection.connection)
    saved.close()
    _forget_content_types()
    if (kept / "files").is_dir():
        shutil.copytree(kept / "files", Path(settings.OPENEPA_UPLOAD_ROOT), dirs_exist_ok=True)


def _forget_content_types() -> None:
    """The database copied in may number its content types otherwise than the one this
    process has read them from (each emptying of a database makes them again)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {str(f.relative_to(root)) for f in root.rglob("*") if f.is_file()}


@contextmanager
def _locked(directory: Path, name: str = "small-demo") -> Iterator[None]:
    """One seeding of a build at a time across the run's workers (a lock of its own: the
    template's lock is for creating test databases, and a worker building the full demo must
    not keep the other waiting for the small one)."""
    with open(directory / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _copies_on_postgresql() -> bool:
    """Whether the small demo may be copied in on PostgreSQL: a database whose writes commit
    (a transactional test: emptied before it) in a run with a directory of its own."""
    return (
        bool(os.environ.get(TEMPLATE_DIR_VARIABLE))
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


def _seed_small_demo_on_postgresql(today: date | None) -> list[DemoLogin]:
    """PostgreSQL: the first test of the run to seed a day's small demo saves every table's
    rows (COPY … TO, binary) and the files the seeding stored in the run's directory; the
    next ones, on any worker, empty the tables and COPY the rows back instead of seeding (a
    few seconds of CPU here and on the server each time). The rows are copied back with the
    tables' own triggers off (the kept counts come in as they were saved) and the foreign
    keys checked at the commit (Django makes them deferrable); the sequences then start
    after the rows copied in."""
    directory = Path(os.environ[TEMPLATE_DIR_VARIABLE])
    day = today or timezone.localdate()
    kept = directory / f"small-demo-{day}-postgresql"
    with _locked(directory, "small-demo-postgresql"):
        return _copied_in_or_built(kept, _restore_tables, lambda: _seeded(today), _save_tables)


@contextmanager
def _kept_on_postgresql[T](
    django_db_blocker: Any, name: str, kept_as: Path | None, build: Callable[[], T]
) -> Iterator[T]:
    """PostgreSQL, for a package- or module-scoped fixture: what `build()` writes, for the
    tests in it (each in a savepoint of its own), in a transaction rolled back at the
    fixture's end. The first build of a run (or, with `kept_as`, of a code and day) saves
    every table's rows and the files it stored; the next ones empty the tables inside that
    transaction and COPY the rows back instead of building (`_restore_tables`)."""
    directory = Path(os.environ[TEMPLATE_DIR_VARIABLE])
    # A folder of its own: the browser tests' small demo is made under another lock.
    kept = kept_as or directory / f"{name}-postgresql-rows"
    try:
        with rolled_back_at_module_end(django_db_blocker):
            with django_db_blocker.unblock(), _locked(directory, f"{name}-postgresql"):
                made = _copied_in_or_built(kept, _restore_tables, build, _save_tables)
            yield made
    finally:
        # The rollback put back the content types the tables held before.
        _forget_content_types()


def _restore_tables(kept: Path) -> None:
    from django.apps import apps
    from django.core.management.color import no_style

    quote = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)}")
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        )
        triggered = [row[0] for row in cursor.fetchall()]
        for table in triggered:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for table in tables:
            with raw.copy(f"COPY {quote(table)} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write((kept / "tables" / table).read_bytes())
        # The foreign keys are checked now, so that no check waits on a table altered next.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in triggered:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        # Back to Django's (every foreign key is DEFERRABLE INITIALLY DEFERRED), for the
        # tests that run inside a transaction this one is part of.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    _forget_content_types()
    if (kept / "files").is_dir():
        shutil.copytree(kept / "files", Path(settings.OPENEPA_UPLOAD_ROOT), dirs_exist_ok=True)
