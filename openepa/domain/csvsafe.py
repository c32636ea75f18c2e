"""Text written to a CSV file that people open in a spreadsheet.

A cell that starts with "=", "+", "-", "@", a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula; a family name typed as "=HYPERLINK(...)" would
then run when an EPAO admin opens the export. The OWASP "CSV Injection" guidance is to
prefix such cells with a single quote, which the spreadsheet shows as text.

Every CSV download of OpenEPA writes through `writer` or `dict_writer` below, so no cell
reaches a spreadsheet raw (issue 11 §4)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> object: ...


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe(cell: object) -> object:
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


class SafeWriter:
    """csv.writer whose text cells are made spreadsheet-safe (numbers are left as they are:
    a spreadsheet reads them as numbers, never as formulas)."""

    def __init__(self, out: _Writable, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """csv.DictWriter with the same rule; the header row is made safe too."""

    def __init__(
        self, out: _Writable, fieldnames: Sequence[str], lineterminator: str = "\r\n"
    ) -> None:
        self._writer = csv.DictWriter(
            out, fieldnames=list(fieldnames), lineterminator=lineterminator
        )
        self._header = [spreadsheet_safe(name) for name in fieldnames]
        self._rows = csv.writer(out, lineterminator=lineterminator)

    def writeheader(self) -> None:
        self._rows.writerow(self._header)

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow({key: _safe(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, lineterminator: str = "\r\n") -> SafeWriter:
    return SafeWriter(out, lineterminator)


def dict_writer(
    out: _Writable, fieldnames: Sequence[str], lineterminator: str = "\r\n"
) -> SafeDictWriter:
    return SafeDictWriter(out, fieldnames, lineterminator)
