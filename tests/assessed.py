"""An NQual EPA marked through the pages and awaiting its result's release, built once per
module that asks for it (`assessed`): the results emails and the stored documents start
from it."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import TestCase, override_settings

from openepa.domain.grading import Outcome
from openepa.domain.standard import InteractionMode, Method
from tests.journeys.driver import Journey, marks
from tests.module_db import rolled_back_at_module_end
from tests.personas import World, build_world

F2F = frozenset({InteractionMode.FACE_TO_FACE})


@pytest.fixture(scope="module")
def assessed_for_the_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    """NQual: gateway, planning, three bookings, three sheets with the observation failed on
    S8.1; the result awaits release. Built once for the module (a world and three marked
    sheets through the pages cost a few seconds), as `deliver()` would build it: the steps'
    tasks run at once, with two-factor off as tests/conftest.py turns it off for each test.
    Rolled back at the module's end."""
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with rolled_back_at_module_end(django_db_blocker), django_db_blocker.unblock():
        with override_settings(TASKS=immediate, OPENEPA_REQUIRE_2FA=False):
            world = build_world(policy="nqual")
            journey = Journey(world.enrolment)
            with TestCase.captureOnCommitCallbacks(execute=True):
                showcase, observation, discussion = journey.to_three_bookings(world)
                journey.mark(world.assessor, showcase, marks(Method.SHOWCASE, F2F, 10))
                failed = marks(Method.OBSERVATION, F2F, 5, {"S8.1": Outcome.NOT_MET})
                journey.mark(
                    world.assessor, observation, failed, "Open every conversation positively."
                )
                journey.mark(world.assessor, discussion, marks(Method.DISCUSSION, F2F, 4))
            assert journey.state() == "awaiting_results"
        yield world


@pytest.fixture
def assessed(assessed_for_the_module, db, deliver) -> tuple[World, Journey]:
    """The module's assessed world, `setUpTestData`-style: a deep copy of its objects and a
    journey of its own (fresh sign-ins), in the test's own savepoint; the emails its steps
    sent are cleared."""
    world = copy.deepcopy(assessed_for_the_module)
    mail.outbox.clear()
    return world, Journey(world.enrolment)
