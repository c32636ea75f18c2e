"""The demo EPAO's assessors can be booked at once: compliant profiles and a recent
standardisation, created once however often the demo is seeded."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from openepa.assessors.models import AssessorProfile, StandardisationEvent
from openepa.assessors.queries import allocation_problems
from openepa.demo import DEMO_DOMAIN

pytestmark = pytest.mark.django_db


def test_demo_assessors_are_allocatable_and_seeding_twice_adds_nothing():
    call_command("seed_demo", apprentices=2, verbosity=0)
    call_command("seed_demo", apprentices=2, verbosity=0)
    profiles = AssessorProfile.objects.select_related("user")
    assert sorted(p.user.email for p in profiles) == [
        f"assessor{n}@{DEMO_DOMAIN}" for n in ("2", "3", "4", "")
    ]
    assert StandardisationEvent.objects.count() == 1
    for p in profiles:
        problems = allocation_problems(
            assessor_id=p.user_id,
            epao_id=p.epao_id,
            on=timezone.localdate(),
            remote=True,
            name=str(p.user),
        )
        assert problems == []
