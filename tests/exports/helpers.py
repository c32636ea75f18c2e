"""Reading a download the way a spreadsheet would: every row of a CSV or an XLSX export."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook


def body(response: Any) -> bytes:
    """The whole download, streamed or not (reading it runs its queries)."""
    if getattr(response, "streaming", False):
        # The test client closes a streamed response once it is read, without closing the
        # database connection; closing it again here would close the connection (PostgreSQL).
        return b"".join(response.streaming_content)
    return bytes(response.content)


def csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_rows(response: Any) -> list[list[object]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    sheet = book.active
    assert sheet is not None
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list[Any]], heading: str) -> list[Any]:
    """One column's cells, below its heading."""
    at = rows[0].index(heading)
    return [row[at] for row in rows[1:]]
