"""The XLSX writer of the downloads (openepa.core.xlsx), read back by openpyxl as a
spreadsheet would read it: every kind of cell, text XML cannot carry, more rows than one
block and more columns than A–Z."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from openepa.core import xlsx


def read(title, rows):
    data = b"".join(xlsx.stream(title, rows))
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    book = load_workbook(io.BytesIO(data))
    return book, book.active


def test_every_kind_of_cell_reads_back_as_it_was_given():
    given = [
        "Plain",
        'Tom & Jerry <b>"quoted"</b>',
        "  spaced  ",
        "'=cmd|' /C calc'!A0",
        12,
        -3.25,
        date(2027, 6, 30),
        datetime(2027, 6, 30, 14, 5),
        None,
        True,
    ]
    book, sheet = read("Pipeline", [["Heading"] * len(given), given])
    assert book.sheetnames == ["Pipeline"]
    cells = next(iter(sheet.iter_rows(min_row=2, values_only=True)))
    assert list(cells) == [*given[:6], datetime(2027, 6, 30), given[7], None, True]
    # Text that looks like a formula stays text: the writer never writes a formula.
    assert sheet["D2"].data_type == "s"
    assert sheet["G2"].is_date
    assert sheet["H2"].is_date


def test_characters_xml_cannot_carry_are_left_out():
    _book, sheet = read("List", [["Name"], ["Ada\x0bLove\x00lace\ttab"]])
    assert sheet["A2"].value == "AdaLovelace\ttab"


def test_many_rows_and_wide_rows():
    rows = [[f"r{r}c{c}" for c in range(30)] for r in range(xlsx.ROWS_PER_BLOCK * 2 + 7)]
    _book, sheet = read("Wide", rows)
    assert sheet.max_row == len(rows)
    assert sheet["AD1"].value == "r0c29"
    assert sheet[f"AA{len(rows)}"].value == f"r{len(rows) - 1}c26"


def test_a_sheet_name_excel_refuses_is_made_one_it_takes():
    book, _sheet = read("Results: [due]/overdue? and a very long tail", [["x"]])
    assert book.sheetnames == ["Results   due  overdue  and a v"]


def test_a_time_with_a_zone_is_refused():
    from datetime import UTC

    with pytest.raises(ValueError, match="no zone"):
        b"".join(xlsx.stream("x", [[datetime(2027, 1, 1, tzinfo=UTC)]]))


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (703, "AAA")])
def test_column_letters(index, letters):
    assert xlsx.column_letters(index) == letters
