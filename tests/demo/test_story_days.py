"""No step of a demo story is planned after the day the demo is made, whatever day that is:
a Saturday, a Sunday or a bank holiday included (openepa/demo/stories.py)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from openepa.demo.stories import choose_scenario, plan_story

#: A fortnight with a weekend at each end, and Christmas 2026 (Friday 25 December, the
#: bank holiday for Boxing Day on Monday 28 December).
DAYS = [date(2026, 11, 23) + timedelta(days=k) for k in range(14)] + [
    date(2026, 12, 24) + timedelta(days=k) for k in range(7)
]


@pytest.mark.parametrize("today", DAYS, ids=lambda d: f"{d:%a-%Y-%m-%d}")
def test_no_step_comes_after_the_day_the_demo_is_made(today: date) -> None:
    rng = random.Random(1)
    late = []
    for index in range(300):
        story = plan_story(index, choose_scenario(index, rng), today, rng)
        late += [(index, step, day) for step, day in story.steps if day > today]
    assert late == []
