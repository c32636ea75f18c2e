"""The test database as another process (a worker, a web server) can open it.

PostgreSQL: the test database itself (tests that use it commit: transaction=True).
SQLite: the test database lives in this process's memory, so it is copied to a file for
the other process (`shared_sqlite`) and copied back when that process is done."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


def postgres_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def database_url_for_subprocess(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL for processes started inside the block; on leaving it, this
    process's connection sees what they wrote."""
    if connection.vendor == "postgresql":
        yield postgres_url()
        return
    assert connection.vendor == "sqlite"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    live = connection.connection
    with sqlite3.connect(path) as copy:
        live.backup(copy)
    copy.close()
    yield f"sqlite:///{path}"
    with sqlite3.connect(path) as written:
        written.backup(live)
    written.close()
