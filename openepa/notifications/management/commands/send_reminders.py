from datetime import date
from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from openepa.notifications.tasks import send_reminders


class Options(TypedDict):
    date: date | None


class Command(BaseCommand):
    help = (
        "Write and queue today's reminders: resit or retake deadlines approaching, results "
        "overdue (idempotent: a reminder already written is not written again). The worker "
        "sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, help="scan as if today were this date (YYYY-MM-DD)"
        )

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        today = options["date"] or timezone.localdate()
        count = send_reminders(today)
        self.stdout.write(f"{count} reminder(s) queued for {today.isoformat()}.")
