"""Keyset cursors: what a link carries comes back as the same key, and a damaged or
hand-edited cursor is refused (the page then shows its first page)."""

from __future__ import annotations

import pytest

from openepa.core.keyset import decode, encode


def test_a_cursor_gives_back_its_key() -> None:
    key = ["O'Brien", "Zoë", 42]
    assert decode(encode(key), 3) == key


@pytest.mark.parametrize(
    "cursor",
    [
        None,
        "",
        "not base64 at all!",
        encode(["Lovelace", "Ada"]),  # too short for three keys
        encode(["Lovelace", "Ada", True]),  # not a name or an id
        encode(["Lovelace", "Ada", None]),
        encode(["Lovelace", "Ada", [1]]),
    ],
)
def test_a_damaged_cursor_is_refused(cursor: str | None) -> None:
    assert decode(cursor, 3) is None
