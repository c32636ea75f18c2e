from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def assessor_client(world) -> Client:
    client = Client()
    client.force_login(world.assessor)
    return client


@pytest.fixture
def admin_client_(world) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client
