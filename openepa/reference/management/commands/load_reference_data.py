from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandError

from openepa.datafiles import DataFileError
from openepa.reference.actions import do_load_reference_data


class Options(TypedDict):
    verbosity: int


class Command(BaseCommand):
    help = "Validate the standard and EPAO policy data files and load them into the database."

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        try:
            report = do_load_reference_data()
        except DataFileError as exc:
            raise CommandError(f"a data file is invalid; nothing was loaded:\n{exc}") from exc
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Loaded {', '.join(report.standards)} ({report.criteria} criteria) "
                f"and policies {', '.join(report.policies)}."
            )
