"""Writes of internal quality assurance: sampling a submitted decision, the IQA's review
(agree / disagree per criterion, with comments) and its sign-off with an outcome.

A disagreement ends in a recorded outcome (issue 5): the grade stands, with the IQA's
reason, or the sheet is amended through the marking context's amendment action
(openepa.assessments.actions.do_amend_sheet), which records an Amendment with the reason
and grades the EPA again. The IQA amends it: they are the independent person who found the
error (seed 003 §9), and going through the same action keeps one amendment trail.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from openepa.accounts.models import User
from openepa.accounts.roles import is_epao_iqa
from openepa.assessments import actions as marking
from openepa.assessments.layout import outcome_field
from openepa.assessments.models import Attempt
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.steps import QualityStep
from openepa.enrolments.journey import lock_enrolment, record
from openepa.quality import hooks
from openepa.quality.access import independence_problem
from openepa.quality.models import IqaCriterionReview, IqaSample

STALE_SHEET = (
    "The marking sheet was changed since you opened this review. Nothing was signed off: "
    "reload to see the latest sheet."
)
STALE_REVIEW = (
    "This review was changed since you opened it (in another tab or on another device). "
    "Your changes were not saved: reload to see the latest version."
)

#: (agree: True / False, or None while not reviewed; comment) for one criterion.
type ReviewInput = tuple[bool | None, str]


def do_save_review(
    *, actor: User, sample_id: int, expected_version: int, reviews: dict[str, ReviewInput]
) -> IqaSample:
    """Save the IQA's review so far; the sample is then in review, by them."""
    with transaction.atomic():
        sample = _lock_for_review(actor, sample_id, expected_version)
        _apply(sample, reviews)
        _bump(sample, actor, state=IqaSample.State.IN_REVIEW)
    return sample


def do_sign_off_sample(
    *,
    actor: User,
    sample_id: int,
    expected_version: int,
    sheet_version: int,
    reviews: dict[str, ReviewInput],
    outcome: str,
    comments: str,
    changes: dict[str, str],
) -> IqaSample:
    """Record the review and sign the sample off. Agreeing with every criterion: the grade
    stands. Any disagreement needs an outcome: the grade stands with the IQA's reason, or
    the sheet is amended (only criteria the IQA disagreed with) through the amendment action.
    The result of the decision's EPA is marked signed off once none of its samples is open."""
    comments = comments.strip()
    with transaction.atomic():
        sample = _lock_for_review(actor, sample_id, expected_version)
        attempt = sample.attempt
        _apply(sample, reviews)
        rows = list(sample.reviews.order_by("id"))
        _check_complete(attempt, rows)
        disagreed = [r.criterion_code for r in rows if not r.agree]
        _check_outcome(disagreed, outcome, comments, changes)
        if not disagreed:
            outcome = IqaSample.Outcome.GRADE_STANDS
        check_version(attempt.version, sheet_version, STALE_SHEET)
        if outcome == IqaSample.Outcome.AMENDED:
            marking.do_amend_sheet(
                actor=actor,
                attempt_id=attempt.pk,
                expected_version=sheet_version,
                changes=changes,
                reason=f"Internal quality assurance: {comments}",
            )
        now = timezone.now()
        sample.outcome = outcome
        sample.comments = comments
        sample.signed_off_at = now
        _bump(
            sample,
            actor,
            state=IqaSample.State.SIGNED_OFF,
            fields=("outcome", "comments", "signed_off_at"),
        )
        # The results computed from this decision (openepa.results, through quality.hooks).
        hooks.signed_off(attempt, actor, now)
        record(
            attempt.enrolment,
            actor=actor,
            action=QualityStep.SIGNED_OFF,
            data={
                "sample": sample.pk,
                "attempt": attempt.pk,
                "method": attempt.method,
                "outcome": outcome,
                "disagreed": disagreed,
            },
        )
    return sample


def _lock_for_review(actor: User, sample_id: int, expected_version: int) -> IqaSample:
    enrolment_id = (
        IqaSample.objects.filter(pk=sample_id).values_list("attempt__enrolment_id", flat=True)
    ).first()
    if enrolment_id is None:
        raise ActionRefused("There is no such IQA sample.")
    enrolment = lock_enrolment(enrolment_id)
    sample = (
        IqaSample.objects.select_for_update(of=("self",))
        .select_related("attempt", "reviewer")
        .get(pk=sample_id)
    )
    sample.attempt.enrolment = enrolment
    if not is_epao_iqa(actor, enrolment.epao_id):
        raise ActionRefused("Only the EPAO's internal quality assurers can review a sample.")
    problem = independence_problem(actor, sample.attempt)
    if problem:
        raise ActionRefused(problem)
    if sample.state == IqaSample.State.SIGNED_OFF:
        assert sample.signed_off_at is not None
        raise ActionRefused(
            f"This sample was signed off by {sample.reviewer} on "
            f"{timezone.localtime(sample.signed_off_at):%d %b %Y} and can no longer change."
        )
    if sample.reviewer_id not in (None, actor.pk):
        raise ActionRefused(
            f"{sample.reviewer} is reviewing this sample; only they can continue the review."
        )
    check_version(sample.version, expected_version, STALE_REVIEW)
    return sample


def _apply(sample: IqaSample, reviews: dict[str, ReviewInput]) -> None:
    codes = set(sample.attempt.judgements.values_list("criterion_code", flat=True))
    unknown = sorted(set(reviews) - codes)
    if unknown:
        raise ActionRefused(f"{', '.join(unknown)} is not on this marking sheet.")
    sample.reviews.all().delete()
    IqaCriterionReview.objects.bulk_create(
        IqaCriterionReview(sample=sample, criterion_code=code, agree=agree, comment=comment.strip())
        for code, (agree, comment) in reviews.items()
        if agree is not None
    )


def _check_complete(attempt: Attempt, rows: list[IqaCriterionReview]) -> None:
    reviewed = {r.criterion_code for r in rows}
    missing = [
        code
        for code in attempt.judgements.order_by("id").values_list("criterion_code", flat=True)
        if code not in reviewed
    ]
    if missing:
        raise ActionRefused(
            "Record agree or disagree for every criterion before signing off; still to "
            f"review: {', '.join(missing)}.",
            field=agree_field(missing[0]),
        )
    silent = [r.criterion_code for r in rows if not r.agree and not r.comment]
    if silent:
        raise ActionRefused(
            f"Say why you disagree with the assessor on {', '.join(silent)}; the comment is "
            "recorded with the review.",
            field=comment_field(silent[0]),
        )


def _check_outcome(
    disagreed: list[str], outcome: str, comments: str, changes: dict[str, str]
) -> None:
    if not disagreed:
        if outcome == IqaSample.Outcome.AMENDED:
            raise ActionRefused(
                "You agreed with every criterion, so there is nothing to amend: sign off with "
                "the grade standing.",
                field="outcome",
            )
        if changes:
            raise ActionRefused("Amend only criteria you disagreed with.", field="outcome")
        return
    listed = ", ".join(disagreed)
    if outcome not in IqaSample.Outcome.values:
        raise ActionRefused(
            f"You disagreed on {listed}: record the outcome, either the grade stands (with "
            "your reason) or the sheet is amended.",
            field="outcome",
        )
    if not comments:
        raise ActionRefused(
            f"Give the reason for the outcome of your disagreement on {listed}; it is "
            "recorded with the sign-off.",
            field="comments",
        )
    if outcome == IqaSample.Outcome.GRADE_STANDS:
        if changes:
            raise ActionRefused(
                "The grade stands, so leave every new outcome as it is, or choose to amend "
                "the sheet.",
                field="outcome",
            )
        return
    if not changes:
        raise ActionRefused(
            "Choose the new outcome of at least one criterion you disagreed with to amend "
            "the sheet.",
            field="outcome",
        )
    others = sorted(set(changes) - set(disagreed))
    if others:
        raise ActionRefused(
            f"Amend only criteria you disagreed with; you agreed with {', '.join(others)}.",
            field=new_outcome_field(others[0]),
        )


def _bump(
    sample: IqaSample, actor: User, *, state: IqaSample.State, fields: tuple[str, ...] = ()
) -> None:
    sample.state = state
    sample.reviewer = actor
    sample.version += 1
    sample.save(update_fields=["state", "reviewer", "version", *fields])


def agree_field(code: str) -> str:
    return "agree_" + code.replace(".", "_")


def comment_field(code: str) -> str:
    return "comment_" + code.replace(".", "_")


def new_outcome_field(code: str) -> str:
    """The amendment's new outcome, named as the marking context names outcome fields."""
    return outcome_field(code)
