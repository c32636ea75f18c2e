"""Unique Learner Number validation (ESFA ILR validation rules DD01 and ULN_04; HESA ULN
field definition). Pure domain: no database, no Django."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openepa.domain.uln import make_uln, validate_uln


@pytest.mark.parametrize(
    "uln",
    [
        # HESA's published worked example (weights 10…1 over all ten digits give 296,
        # remainder 10); by DD01: 90+18+56+42+18+0+32+18+16 = 290, 290 mod 11 = 4, 10-4 = 6
        "9276308686",
        # 10+0+0+0+6+0+8+15+0 = 39, mod 11 = 6, check 4
        "1000102504",
        # 10+18+24+28+30+30+28+24+18 = 210, mod 11 = 1, check 9
        "1234567899",
        # 10, mod 11 = 10, check digit 0 is allowed
        "1000000000",
        # 9 × 54 = 486, mod 11 = 2, check 8
        "9999999998",
        # surrounding whitespace is ignored
        "  9276308686 ",
        "9276308686\n",
    ],
)
def test_valid_ulns(uln):
    assert validate_uln(uln) is None
    assert validate_uln(uln) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "ULN must be exactly 10 digits (this has 0)"),
        ("   ", "ULN must be exactly 10 digits (this has 0)"),
        ("927630868", "ULN must be exactly 10 digits (this has 9)"),
        ("92763086860", "ULN must be exactly 10 digits (this has 11)"),
        ("92763O8686", "ULN must contain digits only (no spaces, letters or punctuation)"),
        ("ABCDEFGHIJ", "ULN must contain digits only (no spaces, letters or punctuation)"),
        ("92763 08686", "ULN must contain digits only (no spaces, letters or punctuation)"),
        ("9276-308686", "ULN must contain digits only (no spaces, letters or punctuation)"),
        ("-927630868", "ULN must contain digits only (no spaces, letters or punctuation)"),
        # Unicode digits that str.isdigit() accepts
        ("927630868²", "ULN must contain digits only (no spaces, letters or punctuation)"),
        (
            "９２７６３０８６８６",
            "ULN must contain digits only (no spaces, letters or punctuation)",
        ),
        ("0276308686", "ULN must not start with 0"),
        ("0000000000", "ULN must not start with 0"),
        (
            "9276308685",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        (
            "9276308687",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        (
            "1234567890",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        # two digits swapped: caught by the weighted sum
        (
            "2976308686",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        # 10 + 4×3 = 22, remainder 0: no tenth digit can make these nine digits a ULN
        (
            "1000000400",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        (
            "1000000409",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        # the ILR placeholder for an unknown ULN
        ("9999999999", "9999999999 is the placeholder for an unknown ULN, not a learner's ULN"),
    ],
)
def test_invalid_ulns(value, reason):
    assert validate_uln(value) == reason
    assert validate_uln(value) is not None


@pytest.mark.parametrize(
    ("prefix9", "expected"),
    [
        ("927630868", "9276308686"),
        ("100010250", "1000102504"),
        ("123456789", "1234567899"),
        ("100000000", "1000000000"),
        ("999999999", "9999999998"),
        ("100000040", None),  # remainder 0
        ("027630868", None),  # leading zero
        ("92763086", None),  # eight digits
        ("9276308686", None),  # ten digits
        ("92763086x", None),
    ],
)
def test_make_uln(prefix9, expected):
    assert make_uln(prefix9) == expected


PREFIXES = st.from_regex(r"\A[1-9][0-9]{8}\Z")


@given(PREFIXES)
def test_make_uln_output_always_validates(prefix9):
    uln = make_uln(prefix9)
    if uln is not None:
        assert uln.startswith(prefix9)
        assert validate_uln(uln) is None


@given(PREFIXES)
def test_exactly_one_tenth_digit_or_none_is_valid(prefix9):
    valid = [d for d in "0123456789" if validate_uln(prefix9 + d) is None]
    made = make_uln(prefix9)
    assert valid == ([] if made is None else [made[-1]])


@given(st.text(max_size=14))
def test_validate_uln_never_raises(value):
    reason = validate_uln(value)
    assert reason is None or reason.startswith(("ULN", "9999999999"))
