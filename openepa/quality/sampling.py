"""Sampling a just-submitted decision for internal quality assurance, under the EPAO's
policy (openepa.domain.sampling). It needs only the marking context's models: the submit
action runs it through openepa.assessments.hooks (registered by QualityConfig.ready), so
the marking context does not import quality."""

from __future__ import annotations

import secrets

from openepa.accounts.models import User
from openepa.assessments.models import Attempt
from openepa.domain.sampling import plan_from, sampling_draw, should_sample
from openepa.domain.standard import Grade
from openepa.domain.steps import QualityStep
from openepa.enrolments.domain_data import policy_of
from openepa.enrolments.journey import record
from openepa.quality.models import IqaSample, SamplingSalt


def sample_decision(attempt: Attempt, grade: Grade | None, actor: User) -> IqaSample | None:
    """Decide whether IQA samples a just-submitted decision, under the EPAO's policy
    (openepa.domain.sampling). Called by the submit action inside its transaction, on the
    locked enrolment, so a sheet is never submitted without this decision being made."""
    enrolment = attempt.enrolment
    prior = (
        Attempt.objects.filter(
            assessor_id=attempt.assessor_id,
            status=Attempt.Status.SUBMITTED,
            enrolment__epao_id=enrolment.epao_id,
        )
        .exclude(pk=attempt.pk)
        .count()
    )
    draw = sampling_draw(_salt(enrolment.epao_id), attempt.pk)
    choice = should_sample(grade, prior, plan_from(policy_of(enrolment).iqa_sampling), draw)
    if not choice.sampled:
        return None
    sample = IqaSample.objects.create(
        attempt=attempt,
        reason=choice.reason.value,
        explanation=choice.explanation,
        draw=draw,
        grade=grade.value if grade else "",
    )
    record(
        enrolment,
        actor=actor,
        action=QualityStep.SAMPLED,
        data={
            "sample": sample.pk,
            "attempt": attempt.pk,
            "method": attempt.method,
            "reason": choice.reason.value,
            "explanation": choice.explanation,
            "draw": draw,
        },
    )
    return sample


def _salt(epao_id: int) -> str:
    salt, _ = SamplingSalt.objects.get_or_create(
        epao_id=epao_id, defaults={"salt": secrets.token_hex(32)}
    )
    return salt.salt
