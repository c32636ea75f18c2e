"""The demo's replayed history emails nobody (its steps are in the past); a step taken in
the demo afterwards does. Its own module: it needs a database with no demo in it yet, which
tests/web/test_demo.py shares between its tests."""

from __future__ import annotations

from datetime import date

import pytest
from django_tasks_db.models import DBTaskResult

from openepa.demo import do_seed_demo
from openepa.domain.steps import CaseStep
from openepa.enrolments.journey import record
from openepa.enrolments.models import Enrolment

pytestmark = pytest.mark.django_db

#: A Monday with no bank holiday near it, so the stories' dates are the same every run.
TODAY = date(2026, 11, 23)


def test_the_demo_history_emails_nobody(django_capture_on_commit_callbacks):
    # Replaying the stories queues no email task: their steps are in the past …
    with django_capture_on_commit_callbacks(execute=True):
        do_seed_demo(apprentices=3, today=TODAY)
    assert not DBTaskResult.objects.exists()
    # … while a step taken now, in the demo, does.
    enrolment = Enrolment.objects.order_by("id")[0]
    with django_capture_on_commit_callbacks(execute=True):
        record(enrolment, actor=None, action=CaseStep.CASE_DECIDED, data={})
    assert DBTaskResult.objects.count() == 1
