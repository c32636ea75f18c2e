from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openepa.demo import DEFAULT_APPRENTICES, DEMO_PASSWORD, do_seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo EPAO with a user for every role and apprentices in every journey "
        "state (idempotent). Run after load_reference_data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apprentices", type=int, default=DEFAULT_APPRENTICES)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                self.stdout.write(f"  demo apprentices: {done} of {total}")

        logins = do_seed_demo(
            apprentices=options["apprentices"], seed=options["seed"], progress=progress
        )
        self.stdout.write(
            f"Demo EPAO ready. Sign in at /accounts/login/ with any of these (password: {DEMO_PASSWORD}):"
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<32} {login.email}")
