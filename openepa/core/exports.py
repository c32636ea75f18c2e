"""A staff list downloaded as CSV or XLSX, row for row what the page lists (issue 17 §4).

A list's export is its columns (a heading and how to read the cell from a row) over the
same query the page reads, in the same order. The rows are plain values
(`QuerySet.values(*fields)`, the fields the columns read and no others): a model instance
and its select_related neighbours cost some 25 µs each to build, eight a row for the
results list, which was most of a download's time at 100,000 apprentices. Both formats
stream: the rows come from `QuerySet.iterator(CHUNK)` (a server-side cursor on PostgreSQL,
read in one transaction) and each format is written a block of rows at a time into the
response, the CSV as lines and the XLSX as a ZIP stream (openepa.core.xlsx), so memory stays
bounded whatever the number of rows (100,000 apprentices) and the first bytes leave at once.

Every text cell goes through `csvsafe.spreadsheet_safe` in both formats: a name typed as
"=HYPERLINK(...)" reaches the spreadsheet as text, never as a formula (OWASP "CSV
Injection"; the XLSX writer never writes a formula, and the same quote keeps both formats
reading alike)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from typing import Any, Final

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponseBase, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from openepa.core import xlsx
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


#: A row read as plain values: `QuerySet.values()`'s dict of field paths.
Row = dict[str, Any]


class Choices:
    """A field's choices as words, what `get_<field>_display()` gives a model instance, for
    rows read as plain values; a value outside the choices is shown as it is. Read from the
    model on first use (the labels may be translated)."""

    def __init__(self, model: type[Model], field: str) -> None:
        self._model, self._field = model, field
        self._words: dict[object, str] | None = None

    def __call__(self, value: Any) -> Any:
        if self._words is None:
            field = self._model._meta.get_field(self._field)
            choices = getattr(field, "flatchoices", ())
            self._words = {key: str(label) for key, label in choices}
        return self._words.get(value, value)


def given_and_family(row: Row, prefix: str) -> str:
    """An apprentice's name as `Apprentice.name` shows it, from the given and family names
    a row read through `prefix` ("enrolment__apprentice__")."""
    return f"{row[prefix + 'given_name']} {row[prefix + 'family_name']}"


def person(full_name: str | None, email: str | None) -> str:
    """A user as `str(user)` shows them (the name, else the email); "" for nobody."""
    return full_name or email or ""


def _plain_cells() -> Callable[[Cell], Cell]:
    """A cell as the spreadsheet should see it: text made safe, aware times in local time
    without the zone (XLSX has no time zones). The local zone is looked up once per download
    rather than per cell (`timezone.localtime` reads it from a context-local each time: a
    fifth of a 100,000-row download's time)."""
    zone = timezone.get_current_timezone()
    safe = csvsafe.spreadsheet_safe

    def plain(value: Cell) -> Cell:
        if isinstance(value, str):
            return safe(value)
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(zone).replace(tzinfo=None)
        return value

    return plain


def _text_cells() -> Callable[[Cell], str | int | float]:
    """A cell as CSV text: `_plain_cells`, then dates in ISO form and times to the minute."""
    plain = _plain_cells()

    def text(value: Cell) -> str | int | float:
        if value is None:
            return ""
        value = plain(value)
        if isinstance(value, datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, date):
            return value.isoformat()
        return value  # type: ignore[return-value]

    return text


class _Line:
    """A file-like object whose write returns what was written, for csv.writer."""

    def write(self, text: str) -> str:
        return text


def _csv_lines[R](columns: Sequence[Column[R]], rows: Iterable[R]) -> Iterator[str]:
    # csv.writer returns the line it wrote (csvsafe's writer does not), so the cells are
    # made safe by _text and written by a plain writer; lines go out LINES at a time.
    raw = csv.writer(_Line())
    text = _text_cells()
    # A byte-order mark first, so that Excel reads the file as UTF-8 (names with accents).
    block = ["\ufeff" + raw.writerow([csvsafe.spreadsheet_safe(c.heading) for c in columns])]
    for row in rows:
        block.append(raw.writerow([text(c.cell(row)) for c in columns]))
        if len(block) >= LINES:
            yield "".join(block)
            block = []
    yield "".join(block)


def _read_in_one_transaction[R](rows: Iterable[R]) -> Iterator[R]:
    """The rows, read inside one transaction: on PostgreSQL a server-side cursor opened in
    autocommit is WITH HOLD, which runs the whole query and stores every row on the server
    before the first is sent; inside a transaction the rows stream as they are found. (JIT
    compilation, which took 2.5 of a full list's 3.3 s at 100,000 apprentices, is off for
    every connection of the app: settings.py.) A read only: rolled back if the download
    stops halfway (the client went away), with nothing to undo."""
    with transaction.atomic():
        yield from rows


def attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pieces[R](
    fmt: str, columns: Sequence[Column[R]], rows: Iterable[R], *, title: str
) -> Iterator[str | bytes]:
    """The file's pieces in `fmt`: CSV lines as text, the XLSX as bytes."""
    rows = _read_in_one_transaction(rows)
    if fmt == XLSX:
        return _xlsx_blocks(columns, rows, title=title)
    return _csv_lines(columns, rows)


def content_type(fmt: str) -> str:
    return XLSX_TYPE if fmt == XLSX else "text/csv; charset=utf-8"


def export_response[R](
    fmt: str, filename: str, columns: Sequence[Column[R]], rows: Iterable[R], *, title: str
) -> HttpResponseBase:
    """The download of `rows` in `fmt` ("csv" or "xlsx"), named `filename` plus the
    extension. `rows` should be a `QuerySet.values(...).iterator(CHUNK)` so nothing holds
    every row; it is read when the response is sent (CSV) or written (XLSX)."""
    fmt = XLSX if fmt == XLSX else CSV
    response = StreamingHttpResponse(
        pieces(fmt, columns, rows, title=title), content_type=content_type(fmt)
    )
    return attachment(response, f"{filename}.{fmt}")


def _xlsx_blocks[R](
    columns: Sequence[Column[R]], rows: Iterable[R], *, title: str
) -> Iterator[bytes]:
    plain = _plain_cells()
    heading: list[Cell] = [csvsafe.spreadsheet_safe(c.heading) for c in columns]
    table: Iterable[list[Cell]] = chain(
        [heading], ([plain(c.cell(row)) for c in columns] for row in rows)
    )
    return xlsx.stream(title, table)
