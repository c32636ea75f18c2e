"""Which decisions IQA samples (openepa.domain.sampling): a new assessor's first decisions,
every decision of the grades the plan names, a reproducible percentage of the rest."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openepa.domain.policy import IqaSamplingPolicy
from openepa.domain.sampling import (
    DRAW_SIZE,
    PRODUCT_DEFAULT,
    SampleReason,
    SamplingPlan,
    plan_from,
    sampling_draw,
    should_sample,
)
from openepa.domain.standard import Grade

F, P, D = Grade.FAIL, Grade.PASS, Grade.DISTINCTION
PLAN = SamplingPlan(
    new_assessor_first_decisions=3,
    sample_rate_percent=Decimal("12.5"),
    always_sample=frozenset({F, D}),
)

# (grade, prior decisions, draw, sampled, reason, explanation)
CASES = [
    (P, 0, 9999, True, SampleReason.NEW_ASSESSOR, "decision 1 of the assessor's first 3"),
    (P, 2, 9999, True, SampleReason.NEW_ASSESSOR, "decision 3 of the assessor's first 3"),
    (None, 1, 9999, True, SampleReason.NEW_ASSESSOR, "decision 2 of the assessor's first 3"),
    (F, 3, 9999, True, SampleReason.ALWAYS, "every Fail decision is sampled"),
    (D, 40, 9999, True, SampleReason.ALWAYS, "every Distinction decision is sampled"),
    (P, 3, 0, True, SampleReason.RATE, "picked at random for the 12.5% sample of decisions"),
    (P, 3, 1249, True, SampleReason.RATE, "picked at random for the 12.5% sample of decisions"),
    (P, 3, 1250, False, SampleReason.NOT_SAMPLED, "not picked at random for the 12.5% sample"),
    (None, 10, 5000, False, SampleReason.NOT_SAMPLED, "not picked at random for the 12.5% sample"),
]


@pytest.mark.parametrize(("grade", "prior", "draw", "sampled", "reason", "words"), CASES)
def test_should_sample(grade, prior, draw, sampled, reason, words):
    choice = should_sample(grade, prior, PLAN, draw)
    assert (choice.sampled, choice.reason) == (sampled, reason)
    assert words in choice.explanation


def test_a_plan_that_samples_no_grade_always_and_nothing_by_rate():
    plan = SamplingPlan(0, Decimal(0), frozenset())
    for grade in (F, P, D, None):
        assert not should_sample(grade, 0, plan, 0).sampled


def test_a_hundred_percent_samples_every_draw():
    plan = SamplingPlan(0, Decimal(100), frozenset())
    assert should_sample(P, 50, plan, DRAW_SIZE - 1).sampled


def test_a_draw_outside_its_range_is_an_error():
    with pytest.raises(ValueError, match="a draw is 0 to 9999, not 10000"):
        should_sample(P, 0, PLAN, DRAW_SIZE)


def test_the_draw_is_repeatable_and_depends_on_salt_and_attempt():
    first = sampling_draw("salt-a", 41)
    assert first == sampling_draw("salt-a", 41)
    assert 0 <= first < DRAW_SIZE
    draws_a = [sampling_draw("salt-a", n) for n in range(200)]
    draws_b = [sampling_draw("salt-b", n) for n in range(200)]
    assert draws_a != draws_b  # another EPAO's salt gives other draws
    assert len(set(draws_a)) > 150  # spread, not a constant


def test_the_rate_samples_about_its_share_of_many_decisions():
    """Over 10,000 attempts a 10% plan samples close to 1,000 by the percentage rule."""
    plan = SamplingPlan(0, Decimal(10), frozenset())
    sampled = sum(
        should_sample(P, 99, plan, sampling_draw("epao-salt", n)).sampled for n in range(10_000)
    )
    assert 900 < sampled < 1100


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (IqaSamplingPolicy(), PRODUCT_DEFAULT),
        (
            IqaSamplingPolicy(10, 12.5, (F,)),
            SamplingPlan(10, Decimal("12.5"), frozenset({F})),
        ),
        (
            IqaSamplingPolicy(0, None, ()),
            SamplingPlan(0, PRODUCT_DEFAULT.sample_rate_percent, frozenset()),
        ),
    ],
)
def test_null_policy_values_take_the_product_default(policy, expected):
    assert plan_from(policy) == expected


def test_the_shipped_policies_are_silent_so_the_product_default_applies(
    gateway_qualifications, highfield, nqual
):
    for policy in (gateway_qualifications, highfield, nqual):
        assert plan_from(policy.iqa_sampling) == PRODUCT_DEFAULT
        assert "silent" in policy.sources["iqa_sampling"]
    assert SamplingPlan(5, Decimal(10), frozenset({F, D})) == PRODUCT_DEFAULT
