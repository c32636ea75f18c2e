"""Pre-scoped reads for gateway: submissions of an enrolment, the eligibility the domain
computes for one, and the dashboard lists (each starting from what the user may see)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.domain.eligibility import (
    Eligibility,
    GatewayCase,
    QualificationLevel,
    Requirement,
    ShowcaseFormat,
    check_gateway,
)
from openepa.domain.journey import State
from openepa.domain.policy import Policy
from openepa.domain.standard import Standard
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewaySubmission


def rules_for(enrolment: Enrolment) -> tuple[Standard, Policy]:
    """The standard and the EPAO policy an enrolment is assessed under, as domain objects.

    Both are data files loaded once per process; a row without its file is a deployment
    error (the reference rows are loaded from those files), so it fails loudly."""
    return standard_of(enrolment), policy_of(enrolment)


def gateway_case(submission: GatewaySubmission) -> GatewayCase:
    """Map a submission row and its enrolment onto the domain's GatewayCase."""
    enrolment = submission.enrolment
    evidence = set(submission.evidence)
    if submission.showcase_format:
        # Choosing the format on the form *is* the choice record Highfield asks for (seed
        # 002 "Apprentices will have to confirm at gateway"); no separate tick is needed.
        evidence.add("showcase_format_choice")
    return GatewayCase(
        start_date=enrolment.start_date,
        date_of_birth=enrolment.apprentice.date_of_birth,
        gateway_date=submission.gateway_date,
        english=QualificationLevel(submission.english),
        maths=QualificationLevel(submission.maths),
        english_level_2_attempted=submission.english_level_2_attempted,
        maths_level_2_attempted=submission.maths_level_2_attempted,
        ehcp=enrolment.ehcp,
        bsl_qualification=submission.bsl_qualification,
        adjustment_requested=submission.adjustment_requested,
        showcase_format=ShowcaseFormat(submission.showcase_format)
        if submission.showcase_format
        else None,
        evidence=frozenset(evidence),
        english_in_training_plan=submission.english_in_training_plan,
        maths_in_training_plan=submission.maths_in_training_plan,
        original_start_date=enrolment.original_start_date,
    )


def current_eligibility(submission: GatewaySubmission) -> Eligibility:
    """Every gateway requirement, met or not, with its reason and source (seed 000 §2.1,
    §2.2; seed 002; seed 004), computed now by openepa.domain.eligibility.check_gateway
    under the rules in force on the submission's gateway date."""
    standard, policy = rules_for(submission.enrolment)
    return check_gateway(standard, policy, gateway_case(submission))


def eligibility_for(submission: GatewaySubmission) -> Eligibility:
    """The eligibility the EPAO decided on, as recorded with the decision; for a
    submission still waiting, the eligibility computed now. A decision is never re-judged
    by a rule that changed after it (issue 12)."""
    if submission.recorded_eligibility is not None:
        return eligibility_from_record(submission.recorded_eligibility)
    return current_eligibility(submission)


def eligibility_record(result: Eligibility) -> dict[str, Any]:
    """An Eligibility as JSON, stored with the gateway decision."""
    return {
        "eligible": result.eligible,
        "requirements": [
            {"code": r.code, "met": r.met, "reason": r.reason, "source": r.source}
            for r in result.requirements
        ],
        "days_on_programme": result.days_on_programme,
        "months_on_programme": result.months_on_programme,
        "age_at_start": result.age_at_start,
        "english_maths_required": result.english_maths_required,
        "english_maths_rule": result.english_maths_rule,
        "english_maths_why": result.english_maths_why,
        "english_required": result.english_required,
        "maths_required": result.maths_required,
    }


def eligibility_from_record(raw: dict[str, Any]) -> Eligibility:
    return Eligibility(
        eligible=raw["eligible"],
        requirements=tuple(Requirement(**r) for r in raw["requirements"]),
        days_on_programme=raw["days_on_programme"],
        months_on_programme=raw["months_on_programme"],
        age_at_start=raw["age_at_start"],
        english_maths_required=raw["english_maths_required"],
        english_maths_rule=raw.get("english_maths_rule", ""),
        english_maths_why=raw.get("english_maths_why", ""),
        # Records made before the subjects were split held one answer for both.
        english_required=raw.get("english_required", raw["english_maths_required"]),
        maths_required=raw.get("maths_required", raw["english_maths_required"]),
    )


def submissions_of(enrolment: Enrolment) -> QuerySet[GatewaySubmission]:
    """Every submission of an enrolment, newest first: the history is never rewritten."""
    return enrolment.gateway_submissions.select_related(
        "submitted_by",
        "decided_by",
        "enrolment__apprentice",
        "enrolment__standard",
        "enrolment__policy",
    ).order_by("-submitted_at", "-id")


def _enrolments_in(orgs: frozenset[int], field: str, states: set[State]) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(**{f"{field}__in": orgs}, state__in=[s.value for s in states])
        .select_related("apprentice", "employer", "provider")
        .order_by("apprentice__family_name", "apprentice__given_name", "id")
    )


def awaiting_review(user: User) -> QuerySet[Enrolment]:
    """Enrolments of the admin's EPAOs whose gateway submission waits for a decision."""
    return _enrolments_in(
        roles_of(user).orgs(Role.EPAO_ADMIN), "epao_id", {State.GATEWAY_SUBMITTED}
    )
