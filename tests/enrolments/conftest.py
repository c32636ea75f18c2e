from __future__ import annotations

import pytest


@pytest.fixture
def signed_in(client):
    """signed_in(user) → the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
