"""Reads of internal quality assurance: the IQA queue, the samples that hold results, an
assessor's view of the review of their decision, and agreement rates per assessor.

Each list starts from what the user may see and loads what its rows show, so the number of
queries does not grow with the number of rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.assessments.models import Attempt
from openepa.domain.search import Terms
from openepa.enrolments.queries import apprentice_matches
from openepa.quality.models import IqaCriterionReview, IqaSample

OPEN_STATES = (IqaSample.State.QUEUED, IqaSample.State.IN_REVIEW)
_ROW_RELATED = ("attempt__enrolment__apprentice", "attempt__assessor", "reviewer")


def queue_for(user: User) -> QuerySet[IqaSample]:
    """Samples waiting for the IQA, oldest first: their EPAOs' open samples, never one of an
    apprentice whose EPA they assessed any part of or whose training provider they work for
    (seed 003 §9; openepa.quality.access.independence_problem)."""
    roles = roles_of(user)
    assessed_by_user = Attempt.objects.filter(
        enrolment_id=OuterRef("attempt__enrolment_id"), assessor_id=user.pk
    )
    return (
        IqaSample.objects.filter(
            state__in=OPEN_STATES, attempt__enrolment__epao_id__in=roles.orgs(Role.IQA)
        )
        .exclude(Exists(assessed_by_user))
        .exclude(attempt__enrolment__provider_id__in=roles.orgs(Role.PROVIDER))
        .select_related(*_ROW_RELATED)
        .order_by("sampled_at", "id")
    )


def open_samples_for_admin(user: User) -> QuerySet[IqaSample]:
    """Every open sample of the admin's EPAOs, oldest first, with the enrolment's policy
    loaded (whether it holds the result comes from the policy data)."""
    return (
        IqaSample.objects.filter(
            state__in=OPEN_STATES,
            attempt__enrolment__epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN),
        )
        .select_related(*_ROW_RELATED, "attempt__enrolment__policy")
        .order_by("sampled_at", "id")
    )


def pending_samples(attempt_ids: Collection[int]) -> list[IqaSample]:
    """The samples of these decisions that are not signed off yet."""
    return list(
        IqaSample.objects.filter(attempt_id__in=list(attempt_ids), state__in=OPEN_STATES)
        .select_related("attempt")
        .order_by("attempt__assessed_on", "id")
    )


def sign_off_of(attempt_ids: Collection[int]) -> tuple[datetime, int] | None:
    """When and by whom the last sample of these decisions was signed off, once every one is;
    None when any is open or none was sampled (nothing to sign off)."""
    samples = list(IqaSample.objects.filter(attempt_id__in=list(attempt_ids)))
    if not samples or any(s.state != IqaSample.State.SIGNED_OFF for s in samples):
        return None
    last = max(samples, key=lambda s: (s.signed_off_at, s.pk))
    assert last.signed_off_at is not None
    assert last.reviewer_id is not None
    return last.signed_off_at, last.reviewer_id


def review_section(request: HttpRequest, attempt: Attempt) -> dict[str, object]:
    """The submitted marking sheet's section (openepa.assessments.sections)."""
    return {"iqa_review": signed_off_review(request.user, attempt)}


def signed_off_review(user: User | AnonymousUser, attempt: Attempt) -> IqaSample | None:
    """The signed-off IQA review of a decision, for its assessor and the EPAO's admins: the
    assessor learns whether the IQA agreed with each judgement and why."""
    roles = roles_of(user)
    epao_id = attempt.enrolment.epao_id
    own = attempt.assessor_id == user.pk and epao_id in roles.orgs(Role.ASSESSOR)
    if not (own or epao_id in roles.orgs(Role.EPAO_ADMIN)):
        return None
    return (
        IqaSample.objects.filter(attempt_id=attempt.pk, state=IqaSample.State.SIGNED_OFF)
        .select_related("reviewer")
        .prefetch_related(Prefetch("reviews", queryset=IqaCriterionReview.objects.order_by("id")))
        .first()
    )


def iqa_agreement(
    assessor_ids: Collection[int], *, epao_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """{assessor id: (decisions the IQA agreed with, decisions reviewed)} over signed-off
    samples (of one EPAO's apprentices when `epao_id` is given: IQA is each EPAO's own
    business). Counted per decision, not per criterion: a decision counts as agreed when
    the IQA agreed with every criterion on its sheet; one disagreement makes it not agreed,
    whatever the outcome (grade stands or amended). Assessors with no signed-off sample
    are left out. One query, counted by the database: a row per assessor."""
    # The assessors' own sheets are found by the attempts' assessor index, then grouped:
    # one query plain to build, where a pair of counting subqueries per assessor took the
    # ORM longer to write than the database took to run.
    samples = IqaSample.objects.filter(
        state=IqaSample.State.SIGNED_OFF, attempt__assessor_id__in=list(assessor_ids)
    )
    if epao_id is not None:
        samples = samples.filter(attempt__enrolment__epao_id=epao_id)
    return _agreement(samples)


def epao_iqa_agreement(epao_id: int) -> dict[int, tuple[int, int]]:
    """`iqa_agreement` of every assessor of the EPAO at once (the consistency report's
    download): one grouped query over the EPAO's signed-off samples, a row per assessor,
    cheaper than a query per batch of assessors when every assessor is wanted."""
    return _agreement(
        IqaSample.objects.filter(
            state=IqaSample.State.SIGNED_OFF, attempt__enrolment__epao_id=epao_id
        )
    )


def _agreement(samples: QuerySet[IqaSample]) -> dict[int, tuple[int, int]]:
    """{assessor id: (agreed, reviewed)} over these samples, grouped by the database."""
    disagreed = IqaCriterionReview.objects.filter(sample_id=OuterRef("pk"), agree=False)
    rows = (
        samples.order_by()
        .values("attempt__assessor_id")
        .annotate(agreed=Count("pk", filter=~Exists(disagreed)), reviewed=Count("pk"))
        .values_list("attempt__assessor_id", "agreed", "reviewed")
    )
    return {assessor: (agreed, reviewed) for assessor, agreed, reviewed in rows}


def samples_matching(user: User, terms: Terms) -> QuerySet[IqaSample]:
    """The samples waiting in the IQA's queue that the terms name (the apprentice, or the
    sample's number), in the queue's order (header search)."""
    wanted = apprentice_matches(terms, "attempt__enrolment__apprentice__")
    if terms.number is not None:
        wanted = Q(pk=terms.number)
    if wanted is None:
        return IqaSample.objects.none()
    return queue_for(user).filter(wanted)
