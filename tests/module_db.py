"""Rows shared by every test of a module, `setUpTestData`-style, for suites that only read
them (the access matrix, lists, dashboards, the demo)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def rolled_back_at_module_end(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture: the rows it writes inside this block (within
    `with django_db_blocker.unblock():`) live in one transaction that is rolled back when the
    module's tests are done. Each test still runs in a savepoint of its own (pytest-django's
    `db`), so what one test writes, a POST included, never reaches the next."""
    from django.db import transaction

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
