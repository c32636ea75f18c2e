from __future__ import annotations

import pytest

from openepa.domain.policy import Policy
from openepa.domain.standard import Standard
from openepa.policies.loader import get_policy
from openepa.standards.loader import get_standard


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
