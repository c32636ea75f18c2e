"""The full demo of 200 apprentices, built once for the tests in this folder.

It takes most of a minute to play, so it is built once for this folder (a package-scoped
fixture) and rolled back when its tests are done, leaving the database as it was for every
other test. Tests that need the whole demo go in this folder and ask for ``full_demo``:
`make test` runs with ``--dist loadgroup``, and tests/conftest.py sends every test of this
folder to one xdist worker in one go (ONE_WORKER), so the demo is built once per run, and
on SQLite once per code and day (kept between runs: tests/seeded_demo.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from openepa.demo import DEFAULT_APPRENTICES, do_seed_demo
from tests.seeded_demo import build_kept_for_the_package


@pytest.fixture(scope="package")
def full_demo(
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[datetime]:
    """Build the demo as `make run` does, dated from today; yields the moment it was built.
    Its gateway documents are written to a folder of the tests' own. On SQLite the build is
    kept and copied in after (tests/seeded_demo.py): it is the same for the same code and
    day."""

    def build() -> datetime:
        built_at = timezone.now()
        call_command("load_reference_data", verbosity=0)
        do_seed_demo(apprentices=DEFAULT_APPRENTICES)
        return built_at

    uploads = override_settings(OPENEPA_UPLOAD_ROOT=tmp_path_factory.mktemp("demo-uploads"))
    with uploads, build_kept_for_the_package(django_db_blocker, "full-demo", build) as built_at:
        yield built_at
