"""After PostgreSQL drops the app's connections (a restart, a failover, an administrator's
pg_terminate_backend), the next requests reconnect instead of failing with a 500
(issue 11 §4). Through a real gunicorn process, as production runs the app: its one
worker keeps its connection between requests (CONN_MAX_AGE), which is where a dropped
connection would be reused."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.subprocess_db import postgres_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="terminating the app's connections needs PostgreSQL (set DATABASE_URL)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": postgres_url(), "OPENEPA_REQUIRE_2FA": "false"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "openepa.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{address}/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)


def status_of(address: str, session: str) -> int:
    request = urllib.request.Request(f"{address}/", headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    return int(count)


def test_requests_after_the_database_drops_the_apps_connections_succeed(world, client, server):
    client.force_login(world.admin)
    session = client.cookies["sessionid"].value
    assert [status_of(server, session) for _ in range(3)] == [200, 200, 200]
    assert terminate_other_connections() >= 1  # the app's kept connection, at least
    assert [status_of(server, session) for _ in range(10)] == [200] * 10
