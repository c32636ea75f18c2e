"""Reading the header search box's text (openepa.domain.search)."""

from __future__ import annotations

import pytest

from openepa.domain.search import Terms, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9276308686", Terms("9276308686", uln="9276308686")),
        (" 92763 08686 ", Terms("92763 08686", uln="9276308686")),
        ("42", Terms("42", number=42)),
        ("#42", Terms("#42", number=42)),
        ("123456789012", Terms("123456789012", number=None)),
        ("99999999999999", Terms("99999999999999")),
        ("ada  love", Terms("ada love", words=("ada", "love"))),
        ("a lovelace", Terms("a lovelace", words=("lovelace",))),
        ("Harbour Bank", Terms("Harbour Bank", words=("Harbour", "Bank"))),
        ("a b c d e f g h", Terms("a b c d e f g h")),
        ("", Terms("")),
        ("²²", Terms("²²", words=("²²",))),
        (
            "one two three four five six",
            Terms("one two three four five six", words=("one", "two", "three", "four", "five")),
        ),
    ],
)
def test_parse(text, expected):
    assert parse(text) == expected


def test_empty():
    assert parse(" a ").empty
    assert not parse("ab").empty
    assert not parse("0").empty
