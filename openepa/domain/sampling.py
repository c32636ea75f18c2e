"""Which assessment decisions internal quality assurance (IQA) samples.

Seed 003 §9 requires "a robust mechanism for internal quality assurance" by "an appropriately
qualified person" who "must not have been involved in any aspect of the delivery or
assessment of the programme they are quality assuring"; seed 002 (line 30) says Highfield
"internally quality assures all end-point assessments in accordance with its IQA process".
No seed publishes a sampling plan, so the plan is policy data (``iqa_sampling`` in
openepa/policies/data/*.yaml) and every value a policy leaves null takes the product
default below: an EPAO changes it by stating the value in its policy file.

A decision is one submitted marking sheet (an attempt of a method). The rules, in order:
1. one of a new assessor's first N decisions in the EPAO → sampled;
2. a decision whose method grade the plan always samples (Fail, Distinction) → sampled;
3. otherwise sampled when a deterministic draw falls under the plan's percentage.

The draw is a number 0–9,999 derived from the EPAO's secret salt and the attempt's id, so
anyone with the salt can reproduce why a decision was (or was not) sampled, and an assessor
cannot predict it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from openepa.domain.policy import IqaSamplingPolicy
from openepa.domain.standard import Grade

#: A draw is one of this many equally likely numbers: a rate has basis-point precision.
DRAW_SIZE = 10_000


@dataclass(frozen=True)
class SamplingPlan:
    """A complete plan: the policy's values with the product defaults filled in."""

    new_assessor_first_decisions: int
    sample_rate_percent: Decimal
    always_sample: frozenset[Grade]


#: Product defaults, not seed rules: applied where a policy's ``iqa_sampling`` value is null
#: because its seed is silent. They follow the issue's example (a new assessor's first
#: decisions, every Fail and every Distinction, a percentage of the rest).
PRODUCT_DEFAULT = SamplingPlan(
    new_assessor_first_decisions=5,
    sample_rate_percent=Decimal(10),
    always_sample=frozenset({Grade.FAIL, Grade.DISTINCTION}),
)


def plan_from(policy: IqaSamplingPolicy) -> SamplingPlan:
    """The policy's plan, each null value replaced by the product default."""
    default = PRODUCT_DEFAULT
    first = policy.new_assessor_first_decisions
    rate = policy.sample_rate_percent
    always = policy.always_sample
    return SamplingPlan(
        new_assessor_first_decisions=default.new_assessor_first_decisions
        if first is None
        else first,
        sample_rate_percent=default.sample_rate_percent if rate is None else Decimal(str(rate)),
        always_sample=default.always_sample if always is None else frozenset(always),
    )


class SampleReason(StrEnum):
    NEW_ASSESSOR = "new_assessor"
    ALWAYS = "always"
    RATE = "rate"
    NOT_SAMPLED = "not_sampled"


@dataclass(frozen=True)
class SampleChoice:
    sampled: bool
    reason: SampleReason
    #: Why, in words, with the numbers that decided it (shown to the IQA and recorded).
    explanation: str


def sampling_draw(salt: str, attempt_id: int) -> int:
    """A repeatable number 0–9,999 for one decision: SHA-256 of the EPAO's salt and the
    attempt id. The same inputs always give the same draw."""
    digest = hashlib.sha256(f"{salt}:{attempt_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % DRAW_SIZE


def should_sample(
    grade: Grade | None, prior_decisions: int, plan: SamplingPlan, draw: int
) -> SampleChoice:
    """Whether IQA samples a decision with this method `grade` (None while carried-over
    criteria await the discussion), made by an assessor who had `prior_decisions` submitted
    decisions in the EPAO before it, under `plan`, with the decision's `draw` (0–9,999)."""
    if not 0 <= draw < DRAW_SIZE:
        raise ValueError(f"a draw is 0 to {DRAW_SIZE - 1}, not {draw}")
    first = plan.new_assessor_first_decisions
    if prior_decisions < first:
        return SampleChoice(
            True,
            SampleReason.NEW_ASSESSOR,
            f"decision {prior_decisions + 1} of the assessor's first {first}: every one is sampled",
        )
    if grade is not None and grade in plan.always_sample:
        return SampleChoice(
            True, SampleReason.ALWAYS, f"every {grade.value.capitalize()} decision is sampled"
        )
    # Basis points: 12.5 % samples draws 0–1,249.
    threshold = int(plan.sample_rate_percent * DRAW_SIZE / 100)
    rate = f"{plan.sample_rate_percent.normalize():f}%"
    if draw < threshold:
        return SampleChoice(
            True, SampleReason.RATE, f"picked at random for the {rate} sample of decisions"
        )
    return SampleChoice(
        False,
        SampleReason.NOT_SAMPLED,
        f"not picked at random for the {rate} sample of decisions",
    )
