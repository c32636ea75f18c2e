"""The Ofqual data returns from the command line, for scheduled jobs: the same rows and the
same checks as the returns page. Exit 2 (nothing written) when a row breaks a published rule."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.domain.ofqual_returns import ReturnKind
from openepa.organisations.models import Organisation
from openepa.results.ofqual import Period, check_return


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a date written YYYY-MM-DD") from error


class Options(TypedDict):
    kind: str
    start: str
    end: str
    reporting_date: str
    output: Path | None
    epao: str | None


class Command(BaseCommand):
    help = (
        "Write an Ofqual data return (outcomes or registrations) for a reporting period as "
        "CSV in the published file format, checked against its rules first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in ReturnKind])
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--reporting-date",
            required=True,
            help="the date the return is due, as Ofqual's reporting schedule gives it",
        )
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument(
            "--epao",
            help="the EPAO's register number (EPAxxxx); needed only when there is more than one",
        )

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        period = Period(
            start=_day(options["start"]),
            end=_day(options["end"]),
            reporting_date=_day(options["reporting_date"]),
        )
        if period.end < period.start:
            raise CommandError("--to is before --from: the period has no days.")
        epaos = Organisation.objects.filter(kind=Organisation.Kind.EPAO)
        if options["epao"]:
            epaos = epaos.filter(register_id=options["epao"].strip().upper())
            if not epaos.exists():
                raise CommandError(f"No EPAO has the register number {options['epao']}.")
        elif epaos.count() > 1:
            raise CommandError("There is more than one EPAO: name one with --epao EPAxxxx.")
        checked = check_return(
            ReturnKind(options["kind"]), list(epaos.values_list("pk", flat=True)), period
        )
        if not checked.valid:
            for violation in checked.violations:
                self.stderr.write(str(violation))
            more = checked.violation_count - len(checked.violations)
            if more > 0:
                self.stderr.write(f"… and {more} more.")
            self.stderr.write("The return breaks the published rules above; nothing was written.")
            sys.exit(2)
        text = checked.text
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8", newline="")
            self.stderr.write(f"{checked.row_count} rows written to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
