from __future__ import annotations

import pytest

from openepa.evidence import suggestions


@pytest.fixture(autouse=True)
def keyword_suggestions(monkeypatch):
    """The page tests see the keyword ranking whether or not the optional embeddings extra
    is installed, so they hold the same everywhere (its own tests cover the model)."""
    monkeypatch.setattr(suggestions, "embeddings_available", lambda: False)
