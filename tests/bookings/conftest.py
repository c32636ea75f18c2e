from __future__ import annotations

from typing import Any

import pytest

from tests.bookings.helpers import at, local, to_planning
from tests.forms import with_date_inputs


@pytest.fixture
def planned(world):
    to_planning(world)
    return world


@pytest.fixture
def nqual_world(db):
    from tests.personas import build_world

    world = build_world("nqual")
    to_planning(world)
    return world


@pytest.fixture
def gq_world(db):
    from tests.personas import build_world

    world = build_world("gateway-qualifications")
    to_planning(world)
    return world


@pytest.fixture
def booking_post():
    def make(world: Any, **overrides: Any) -> dict[str, Any]:
        world.enrolment.refresh_from_db()
        data: dict[str, Any] = {
            "version": world.enrolment.version,
            "method": "observation",
            "kind": "first",
            "starts_at": local(at(12, 1, 10)),
            "duration_minutes": 90,
            "venue": "Harbour Bank, Quay Street",
            "assessor": world.assessor.pk,
        }
        data.update(overrides)
        return with_date_inputs(data, "starts_at")

    return make
