"""The replay demo beyond the size where the old demo crashed. A module of its own: it needs
an empty database, and the fast demo test_volume.py keeps for its whole module would be
in it when the suite and its sweeps run together (`make test SWEEPS=with`)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from openepa.demo import do_seed_demo
from openepa.demo.check import check_demo
from openepa.enrolments.models import Enrolment


@pytest.mark.sweep
@pytest.mark.django_db(transaction=True)
def test_replay_mode_plays_a_demo_beyond_the_old_crash_point() -> None:
    """At 260 apprentices the old demo ran out of assessors (it stopped at the 248th)."""
    call_command("load_reference_data", verbosity=0)
    do_seed_demo(apprentices=260)
    assert Enrolment.objects.count() == 260
    assert check_demo(260).problems == []
