"""A one-sheet XLSX workbook written as it is sent: the staff lists' downloads (issue 17 §4).

Why not openpyxl, which wrote them before: its write-only mode keeps memory flat, but it
builds an XML element per cell and serialises it in pure Python, about 40 µs a cell; a
100,000-row list of 11 columns took 45–75 s on the shared benchmark machine, past
gunicorn's 60 s timeout (docs/DEPLOY.md), and the whole file had to be written to a
temporary file before its first byte was sent. A sheet of text, numbers and dates is a
small, fixed piece of SpreadsheetML (ECMA-376 Part 1, §18.3 the sheet, §18.8 the styles;
Part 2 the package), written here a row at a time into a ZIP stream (`zipfile` writes to a
stream that cannot seek, with data descriptors) and sent in blocks as the rows come: some
25 times faster, memory bounded by one block, nothing on disk.

What a cell holds: text as an inline string (never a formula: a formula is a separate
element this writer never writes; text is still made spreadsheet-safe by the caller, so
both formats read the same), whole and decimal numbers as numbers, dates and times as
Excel serial numbers with a date format (the local time, without a zone), and nothing for
None. Characters XML 1.0 cannot carry (control characters but tab and line breaks) are
left out rather than failing the download."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Final
from xml.sax.saxutils import escape, quoteattr

#: A value the writer knows how to put in a cell.
Value = str | int | float | date | datetime | None

MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
#: How many rows go into the ZIP stream between two blocks of the response.
ROWS_PER_BLOCK: Final = 500
#: Excel's limit on a sheet's name, and the characters it refuses in one.
SHEET_NAME_MAX: Final = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
#: XML 1.0 has no place for these (ECMA-376 text is XML 1.0).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Day 0 of Excel's 1900 date system as it is used after 1 March 1900.
_EPOCH: Final = datetime(1899, 12, 30)
_DAY: Final = timedelta(days=1)
#: The cell formats of styles.xml: 0 general, 1 a date, 2 a date and time (openpyxl's own).
_DATE_STYLE, _TIME_STYLE = 1, 2

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    _XML + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    _XML + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_START = _XML + f'<worksheet xmlns="{MAIN}"><sheetData>'
SHEET_END = "</sheetData></worksheet>"


def workbook_xml(title: str) -> str:
    name = _NOT_IN_SHEET_NAMES.sub(" ", title)[:SHEET_NAME_MAX].strip() or "Sheet1"
    return (
        _XML + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<sheets><sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def column_letters(index: int) -> str:
    """The column's letters, from 1: 1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(ref: str, value: str) -> str:
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    keep = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{keep}>{escape(value)}</t></is></c>'


def cell(ref: str, value: Value) -> str:
    """One cell's XML ("" for an empty cell)."""
    kind = type(value)
    if kind is str:
        return _text(ref, value)  # type: ignore[arg-type]
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'  # type: ignore[arg-type]
    if kind is int or (kind is float and math.isfinite(value)):  # type: ignore[arg-type]
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("A time in a spreadsheet has no zone: give it as local time")
        serial = (value - _EPOCH) / _DAY
        return f'<c r="{ref}" s="{_TIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{_DATE_STYLE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    return _text(ref, str(value))


def _row(number: int, letters: Sequence[str], values: Sequence[Value]) -> str:
    # A row is never wider than its letters (they are made for the widest row yet).
    cells = "".join(
        cell(f"{letter}{number}", value) for letter, value in zip(letters, values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


class _Blocks:
    """Where the ZIP stream is written: what was written since the last block is taken out
    and sent. It cannot seek, so `zipfile` writes each part's sizes after its data."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        block = b"".join(self._parts)
        self._parts = []
        return block


def stream(title: str, rows: Iterable[Sequence[Value]]) -> Iterator[bytes]:
    """The workbook of one sheet named `title` holding `rows` (the first is the heading),
    as blocks of bytes, each sent as soon as it is written."""
    out = _Blocks()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", PACKAGE_RELS)
        book.writestr("xl/workbook.xml", workbook_xml(title))
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        book.writestr("xl/styles.xml", STYLES)
        yield out.take()
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START.encode())
            letters: list[str] = []
            block: list[str] = []
            for number, values in enumerate(rows, 1):
                if len(values) > len(letters):
                    letters = [column_letters(i) for i in range(1, len(values) + 1)]
                block.append(_row(number, letters, values))
                if len(block) >= ROWS_PER_BLOCK:
                    sheet.write("".join(block).encode())
                    block = []
                    yield out.take()
            sheet.write(("".join(block) + SHEET_END).encode())
    yield out.take()
