from typing import Any

from django.core.management.base import BaseCommand

from openepa.organisations.actions import do_ensure_demo_epao


class Command(BaseCommand):
    help = "Create the demo EPAO (idempotent). Run after load_reference_data."

    def handle(self, *args: Any, **options: Any) -> None:
        epao = do_ensure_demo_epao()
        self.stdout.write(f"Demo EPAO ready: {epao.name} ({epao.policy})")
