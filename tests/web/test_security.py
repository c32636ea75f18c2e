"""Security baseline: deploy checks, CSP without inline scripts, production cookies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "OPENEPA_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-key-for-the-check-only-0123456789",
    "ALLOWED_HOSTS": "epa.example.org",
}


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    """Production settings with a database file of the test's own (a fresh clone has no var/)."""
    return {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A production process starts from a clean slate: none of the test run's own settings.
    unset = {"OPENEPA_ENV", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_checks_pass_at_warning_level_with_production_settings(production):
    done = manage("check", "--deploy", "--fail-level", "WARNING", env=production)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(production):
    env = {k: v for k, v in production.items() if k != "SECRET_KEY"}
    done = manage("check", env=env)
    assert done.returncode != 0
    assert "SECRET_KEY must be set when OPENEPA_ENV=production" in done.stderr


def test_production_cookies_are_secure_httponly_and_samesite(production):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DEBUG, s.OPENEPA_REQUIRE_2FA)"
    )
    done = manage("shell", "-c", code, env=production)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-7:] == ["True", "True", "Lax", "True", "True", "False", "True"]


@pytest.mark.django_db
def test_every_page_has_a_csp_without_inline_scripts(client):
    header = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in header
    assert directives["frame-ancestors"] == "'none'"
