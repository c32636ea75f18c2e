"""The full demo of 200 apprentices, built once for the tests in this folder.

It takes most of a minute to play, so it is built once per test session (only the tests
here use it) and rolled back when they are done, leaving the database as it was for every
other test. Tests that need the whole demo go in this folder and ask for ``full_demo``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from openepa.demo import DEFAULT_APPRENTICES, do_seed_demo


@pytest.fixture(scope="module")
def full_demo(
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[datetime]:
    """Build the demo as `make run` does, dated from today; yields the moment it was built.
    Its gateway documents are written to a folder of the tests' own."""
    uploads = override_settings(OPENEPA_UPLOAD_ROOT=tmp_path_factory.mktemp("demo-uploads"))
    with django_db_blocker.unblock(), uploads:  # type: ignore[attr-defined]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built_at = timezone.now()
            call_command("load_reference_data", verbosity=0)
            do_seed_demo(apprentices=DEFAULT_APPRENTICES)
            yield built_at
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
