"""Text written to a CSV file that people open in a spreadsheet.

A cell that starts with "=", "+", "-", "@", a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula; a family name typed as "=HYPERLINK(...)" would
then run when an EPAO admin opens the export. The OWASP "CSV Injection" guidance is to
prefix such cells with a single quote, which the spreadsheet shows as text."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
