"""Grade rates and the outlier rule of the consistency report (seed 003 §9)."""

from __future__ import annotations

import pytest

from openepa.domain.consistency import (
    OUTLIER_MIN_DECISIONS,
    OUTLIER_POINTS,
    outlying_grades,
    tally,
)
from openepa.domain.standard import Grade

P, D, F = Grade.PASS, Grade.DISTINCTION, Grade.FAIL


def test_tally_counts_decisions_and_graded_ones_apart():
    t = tally([P, P, D, F, None])
    assert (t.decisions, t.graded) == (5, 4)
    assert (t.count(P), t.count(D), t.count(F)) == (2, 1, 1)
    assert (t.rate(P), t.rate(D), t.rate(F)) == (50.0, 25.0, 25.0)


def test_no_graded_decision_has_no_rate():
    assert tally([None]).rate(P) is None
    assert tally([]).decisions == 0


def test_the_rule_is_named():
    assert (OUTLIER_POINTS, OUTLIER_MIN_DECISIONS) == (20, 5)


EPAO = tally([P] * 6 + [D] * 2 + [F] * 2)  # 60 % pass, 20 % distinction, 20 % fail


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ([P] * 3 + [D] + [F], []),  # 60/20/20: as the EPAO
        ([D] * 5, [P, D]),  # 0 % pass, 100 % distinction
        ([D] * 4, []),  # too few decisions to say
        ([P] * 4 + [D] * 2, []),  # 66.7/33.3/0: within 20 points each
        ([P] * 2 + [F] * 3, [F]),  # 40/0/60: fail 40 points above
        ([P] * 8 + [F] * 2, []),  # 80 % pass, exactly 20 points above: not more than 20
        ([P] * 9 + [F] * 1, [P]),  # 90 % pass: 30 points above
        ([None] * 10, []),  # nothing graded
    ],
)
def test_outlying_grades(grades, expected):
    assert outlying_grades(tally(grades), EPAO) == expected
