from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from openepa.notifications.tasks import next_scan_at, schedule_daily_reminders


class Options(TypedDict):
    now: bool


class Command(BaseCommand):
    help = (
        "Queue the worker's daily reminder scan unless it is already queued (run at every "
        "start; `make run` does). The scan queues itself again for the next day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="run the first scan now, not at the next hour"
        )

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        now = timezone.now()
        at = now if options["now"] else next_scan_at(now)
        if schedule_daily_reminders(at=at):
            self.stdout.write(
                f"Daily reminder scan queued for {timezone.localtime(at):%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write("Daily reminder scan already queued.")
