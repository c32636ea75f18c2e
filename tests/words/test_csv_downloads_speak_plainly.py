"""The CSV downloads the demo walk does not reach (an upload's errors, the certificate
export, the consistency report) in words a person understands too (issue 11 §2): each is
produced through its page, as the person who downloads it, and read by the same leak check
as the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openepa.certificates.models import ExportBatch
from openepa.domain.bulk_registration import EXAMPLE_ROW
from openepa.enrolments.models import BulkUpload
from tests.certificates.helpers import released, with_address
from tests.enrolments.test_bulk_registration import csv_bytes, upload
from tests.plain_words import leaks
from tests.results.builders import submit

pytestmark = pytest.mark.django_db


def test_an_uploads_errors_csv_names_columns_and_rules_in_words(client, world):
    bad = [
        {**EXAMPLE_ROW, "uln": "1234567890", "employer": world.employer.name},
        {**EXAMPLE_ROW, "date_of_birth": "31/02/2001", "employer": "Nobody Ltd"},
        {**EXAMPLE_ROW, "given_name": "", "employer": world.employer.name},
    ]
    client.force_login(world.provider_user)
    upload(client, world, csv_bytes(bad), mode="check_only")
    bulk = BulkUpload.objects.get()
    text = client.get(f"/enrolments/bulk/{bulk.pk}/errors.csv").content.decode("utf-8-sig")
    assert len(text.splitlines()) > 3  # a heading and a row per problem
    assert leaks(text) == []


def test_the_certificate_export_csv_speaks_plainly(client, world):
    with_address(world.employer)
    released(world, world.enrolment, "pass", start=date(2026, 3, 2))
    client.force_login(world.admin)
    client.post("/certificates/export/", {"epao": world.epao.pk})
    batches = ExportBatch.objects.all()
    assert {batch.kind for batch in batches} == {"epa", "certificate"}
    for batch in batches:
        text = client.get(f"/certificates/batches/{batch.pk}.csv").content.decode()
        assert world.enrolment.apprentice.family_name in text
        assert leaks(text) == []


def test_the_consistency_report_csv_speaks_plainly(client, world):
    for i in range(3):
        submit(
            world.enrolment,
            "showcase",
            on=date(2026, 10, 1) + timedelta(days=i),
            grade="pass",
            assessor=world.assessor,
        )
    client.force_login(world.iqa)
    response = client.get("/assessors/consistency.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert world.assessor.full_name in text
    assert leaks(text) == []
