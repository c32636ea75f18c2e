from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from openepa.domain.policy import Policy
from openepa.domain.standard import Standard
from openepa.policies.loader import get_policy
from openepa.standards.loader import get_standard
from tests import template_db
from tests.clock import TODAY_VARIABLE, moved_clock
from tests.module_db import rolled_back_at_module_end
from tests.template_db import TEMPLATE_DIR_VARIABLE

#: Fixtures several folders share: the NQual EPA awaiting release (`assessed`).
pytest_plugins = ["tests.assessed"]

# Hypothesis checks how long it takes to make and to run each example: on a machine shared
# with other work that fails a property test whose every example passed (an input made
# "too slowly", an example past its 200 ms deadline). The suite asserts no timings;
# what each example asserts is unchanged.
hypothesis_settings.register_profile(
    "openepa", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("openepa")

_clock = pytest.StashKey[Any]()
_CACHE_DIR = pytest.StashKey[str]()
_FILES_DIR = pytest.StashKey[str]()
_TEMPLATE_DIR = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    # The cache of validated data files (openepa/datafiles.py) lives in a directory of the
    # test run's own: tests neither trust entries a developer's earlier code left in their
    # user cache nor leave entries there. xdist's workers inherit it from the controller.
    if "OPENEPA_CACHE_DIR" not in os.environ:
        os.environ["OPENEPA_CACHE_DIR"] = tempfile.mkdtemp(prefix="openepa-test-cache-")
        config.stash[_CACHE_DIR] = os.environ["OPENEPA_CACHE_DIR"]
    # The files the tests store (evidence, documents' PDFs) go to a folder of the run's own,
    # for the test processes and any worker they start (Django's default storage reads
    # OPENEPA_UPLOAD_ROOT at each use; see _files_in_the_runs_folder).
    if "OPENEPA_UPLOAD_ROOT" not in os.environ:
        os.environ["OPENEPA_UPLOAD_ROOT"] = tempfile.mkdtemp(prefix="openepa-test-files-")
        config.stash[_FILES_DIR] = os.environ["OPENEPA_UPLOAD_ROOT"]
    # Each xdist worker in a folder of its own inside it, so a test that checks what reached
    # the disk sees only its own worker's files (and the processes that worker starts).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and not os.environ["OPENEPA_UPLOAD_ROOT"].endswith(os.sep + worker):
        os.environ["OPENEPA_UPLOAD_ROOT"] = os.path.join(os.environ["OPENEPA_UPLOAD_ROOT"], worker)
        os.makedirs(os.environ["OPENEPA_UPLOAD_ROOT"], exist_ok=True)
    # Screenshots of an earlier run go before any worker starts: a worker clearing them
    # itself raced the other worker, deleting what it had just written or had deleted.
    if worker is None:
        _clear_screenshots()
    # The migrated SQLite test database, made once for the run (tests/template_db.py).
    if TEMPLATE_DIR_VARIABLE not in os.environ:
        os.environ[TEMPLATE_DIR_VARIABLE] = tempfile.mkdtemp(prefix="openepa-test-db-")
        config.stash[_TEMPLATE_DIR] = os.environ[TEMPLATE_DIR_VARIABLE]
    # Before Django and any test start, in the controller and in each xdist worker.
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if value:
        traveller = time_machine.travel(moved_clock(value), tick=True)
        traveller.start()
        config.stash[_clock] = traveller


def _clear_screenshots() -> None:
    from tests.browser.visitor import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink(missing_ok=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_clock, None)
    if traveller is not None:
        traveller.stop()
    if _CACHE_DIR in config.stash:
        shutil.rmtree(config.stash[_CACHE_DIR], ignore_errors=True)
        del os.environ["OPENEPA_CACHE_DIR"]
    if _FILES_DIR in config.stash:
        shutil.rmtree(config.stash[_FILES_DIR], ignore_errors=True)
        del os.environ["OPENEPA_UPLOAD_ROOT"]
    if _TEMPLATE_DIR in config.stash:
        from pytest_django.plugin import blocking_manager_key

        # pytest-django keeps the database blocked outside tests, in the controller too.
        with config.stash[blocking_manager_key].unblock():
            template_db.drop_postgresql_template(Path(config.stash[_TEMPLATE_DIR]))
        shutil.rmtree(config.stash[_TEMPLATE_DIR], ignore_errors=True)
        del os.environ[TEMPLATE_DIR_VARIABLE]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if _clock in config.stash:
        terminalreporter.write_line(
            f"Ran with the clock moved: {TODAY_VARIABLE}={os.environ[TODAY_VARIABLE]} "
            f"(it is now {datetime.now():%Y-%m-%d %H:%M} for the tests)"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Sweeps (tests marked `sweep`: every page of every role with axe, each task walked
    through in the browser, every page, PDF and CSV read for plain words) are slow by
    nature: a run leaves them out unless its -m expression names them (`make test-sweeps`
    runs `pytest -m sweep`; CI runs them). `make test` runs a smoke sample, unmarked: a
    sample of the pages with axe and at two widths, signing in by keyboard."""
    if "sweep" in (config.option.markexpr or ""):
        return
    kept: list[pytest.Item] = []
    swept: list[pytest.Item] = []
    for item in items:
        (kept if item.get_closest_marker("sweep") is None else swept).append(item)
    if swept:
        # One pass: `i not in kept` for each item compared every pair of ~2,700 items.
        config.hook.pytest_deselected(items=swept)
        items[:] = kept


#: Folders and modules whose tests share one costly build (a package- or module-scoped
#: fixture: the full demo in tests/demo, the demo of one apprentice per story in the two
#: modules below, the fast demo of tests/volume), each sent to one xdist worker in one go
#: under `--dist loadgroup` (as make test runs), so that the build is made once rather than
#: on every worker.
ONE_WORKER = (
    "tests/demo/",
    "tests/web/test_demo.py",
    "tests/words/test_demo_speaks_plainly.py",
    "tests/volume/test_volume.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's loadgroup scheduling, with each ONE_WORKER path as one group. (Its
    `xdist_group` mark does not group under pytest 9: xdist 3.8 renames a test's `_nodeid`,
    which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class FolderGroups(LoadGroupScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            for folder in ONE_WORKER:
                if nodeid.startswith(folder):
                    return folder
            return str(super()._split_scope(nodeid))

    return FolderGroups(config, log)


def _load_reference_data(sender: Any, **kwargs: Any) -> None:
    """Each test database gets the standards and policies once, when it is created, and
    again after a transactional test flushes it (flush sends post_migrate too); tests then
    roll back around them instead of loading them again."""
    if getattr(sender, "label", None) == "reference":
        from openepa.reference.actions import do_load_reference_data

        if kwargs.get("using", "default") == "default":
            do_load_reference_data()


def pytest_sessionstart(session: pytest.Session) -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_load_reference_data, dispatch_uid="tests-reference-data")
    template_db.install()


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


@pytest.fixture(autouse=True, scope="session")
def _files_in_the_runs_folder() -> Iterator[None]:
    """Settings may have been read before pytest_configure set OPENEPA_UPLOAD_ROOT."""
    from pathlib import Path

    from django.test import override_settings

    with override_settings(OPENEPA_UPLOAD_ROOT=Path(os.environ["OPENEPA_UPLOAD_ROOT"])):
        yield


@pytest.fixture(autouse=True, scope="session")
def _kept_counts_emptied_last() -> Iterator[None]:
    """SQLite's flush empties the tables triggers write after the rest (tests/sqlite_flush.py)."""
    from tests.sqlite_flush import counts_emptied_last

    undo = counts_emptied_last()
    yield
    undo()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    # Argon2 is deliberately slow; tests create many users (module-wide worlds included).
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _swap_template_render(template: Any, partial: Any) -> tuple[Any, Any]:
    """Sets how Django's templates and partials render; returns the methods it replaced.
    These are private Django attributes, hence getattr and setattr."""
    from django.template.base import PartialTemplate, Template

    previous = getattr(Template, "_render"), getattr(PartialTemplate, "_render")  # noqa: B009
    setattr(Template, "_render", template)  # noqa: B010
    setattr(PartialTemplate, "_render", partial)  # noqa: B010
    return previous


@pytest.fixture(autouse=True, scope="session")
def _templates_rendered_without_test_instrumentation(django_test_environment) -> Iterator[None]:
    """Django's test environment sends a signal for every template and include rendered and
    the test client copies each one's context, for `response.context` and
    `response.templates`: about a tenth of a page test's time, for attributes no test reads
    (tests read the HTML people get). A test that wants them asks for `template_contexts`."""
    from django.test import utils

    saved = getattr(utils, "_TestState").saved_data  # noqa: B009
    instrumented = _swap_template_render(saved.template_render, saved.partial_template_render)
    yield
    _swap_template_render(*instrumented)


@pytest.fixture
def template_contexts() -> Iterator[None]:
    """Puts back Django's test instrumentation, so that `response.context` and
    `response.templates` are filled (tests/conftest.py turns it off for speed)."""
    from django.test import utils

    instrumented = getattr(utils, "instrumented_test_render")  # noqa: B009
    plain = _swap_template_render(instrumented, instrumented)
    yield
    _swap_template_render(*plain)


@pytest.fixture(autouse=True)
def _two_factor_off_unless_asked(settings) -> None:
    # Views are tested signed in with force_login; tests/accounts/test_two_factor.py turns
    # the requirement back on and goes through the real TOTP steps.
    settings.OPENEPA_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _nothing_cached_from_another_test() -> Iterator[None]:
    # The admin's home-page figures are cached by EPAO id (openepa.web.dashboards); a later
    # test's database reuses ids, so a figure counted for one test must not show in another.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _uses_db(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "db" in names


def _commits(item: pytest.Item) -> bool:
    """A test whose writes really commit (a live server, a worker in another process): it
    cannot run inside a module's transaction."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    asked = dict(marker.kwargs) if marker is not None else {}
    return (
        any(asked.get(k) for k in ("transaction", "reset_sequences", "serialized_rollback"))
        or bool(asked.get("databases"))
        or any(n in names for n in ("transactional_db", "live_server", "django_db_reset_sequences"))
    )


def _may_share_the_world(items: list[pytest.Item]) -> bool:
    """A module's tests may share one world when every test of it that touches the database
    asks for `world`, none commits, and none moves the clock with time-machine's fixture
    (the world's standardisation dates are read from the clock it is built on)."""
    if os.environ.get("OPENEPA_TEST_SHARED_WORLD") == "0":  # to compare, or to rule it out
        return False
    users = [item for item in items if _uses_db(item)]
    return bool(users) and all(
        "world" in getattr(item, "fixturenames", ())
        and "time_machine" not in getattr(item, "fixturenames", ())
        and not _commits(item)
        for item in users
    )


@pytest.fixture(scope="module")
def world_of_the_module(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Any]:
    """The world built once for a module whose tests may share it (`_may_share_the_world`),
    inside a transaction rolled back at the module's end; None for any other module."""
    module = request.module
    items = [i for i in request.session.items if getattr(i, "module", None) is module]
    if not _may_share_the_world(items):
        yield None
        return
    from tests.personas import build_world

    with rolled_back_at_module_end(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(world_of_the_module, db):
    """A world of organisations and personas (tests/personas.py). Built once per module
    where the module's tests allow it, `setUpTestData`-style: each test gets a deep copy of
    the objects and runs in a savepoint of its own, so what it changes, in memory or in the
    database, never reaches the next test. Otherwise built for the test."""
    import copy

    if world_of_the_module is None:
        from tests.personas import build_world

        return build_world()
    return copy.deepcopy(world_of_the_module)


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[Any]:
    """One world for a whole module of tests that only read it (lists, dashboards, access
    checks): such a module defines a module-scoped `world` fixture returning this one."""
    from tests.personas import build_world

    with rolled_back_at_module_end(django_db_blocker):
        with django_db_blocker.unblock():
            world = build_world()
        yield world


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


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A local S3-compatible server over HTTP (moto's server mode, a dev dependency) on a
    free port, for the session; its address. Skipped only when it cannot start, unless
    OPENEPA_TEST_OBJECT_STORE=required (CI), where that fails instead."""
    import socket
    import subprocess
    import sys
    import time

    def unavailable(why: str) -> None:
        if os.environ.get("OPENEPA_TEST_OBJECT_STORE") == "required":
            pytest.fail(f"The S3-compatible test server is required: {why}")
        pytest.skip(f"No S3-compatible test server: {why}")

    port = _free_port()
    try:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    except OSError as cannot:
        unavailable(str(cannot))
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                said = server.stderr.read().decode()[-500:] if server.stderr else ""
                unavailable(f"moto.server exited: {said}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    unavailable("moto.server did not answer within 30 s")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def object_store(s3_server, settings, monkeypatch) -> Any:
    """Django's default storage in a fresh bucket of the test S3 server, configured as
    OPENEPA_S3_* configures it (openepa.settings.s3_storage); a boto3 client on the same
    bucket (`.client`, `.bucket`, `.keys()`) to look behind the app's back."""
    import uuid
    from types import SimpleNamespace

    import boto3

    from openepa.settings import s3_storage

    for name, value in {
        "AWS_ACCESS_KEY_ID": "openepa-test",
        "AWS_SECRET_ACCESS_KEY": "openepa-test-secret",
        "NO_PROXY": "127.0.0.1,localhost",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    bucket = f"openepa-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2")
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket, endpoint_url=s3_server, region="eu-west-2", addressing_style="path"
        ),
    }

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def read(key: str) -> bytes:
        body: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        return body

    return SimpleNamespace(client=client, bucket=bucket, keys=keys, read=read)
