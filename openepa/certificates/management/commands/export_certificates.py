"""Automation's door to the export: the same action the exports page runs, writing each new
batch to a file. Running it again exports nothing already exported."""

from pathlib import Path
from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.accounts.models import User
from openepa.certificates import records
from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.models import ExportBatch, ExportFormat
from openepa.core.refusals import ActionRefused


def batch_file(batch: ExportBatch, out: Path, format: str) -> Path:
    path = out / f"openepa-{batch.kind}-batch-{batch.pk}.{format}"
    body = batch.payload if format == ExportFormat.JSON else records.as_csv(batch.payload)
    path.write_text(body, encoding="utf-8", newline="")
    return path


class Options(TypedDict):
    epao: int
    actor: str
    format: str
    out: Path


class Command(BaseCommand):
    help = (
        "Export the EPAO's released results not yet exported, in record-a-grade batches of "
        "at most 25, one file per batch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epao", type=int, required=True, help="the EPAO's id")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="email of the EPAO admin the export is recorded against",
        )
        parser.add_argument("--format", choices=ExportFormat.values, default=ExportFormat.JSON)
        parser.add_argument("--out", type=Path, required=True, help="folder for the files")

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        out: Path = options["out"]
        if not out.is_dir():
            raise CommandError(f"--out {out}: no such folder")
        actor = User.objects.filter(email__iexact=options["actor"]).first()
        if actor is None:
            raise CommandError(f"--as {options['actor']}: no such user")
        try:
            batches = do_export_certificate_requests(
                actor=actor, epao_id=options["epao"], format=options["format"]
            )
        except ActionRefused as refusal:
            raise CommandError(refusal.message) from refusal
        if not batches:
            self.stdout.write("Nothing to export: every released result is exported.")
        for batch in batches:
            path = batch_file(batch, out, options["format"])
            self.stdout.write(f"{path} ({batch.record_count} {batch.get_kind_display().lower()})")
