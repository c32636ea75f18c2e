"""The app's PostgreSQL connections plan pages as openepa/settings.py says: no JIT, no parallel
workers, the SSD price of a random read; a DATABASE_URL's own options win over them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner settings: PostgreSQL only"
)


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_apps_connections_plan_without_jit_or_parallel_workers() -> None:
    assert _show("jit") == "off"
    assert _show("max_parallel_workers_per_gather") == "0"
    assert _show("random_page_cost") == "1.1"


def test_the_urls_own_options_win() -> None:
    url = os.environ["DATABASE_URL"].split("?")[0] + "?options=-c%20random_page_cost%3D4"
    read = (
        "import django; django.setup();"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['OPTIONS']['options'])"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "openepa.settings"}
    options = subprocess.run(
        [sys.executable, "-c", read], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert options[-2:] == ["-c", "random_page_cost=4"]
    assert "jit=off" in options
