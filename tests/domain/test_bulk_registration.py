"""The CSV rows of a bulk registration, checked without a database
(openepa.domain.bulk_registration; the rules of the registration page)."""

from __future__ import annotations

from datetime import date

import pytest

from openepa.domain.bulk_registration import (
    COLUMNS,
    EXAMPLE_ROW,
    REQUIRED_COLUMNS,
    Row,
    check_row,
    column_key,
    mark_duplicate_ulns,
    parse_date,
    parse_flag,
    read_header,
)
from openepa.domain.uln import validate_uln

HEADER = read_header(list(COLUMNS))


def cells(**changes: str) -> list[str]:
    values = EXAMPLE_ROW | changes
    return [values[c] for c in COLUMNS]


def problems(row: Row) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in row.problems]


def test_the_example_row_is_valid_and_typed():
    assert validate_uln(EXAMPLE_ROW["uln"]) is None
    row = check_row(2, cells(), HEADER, provider_required=True)
    assert row.valid
    assert row.data is not None
    assert row.data.date_of_birth == date(2006, 12, 9)
    assert row.data.face_to_face is True
    assert row.data.non_facing is False
    assert row.data.provider == "Coastal Training"


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("uln", "uln"),
        ("ULN", "uln"),
        ("\ufeffuln", "uln"),
        ("Date of birth", "date_of_birth"),
        (" date-of-birth ", "date_of_birth"),
        ("Face-to-face", "face_to_face"),
        ("Non-facing", "non_facing"),
    ],
)
def test_column_names_are_read_leniently(heading, key):
    assert column_key(heading) == key


def test_a_header_with_every_column_in_any_order_is_fine():
    header = read_header([*reversed(list(COLUMNS)), "", " "])
    assert header.problems == ()
    assert header.positions["uln"] == len(COLUMNS) - 1
    assert header.width == len(COLUMNS) + 2


def test_optional_columns_may_be_left_out():
    assert read_header(list(REQUIRED_COLUMNS)).problems == ()


@pytest.mark.parametrize(
    ("headings", "expected"),
    [
        (["uln", "given_name"], "Missing columns: Family name, Date of birth, Employer"),
        ([*COLUMNS, "non_fasing"], "Unknown column “non_fasing”."),
        ([*COLUMNS, "ULN"], "Column “ULN” appears twice."),
    ],
)
def test_a_bad_header_is_refused_naming_the_columns(headings, expected):
    header = read_header(headings)
    assert any(expected in p for p in header.problems), header.problems
    assert "see the CSV template" in header.problems[-1]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2025-02-03", date(2025, 2, 3)),
        (" 2025-02-03 ", date(2025, 2, 3)),
        ("03/02/2025", date(2025, 2, 3)),  # DD/MM/YYYY, as UK spreadsheets export
        ("3/2/2025", date(2025, 2, 3)),
        ("29/02/2024", date(2024, 2, 29)),
        ("29/02/2025", None),
        ("2025-02-30", None),
        ("03/02/25", None),  # two-digit year: 1925 or 2025?
        ("2025/02/03", None),
        ("20250203", None),
        ("3 Feb 2025", None),
        ("", None),
    ],
)
def test_dates(text, parsed):
    assert parse_date(text) == parsed


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("yes", True),
        ("YES", True),
        ("y", True),
        ("true", True),
        ("1", True),
        ("x", True),
        ("no", False),
        ("N", False),
        ("0", False),
        ("false", False),
        ("", False),
        ("maybe", None),
    ],
)
def test_flags(text, parsed):
    assert parse_flag(text) is parsed


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"uln": "9276308687"},
            "uln",
            "ULN is not valid: its last digit does not match the other nine; check the number",
        ),
        ({"uln": ""}, "uln", "ULN must be exactly 10 digits (this has 0)"),
        ({"given_name": ""}, "given_name", "Given name is required."),
        ({"family_name": "x" * 101}, "family_name", "Family name must be at most 100 characters"),
        ({"employer": ""}, "employer", "Employer is required."),
        ({"provider": ""}, "provider", "Training provider is required when an EPAO admin uploads."),
        ({"date_of_birth": ""}, "date_of_birth", "Date of birth is required."),
        (
            {"start_date": "31/02/2025"},
            "start_date",
            "Start date “31/02/2025” is not a date as YYYY-MM-DD or DD/MM/YYYY.",
        ),
        (
            {"planned_end_date": "2025-01-01"},
            "planned_end_date",
            "Planned end date must be after the start date.",
        ),
        ({"date_of_birth": "2015-01-01"}, "date_of_birth", "must be at least 16 on the start date"),
        (
            {"date_of_birth": "2026-01-01"},
            "date_of_birth",
            "Date of birth must be before the start date.",
        ),
        (
            {"face_to_face": "no", "non_facing": ""},
            "face_to_face",
            "Choose at least one interaction mode",
        ),
        (
            {"non_facing": "sometimes"},
            "non_facing",
            "Write yes or no in Non facing, not “sometimes”.",
        ),
    ],
)
def test_each_rule_names_its_column(changes, column, message):
    row = check_row(7, cells(**changes), HEADER, provider_required=True)
    assert not row.valid
    assert row.data is None
    assert any(c == column and message in m for c, m in problems(row)), problems(row)


def test_a_provider_may_leave_the_provider_column_blank():
    row = check_row(2, cells(provider=""), HEADER, provider_required=False)
    assert row.valid


def test_every_problem_of_a_row_is_reported_not_only_the_first():
    row = check_row(
        3, cells(uln="123", given_name="", start_date="soon"), HEADER, provider_required=True
    )
    assert [c for c, _ in problems(row)] == ["uln", "given_name", "start_date"]


def test_short_rows_read_as_blank_and_extra_values_are_an_error():
    short = check_row(2, cells()[:3], HEADER, provider_required=False)
    assert ("employer", "Employer is required.") in problems(short)
    long = check_row(2, [*cells(), "surprise"], HEADER, provider_required=True)
    assert problems(long) == [
        ("row", f"The row has {len(COLUMNS) + 1} values; the header has {len(COLUMNS)}.")
    ]


def test_a_uln_twice_in_the_file_is_an_error_on_each_row_naming_both():
    rows = [
        check_row(2, cells(), HEADER, provider_required=True),
        check_row(3, cells(uln="1000102504"), HEADER, provider_required=True),
        check_row(5, cells(), HEADER, provider_required=True),
    ]
    mark_duplicate_ulns(rows)
    message = "ULN 9276308686 is on rows 2 and 5 of this file."
    assert problems(rows[0]) == [("uln", message)]
    assert problems(rows[2]) == [("uln", message)]
    assert rows[0].data is None
    assert rows[1].valid


def test_three_rows_with_one_uln_are_all_named():
    rows = [check_row(n, cells(), HEADER, provider_required=True) for n in (2, 4, 9)]
    mark_duplicate_ulns(rows)
    assert problems(rows[1]) == [("uln", "ULN 9276308686 is on rows 2, 4 and 9 of this file.")]
