from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandParser

from openepa.demo import DEFAULT_APPRENTICES, DEMO_PASSWORD, DemoLogin, do_seed_demo
from openepa.demo.people import demo_logins


class Options(TypedDict):
    apprentices: int
    seed: int
    sign_ins: bool
    address: str


class Command(BaseCommand):
    help = (
        "Create the demo EPAO with a user for every role and apprentices in every journey "
        "state (idempotent). Run after load_reference_data. With --sign-ins, only print "
        "where to sign in and the demo sign-ins (what `make run` ends with)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apprentices", type=int, default=DEFAULT_APPRENTICES)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--sign-ins", action="store_true", help="only print the address and the sign-ins"
        )
        parser.add_argument(
            "--address", default="", help="the app's address, e.g. http://127.0.0.1:8000/"
        )

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        if options["sign_ins"]:
            self._sign_ins(demo_logins(), options["address"])
            return

        def progress(done: int, total: int) -> None:
            if done % 25 == 0 or done == total:
                self.stdout.write(f"  demo apprentices: {done} of {total}")

        logins = do_seed_demo(
            apprentices=options["apprentices"], seed=options["seed"], progress=progress
        )
        self.stdout.write("Demo EPAO ready.")
        self._sign_ins(logins, options["address"])

    def _sign_ins(self, logins: list[DemoLogin], address: str) -> None:
        where = f"{address.rstrip('/')}/accounts/login/" if address else "/accounts/login/"
        self.stdout.write(f"Sign in at {where} as any of these (password: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.role:<32} {login.email}")
