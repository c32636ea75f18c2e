"""`manage.py export_certificates`: the same export for automation, one file per batch, and
nothing twice."""

from __future__ import annotations

import csv
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openepa.certificates.models import ExportBatch
from tests.certificates.helpers import many_released, released, with_address

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def addressed(world):
    with_address(world.employer)


def run(world, tmp_path, *extra: str) -> str:
    out = StringIO()
    call_command(
        "export_certificates",
        "--epao",
        str(world.epao.pk),
        "--as",
        world.admin.email,
        "--out",
        str(tmp_path),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_writes_one_json_file_per_batch_and_nothing_the_second_time(world, tmp_path):
    many_released(world, 30)
    printed = run(world, tmp_path, "--format", "json")
    batches = list(ExportBatch.objects.order_by("id"))
    assert [(b.kind, b.record_count) for b in batches] == [
        ("epa", 25),
        ("epa", 5),
        ("certificate", 25),
        ("certificate", 5),
    ]
    for batch in batches:
        path = tmp_path / f"openepa-{batch.kind}-batch-{batch.pk}.json"
        words = batch.get_kind_display().lower()
        assert f"{path} ({batch.record_count} {words})" in printed
        assert path.read_bytes() == batch.payload.encode()
        assert len(json.loads(path.read_text())) == batch.record_count
    assert run(world, tmp_path) == "Nothing to export: every released result is exported.\n"
    assert ExportBatch.objects.count() == 4


def test_csv_files(world, tmp_path):
    released(world, world.enrolment, "pass", start=date(2026, 3, 2))
    run(world, tmp_path, "--format", "csv")
    batch = ExportBatch.objects.get(kind="certificate")
    assert batch.format == "csv"
    with (tmp_path / f"openepa-certificate-batch-{batch.pk}.csv").open(newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row["learner.familyName"] == "Lovelace"
    assert row["postalContact.postCode"] == "LS1 4AP"


def test_refusals_are_command_errors(world, tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        run(world, tmp_path / "missing")
    with pytest.raises(CommandError, match="Only the EPAO's admins can export"):
        call_command(
            "export_certificates",
            "--epao",
            str(world.epao.pk),
            "--as",
            world.outsider_admin.email,
            "--out",
            str(tmp_path),
        )
