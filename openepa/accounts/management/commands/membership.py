"""Give or take away a person's role at an organisation from the command line (the way a
first EPAO admin is made, docs/DEPLOY.md), recorded in the EPAO's audit log:

    python manage.py membership add|remove EMAIL --organisation NAME --role ROLE [--by EMAIL]

`--by` names the person who asked for the change; without it the log says an operator at
the command line made it."""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openepa.accounts.actions import do_add_membership, do_remove_membership
from openepa.accounts.models import Role, User
from openepa.core.refusals import ActionRefused
from openepa.organisations.models import Organisation


class Options(TypedDict):
    change: str
    email: str
    organisation: str
    role: str
    by: str


class Command(BaseCommand):
    help = "Give (add) or take away (remove) a person's role at an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("change", choices=("add", "remove"))
        parser.add_argument("email", help="the person's sign-in address")
        parser.add_argument("--organisation", required=True, help="its name, exactly")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--by", default="", help="the address of who asked for it")

    def handle(self, *args: str, **options: Unpack[Options]) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation is called {options['organisation']!r}.")
        actor = None
        if options["by"]:
            actor = User.objects.filter(email__iexact=options["by"]).first()
            if actor is None:
                raise CommandError(f"No account has the address {options['by']}.")
        change = do_add_membership if options["change"] == "add" else do_remove_membership
        try:
            change(
                actor=actor,
                email=options["email"],
                organisation_id=organisation.pk,
                role=options["role"],
            )
        except ActionRefused as refused:
            raise CommandError(refused.message) from refused
        done = "given" if options["change"] == "add" else "taken away"
        self.stdout.write(f"{Role(options['role']).label} at {organisation.name}: {done}.")
