"""A bulk run's report as CSV: one line per row, what happened and why. Cells go through
the spreadsheet-safe writer (openepa.domain.csvsafe: a name typed as a formula is shown as
text)."""

from __future__ import annotations

import io

from openepa.bulk.models import BulkRun
from openepa.domain.csvsafe import writer

HEADER = ("Row", "Apprentice", "Outcome", "Reason")


def report_csv(run: BulkRun) -> str:
    out = io.StringIO()
    sheet = writer(out)
    sheet.writerow(HEADER)
    for row in run.rows.order_by("position").iterator(chunk_size=2000):
        sheet.writerow((row.position, row.label, row.get_outcome_display(), row.message))
    return out.getvalue()
