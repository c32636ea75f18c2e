from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.certificates.standin import KEY, StandIn


@pytest.fixture
def standin(settings) -> Iterator[StandIn]:
    """The local stand-in for the assessment service, and OpenEPA's settings pointing at
    it with its subscription key."""
    service = StandIn().start()
    settings.OPENEPA_ASSESSMENT_SERVICE_URL = service.url
    settings.OPENEPA_ASSESSMENT_SERVICE_KEY = KEY
    settings.OPENEPA_ASSESSMENT_SERVICE_TIMEOUT = 2
    try:
        yield service
    finally:
        service.stop()
