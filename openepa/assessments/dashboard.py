from __future__ import annotations

from typing import Any


def sections(user: Any) -> list[dict[str, Any]]:
    """Dashboard sections this context contributes to the user's home page."""
    return []
