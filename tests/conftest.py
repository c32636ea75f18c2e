from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from openepa.domain.policy import Policy
from openepa.domain.standard import Standard
from openepa.policies.loader import get_policy
from openepa.standards.loader import get_standard

_CACHE_DIR = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    # The cache of validated data files (openepa/datafiles.py) lives in a directory of the
    # test run's own: tests neither trust entries a developer's earlier code left in their
    # user cache nor leave entries there. xdist's workers inherit it from the controller.
    if "OPENEPA_CACHE_DIR" not in os.environ:
        os.environ["OPENEPA_CACHE_DIR"] = tempfile.mkdtemp(prefix="openepa-test-cache-")
        config.stash[_CACHE_DIR] = os.environ["OPENEPA_CACHE_DIR"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CACHE_DIR in config.stash:
        shutil.rmtree(config.stash[_CACHE_DIR], ignore_errors=True)
        del os.environ["OPENEPA_CACHE_DIR"]


@pytest.fixture(scope="session")
def st0072() -> Standard:
    standard = get_standard("ST0072")
    assert standard is not None
    return standard


def _policy(code: str) -> Policy:
    policy = get_policy(code)
    assert policy is not None
    return policy


@pytest.fixture(scope="session")
def highfield() -> Policy:
    return _policy("highfield")


@pytest.fixture(scope="session")
def nqual() -> Policy:
    return _policy("nqual")


@pytest.fixture(scope="session")
def gateway_qualifications() -> Policy:
    return _policy("gateway-qualifications")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Argon2 is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_off_unless_asked(settings) -> None:
    # Views are tested signed in with force_login; tests/accounts/test_two_factor.py turns
    # the requirement back on and goes through the real TOTP steps.
    settings.OPENEPA_REQUIRE_2FA = False


@pytest.fixture
def world(db):
    from tests.personas import build_world

    return build_world()


@pytest.fixture
def deliver(settings, django_capture_on_commit_callbacks):
    """`with deliver(): <a journey step>`: the step's transaction commits and the tasks it
    queued (notify_for_event, then send_message) run at once, as the worker would run them
    (Django's ImmediateBackend); the emails land in django.core.mail.outbox.
    tests/notifications/test_worker.py goes through the real database backend and worker."""
    from contextlib import contextmanager

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run
