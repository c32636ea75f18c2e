"""The demo EPAO that `make run` shows: organisations, a user for every role and about 200
apprentices spread over every journey state, each played through the real actions on the
days their story happened (`stories`, `replay`). Repeatable from a seed; idempotent: running
it again adds only apprentices that are missing."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from openepa.demo.people import (
    APPRENTICE_LOCAL,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DemoLogin,
    Scale,
    cast,
    demo_user,
    standardise_assessors,
)
from openepa.demo.replay import Diary, Player, at
from openepa.demo.stories import choose_scenario, plan_story
from openepa.domain.uln import make_uln
from openepa.enrolments.journey import announcements_paused
from openepa.enrolments.models import Apprentice
from openepa.reference.models import Policy, StandardVersion

__all__ = ["DEFAULT_APPRENTICES", "DEMO_DOMAIN", "DEMO_PASSWORD", "DemoLogin", "do_seed_demo"]

DEFAULT_APPRENTICES = 200

GIVEN = (
    "Ada", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hari", "Isla", "Jack", "Kemi",
    "Liam", "Maya", "Noah", "Olu", "Priya", "Rhys", "Sana", "Theo", "Zara",
)  # fmt: skip
FAMILY = (
    "Lovelace", "Okafor", "Patel", "Smith", "Nguyen", "Jones", "Evans", "Khan", "Brown",
    "Wilson", "O'Neill", "Davies", "Hughes", "Ali", "Taylor", "Murphy",
)  # fmt: skip


def _uln(rng: random.Random, used: set[str]) -> str:
    while True:
        uln = make_uln(str(rng.randint(100_000_000, 999_999_999)))
        if uln and uln not in used:
            used.add(uln)
            return uln


def do_seed_demo(
    *,
    apprentices: int = DEFAULT_APPRENTICES,
    seed: int = 2026,
    policy_code: str = "nqual",
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    fast: bool = False,
    templates: int | None = None,
    say: Callable[[str], None] | None = None,
) -> list[DemoLogin]:
    """Create the demo EPAO, its people and `apprentices` apprentices in every state.

    `fast`: replay only the first `templates` apprentices (`volume.TEMPLATES` unless given)
    and make the others copies of them, written in bulk (openepa.demo.volume): 100,000 in
    minutes instead of hours.

    The same seed gives the same people, ULNs and stories; the dates are placed relative to
    `today` (the day the demo is generated) so that booked assessments lie ahead. Each
    apprentice is played in its own transaction, so an interrupted run resumes where it
    stopped."""
    today = today or timezone.localdate()
    if fast:
        from openepa.demo.volume import TEMPLATES, do_seed_volume

        replayed = min(apprentices, templates or TEMPLATES)
        do_seed_demo(
            apprentices=replayed, seed=seed, policy_code=policy_code, today=today, progress=progress
        )
        with transaction.atomic():
            people = cast(Policy.objects.get(code=policy_code), Scale.of(replayed))
        return do_seed_volume(
            apprentices=apprentices, cast=people, seed=seed, templates=replayed, progress=say
        )
    rng = random.Random(seed)
    with transaction.atomic():
        people = cast(Policy.objects.get(code=policy_code), Scale.of(apprentices))
        standardise_assessors(people, today)
    standard = StandardVersion.objects.get(reference="ST0072")
    existing = Apprentice.objects.filter(enrolments__epao=people.epao).count()
    used: set[str] = set()
    # The demo is generated as of `today`: no step happens after that day ends, even when
    # the clock reads a later day (a demo built for a past day, as the tests build it).
    now = min(timezone.now(), at(today, 23, 59))
    player = Player(people, standard, Diary.from_bookings(), rng, now=now)
    for index in range(apprentices):
        # Draw every apprentice's randomness even when it exists, so a resumed run gives
        # the next apprentice the same name, ULN and story as an uninterrupted one.
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        born = date(2000 + rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28))
        uln = _uln(rng, used)
        story = plan_story(index, choose_scenario(index, rng), today, rng)
        if index < existing:
            continue
        person = {
            "uln": uln,
            "given_name": given,
            "family_name": family,
            "date_of_birth": born,
            "email": f"{given}.{family}.{index}@{DEMO_DOMAIN}".lower().replace("'", ""),
        }
        # The story's steps happened in the past: nobody is emailed about them now.
        with announcements_paused(), transaction.atomic():
            enrolment = player.play(story, person)
            if index == 0:
                enrolment.apprentice.user = demo_user(APPRENTICE_LOCAL, f"{given} {family}")
                enrolment.apprentice.save(update_fields=["user"])
        if progress:
            progress(index + 1, apprentices)
    return people.logins
