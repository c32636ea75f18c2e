"""The small demo (one apprentice per story), seeded once per SQLite run and copied after.

Several tests seed the same demo EPAO: the browser tests (dated from today, in a database
whose writes commit) and the modules that read the demo of a fixed Monday (the plain-words
walk, the demo's own tests, its Ofqual returns). Seeding plays
every story through the real actions, a few seconds of CPU each time, the same work every
time. So, on an in-memory SQLite test database (`make test`'s), the first test to seed a
given demo keeps a copy of the database and of the files the seeding stored in the run's
directory (tests/template_db.py); the next ones, on any xdist worker, copy them in instead.
PostgreSQL, and a database holding a test's uncommitted rows, seed every time.
A module's demo (`small_demo_for_the_module`) is rolled back at the module's end: on SQLite
the database is saved before the copy comes in and put back after.

The copy holds what the database held when it was seeded: the migrated tables, the
standards and policies, and the demo. A database whose writes commit holds nothing else at
a test's start (pytest-django empties it after each such test, and the post_migrate signal
loads the standards and policies again), so the copy is what seeding would have left."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from openepa.demo import do_seed_demo
from openepa.demo.people import DemoLogin
from openepa.demo.stories import SCENARIOS
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
    if not _copies():
        return do_seed_demo(apprentices=len(SCENARIOS), today=today)
    directory = os.environ[TEMPLATE_DIR_VARIABLE]
    # Dated from the day it is seeded (the test clock's day): a run that goes past midnight
    # seeds again rather than copy yesterday's.
    day = today or timezone.localdate()
    kept = Path(directory) / f"small-demo-{day.isoformat()}"
    with _locked(Path(directory)):
        if not kept.is_dir():
            return _seed_and_keep(kept, today)
        _copy_in(kept)
        with open(kept / "logins.pickle", "rb") as saved:
            logins: list[DemoLogin] = pickle.load(saved)
        return logins


@contextmanager
def small_demo_for_the_module(django_db_blocker: Any, today: date) -> Iterator[list[DemoLogin]]:
    """For a module-scoped fixture: the small demo of `today` for the module's tests (each
    in a savepoint of its own), gone at the module's end; its sign-ins."""
    with django_db_blocker.unblock():
        copies = _copies()
    if not copies:
        with rolled_back_at_module_end(django_db_blocker), django_db_blocker.unblock():
            yield do_seed_demo(apprentices=len(SCENARIOS), today=today)
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


def _seed_and_keep(kept: Path, today: date | None) -> list[DemoLogin]:
    uploads = Path(settings.OPENEPA_UPLOAD_ROOT)
    before = _files(uploads)
    logins = do_seed_demo(apprentices=len(SCENARIOS), today=today)
    partial = kept.with_name(kept.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    connection.ensure_connection()
    with sqlite3.connect(partial / "db.sqlite3") as copy:
        connection.connection.backup(copy)
    copy.close()
    for name in sorted(_files(uploads) - before):
        (partial / "files" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(uploads / name, partial / "files" / name)
    with open(partial / "logins.pickle", "wb") as saved:
        pickle.dump(logins, saved)
    partial.rename(kept)
    return logins


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
def _locked(directory: Path) -> Iterator[None]:
    """One seeding at a time across the run's workers (a lock of its own: the template's
    lock is for creating test databases)."""
    with open(directory / "small-demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
