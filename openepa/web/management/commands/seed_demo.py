from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openepa.demo import DEMO_PASSWORD, do_seed_demo


class Command(BaseCommand):
    help = "Create the demo EPAO with a user for every role (idempotent). Run after load_reference_data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apprentices", type=int, default=12)

    def handle(self, *args: Any, **options: Any) -> None:
        logins = do_seed_demo(apprentices=options["apprentices"])
        self.stdout.write(
            f"Demo EPAO ready. Sign in at /accounts/login/ with any of these (password: {DEMO_PASSWORD}):"
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<32} {login.email}")
