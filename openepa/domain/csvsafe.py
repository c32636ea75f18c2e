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
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe(cell: Any) -> Any:
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


class SafeWriter:
    """csv.writer whose text cells are made spreadsheet-safe (numbers are left as they are:
    a spreadsheet reads them as numbers, never as formulas)."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """csv.DictWriter with the same rule; the header row is made safe too."""

    def __init__(self, out: _Writable, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(out, fieldnames=list(fieldnames), **options)
        self._header = [spreadsheet_safe(name) for name in fieldnames]
        self._rows = csv.writer(out, **options)

    def writeheader(self) -> None:
        self._rows.writerow(self._header)

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({key: _safe(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **options: Any) -> SafeWriter:
    return SafeWriter(out, **options)


def dict_writer(out: _Writable, fieldnames: Sequence[str], **options: Any) -> SafeDictWriter:
    return SafeDictWriter(out, fieldnames, **options)
