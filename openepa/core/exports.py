"""A staff list downloaded as CSV or XLSX, row for row what the page lists (issue 17 §4).

A list's export is its columns (a heading and how to read the cell from a row) over the
same query the page reads, in the same order. Both formats stream: the CSV is written a
row at a time into the response while the rows come from `QuerySet.iterator()`, and the
XLSX is written by openpyxl in write-only mode into a temporary file that is then sent in
blocks, so memory stays bounded whatever the number of rows (100,000 apprentices).

Every text cell goes through `csvsafe.spreadsheet_safe` in both formats: a name typed as
"=HYPERLINK(...)" reaches the spreadsheet as text, never as a formula (OWASP "CSV
Injection"; openpyxl would otherwise store a string starting with "=" as a formula)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from openpyxl import Workbook

from openepa.domain import csvsafe

#: What a cell may hold: numbers and dates stay typed in the XLSX, text is made safe.
Cell = str | int | float | date | datetime | None

CSV: Final = "csv"
XLSX: Final = "xlsx"
FORMATS: Final = (CSV, XLSX)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: How many rows `QuerySet.iterator()` reads from the database at a time.
CHUNK = 2000
#: How many CSV lines are sent in one piece of the streamed response.
LINES = 500


def export_paths(route: str, view: Callable[..., HttpResponseBase], name: str) -> list[URLPattern]:
    """`route.csv` and `route.xlsx`, both to `view` with `fmt` set, both named `name` (so
    `{% url name fmt="xlsx" %}` picks the one)."""
    return [path(f"{route}.{fmt}", view, {"fmt": fmt}, name=name) for fmt in FORMATS]


@dataclass(frozen=True)
class Column[R]:
    heading: str
    cell: Callable[[R], Cell]


def _plain(value: Cell) -> Cell:
    """A cell as the spreadsheet should see it: text made safe, aware times in local time
    without the zone (XLSX has no time zones)."""
    if isinstance(value, str):
        return csvsafe.spreadsheet_safe(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _text(value: Cell) -> str | int | float:
    if isinstance(value, str):
        return csvsafe.spreadsheet_safe(value)
    if value is None:
        return ""
    plain = _plain(value)
    if isinstance(plain, datetime):
        return plain.isoformat(sep=" ", timespec="minutes")
    if isinstance(plain, date):
        return plain.isoformat()
    return plain  # type: ignore[return-value]


class _Line:
    """A file-like object whose write returns what was written, for csv.writer."""

    def write(self, text: str) -> str:
        return text


def _csv_lines[R](columns: Sequence[Column[R]], rows: Iterable[R]) -> Iterator[str]:
    # csv.writer returns the line it wrote (csvsafe's writer does not), so the cells are
    # made safe by _text and written by a plain writer; lines go out LINES at a time.
    raw = csv.writer(_Line())
    # A byte-order mark first, so that Excel reads the file as UTF-8 (names with accents).
    block = ["\ufeff" + raw.writerow([csvsafe.spreadsheet_safe(c.heading) for c in columns])]
    for row in rows:
        block.append(raw.writerow([_text(c.cell(row)) for c in columns]))
        if len(block) >= LINES:
            yield "".join(block)
            block = []
    yield "".join(block)


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response[R](
    fmt: str, filename: str, columns: Sequence[Column[R]], rows: Iterable[R], *, title: str
) -> HttpResponseBase:
    """The download of `rows` in `fmt` ("csv" or "xlsx"), named `filename` plus the
    extension. `rows` should be a `QuerySet.iterator(CHUNK)` so nothing holds every row."""
    if fmt == XLSX:
        return _attachment(_xlsx(columns, rows, title=title), f"{filename}.xlsx")
    response = StreamingHttpResponse(
        _csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    return _attachment(response, f"{filename}.csv")


def _xlsx[R](columns: Sequence[Column[R]], rows: Iterable[R], *, title: str) -> FileResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])  # Excel's limit on a sheet's name
    sheet.append([csvsafe.spreadsheet_safe(c.heading) for c in columns])
    for row in rows:
        sheet.append([_plain(c.cell(row)) for c in columns])
    # Written to a temporary file (deleted when the response closes it), then sent in blocks.
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    book.save(out)
    out.seek(0)
    return FileResponse(out, content_type=XLSX_TYPE)
