"""`manage.py db_worker`: django-tasks-db's worker, which first recovers the work of a
worker that died (openepa.notifications.recovery) and makes sure the every-minute
recovery and the daily reminder scan are queued. This app comes before django_tasks_db in
INSTALLED_APPS, so this command is the one `manage.py db_worker` runs."""

from typing import Any

from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from openepa.notifications.recovery import EVERY, recover, schedule_recovery


class Command(db_worker.Command):
    help = (
        "Run the background worker (emails, reminders). At start it recovers the work of a "
        "worker that stopped (tasks left running, emails left sending) and queues the "
        "every-minute recovery and the daily reminder scan."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recover()
        schedule_recovery(at=timezone.now() + EVERY)
        super().handle(*args, **options)
