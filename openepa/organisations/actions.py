"""Writes of organisations."""

from __future__ import annotations

from django.db import transaction

from openepa.organisations.models import Organisation
from openepa.reference.models import Policy

DEMO_EPAO_NAME = "Demo EPAO"


def do_ensure_demo_epao(*, policy_code: str = "highfield") -> Organisation:
    """Create the demo EPAO once; running it again changes nothing (make run calls it)."""
    with transaction.atomic():
        policy = Policy.objects.get(code=policy_code)
        epao, _ = Organisation.objects.select_for_update().get_or_create(
            kind=Organisation.Kind.EPAO, name=DEMO_EPAO_NAME, defaults={"policy": policy}
        )
    return epao
