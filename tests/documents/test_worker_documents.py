"""Stored documents with real workers (`manage.py db_worker` processes): a worker killed
while sending a release's emails leaves the documents it rendered in the file store, and the
next worker sends the other emails with those same files, rendering nothing again
(issue 15 §4; the recovery itself is openepa.notifications.recovery)."""

from __future__ import annotations

import subprocess
import time

import pytest

from openepa.documents.models import StoredDocument
from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Method
from openepa.notifications.models import OutboxMessage
from tests.journeys.driver import Journey, marks
from tests.notifications.test_worker_recovery import (
    PARTIES,
    ROOT,
    TIMEOUT_SECONDS,
    kill_mid_send,
    lines,
    worker,
    worker_env,
)
from tests.personas import build_world
from tests.subprocess_db import database_url_for_subprocess

pytestmark = pytest.mark.django_db(transaction=True)
F2F = frozenset({InteractionMode.FACE_TO_FACE})


def test_a_worker_killed_mid_release_leaves_its_documents_for_the_next(tmp_path, settings):
    world = build_world(policy="nqual")
    journey = Journey(world.enrolment)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    showcase, observation, discussion = journey.to_three_bookings(world)
    journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 10))
    failed = marks(Method.OBSERVATION, F2F, 5, {"S8.1": Outcome.NOT_MET})
    journey.mark(world.assessor, observation, failed)
    journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 4))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result_id = journey.release(world.admin)
    log = tmp_path / "mail.log"
    files = tmp_path / "files"  # this test's file store, shared with its workers
    settings.OPENEPA_UPLOAD_ROOT = files
    with database_url_for_subprocess(tmp_path) as url:
        stalling = {**worker_env(url, log, stall=True), "OPENEPA_UPLOAD_ROOT": str(files)}
        kill_mid_send(stalling, log)
        (stalled,) = [line.removeprefix("start ") for line in lines(log)]
        time.sleep(TIMEOUT_SECONDS + 0.5)
        done = subprocess.run(
            worker("--batch", "--interval", "0", env={}),
            cwd=ROOT,
            env={**worker_env(url, log, stall=False), "OPENEPA_UPLOAD_ROOT": str(files)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    messages = OutboxMessage.objects.filter(kind="results_issued")
    states = dict(messages.values_list("recipient", "state"))
    assert states == {stalled: "unknown", **dict.fromkeys(PARTIES - {stalled}, "sent")}
    # The two documents, rendered once by the dead worker before its first send, named by
    # every message and attached by the next worker's sends; no other file was written.
    stored = dict(StoredDocument.objects.values_list("pk", "name"))
    assert len(stored) == 2
    assert all(n.startswith(f"documents/{result_id}/") for n in stored.values())
    for message in messages:
        assert set(message.documents.values_list("pk", flat=True)) == set(stored)
        if message.state == "sent":
            assert [a["mimetype"] for a in message.attachments] == ["application/pdf"] * 2
    on_disk = sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file())
    assert on_disk == sorted(stored.values())
