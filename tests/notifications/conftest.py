"""The notification tests run the tasks the way the worker would, but synchronously: the
tasks backend is Django's ImmediateBackend and `deliver()` runs what the committed
actions queued. tests/notifications/test_worker.py goes through the real database backend
and `db_worker` instead."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings) -> None:
    settings.TASKS = IMMEDIATE


@pytest.fixture
def deliver(
    immediate_tasks, django_capture_on_commit_callbacks
) -> Callable[[], AbstractContextManager[None]]:
    """`with deliver(): <a journey step>`: the step's transaction commits, and what it
    queued (notify_for_event, then send_message) runs at once."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run
