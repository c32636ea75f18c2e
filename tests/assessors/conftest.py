from __future__ import annotations

import pytest

from tests.bookings.helpers import to_planning


@pytest.fixture
def planned(world):
    to_planning(world)
    return world


@pytest.fixture
def ian(world):
    """The world's assessor's profile (compliant, from tests/personas.py)."""
    return world.assessor.assessor_profiles.get(epao=world.epao)
