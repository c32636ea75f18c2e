from __future__ import annotations

import pytest


@pytest.fixture
def gq_world(db):
    """The world under Gateway Qualifications, whose special-consideration deadlines are
    10 working days before and 5 after (seed 000 §5)."""
    from tests.personas import build_world

    return build_world("gateway-qualifications")
