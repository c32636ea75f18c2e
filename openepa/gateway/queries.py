"""Pre-scoped reads for gateway: submissions of an enrolment, the eligibility the domain
computes for one, and the dashboard lists (each starting from what the user may see)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from django.db.models import Case, Q, QuerySet, When

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
from openepa.domain.gateway_tasks import (
    DETAILS,
    STATUS_WORDS,
    TASKS_BY_EVIDENCE,
    GatewayTask,
    TaskKind,
    TaskStatus,
    Verdict,
    gateway_tasks,
    task_status,
    verdict,
)
from openepa.domain.journey import State
from openepa.domain.policy import Policy
from openepa.domain.standard import Standard
from openepa.enrolments.domain_data import policy_of, standard_of
from openepa.enrolments.models import Enrolment
from openepa.gateway.models import GatewayItem, GatewaySubmission, RequirementReview


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


class RequirementRecord(TypedDict):
    code: str
    met: bool
    reason: str
    source: str


class EligibilityRecord(TypedDict):
    """An Eligibility as stored with the gateway decision (GatewaySubmission
    .recorded_eligibility)."""

    eligible: bool
    requirements: list[RequirementRecord]
    days_on_programme: int
    months_on_programme: int
    age_at_start: int
    english_maths_required: bool
    # Records made before these were kept lack them.
    english_maths_rule: NotRequired[str]
    english_maths_why: NotRequired[str]
    english_required: NotRequired[bool]
    maths_required: NotRequired[bool]


def eligibility_record(result: Eligibility) -> EligibilityRecord:
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


def eligibility_from_record(raw: EligibilityRecord) -> Eligibility:
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


# The task list (openepa.domain.gateway_tasks) -------------------------------------------

#: The journey states in which the apprentice's side prepares a gateway.
PREPARING_STATES = frozenset({State.REGISTERED, State.GATEWAY_REJECTED})


@dataclass
class TaskRow:
    task: GatewayTask
    status: TaskStatus
    #: The evidence it goes with now: what was added since the last submission, else what
    #: the EPAO accepted in it (documents: every one; details and sign-off: the latest).
    items: list[GatewayItem]
    #: Why the EPAO returned it last time ("" when it did not).
    returned_reason: str = ""

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def done(self) -> bool:
        return self.status in (TaskStatus.COMPLETED, TaskStatus.ACCEPTED)

    @property
    def editable(self) -> bool:
        return self.status != TaskStatus.ACCEPTED

    @property
    def details(self) -> dict[str, Any] | None:
        return self.items[-1].details if self.items and self.task.kind == "details" else None


@dataclass
class TaskList:
    enrolment: Enrolment
    policy: Policy
    #: The last submission, if the gateway was submitted before.
    last: GatewaySubmission | None
    rows: list[TaskRow]

    @property
    def ready(self) -> bool:
        return all(row.done for row in self.rows)

    @property
    def undone(self) -> list[TaskRow]:
        return [row for row in self.rows if not row.done]

    @property
    def completed_count(self) -> int:
        return sum(row.done for row in self.rows)

    def row(self, code: str) -> TaskRow | None:
        return next((r for r in self.rows if r.task.code == code), None)

    @property
    def details(self) -> dict[str, Any] | None:
        row = self.row(DETAILS.code)
        return row.details if row else None


def latest_reviews(submission: GatewaySubmission) -> dict[str, RequirementReview]:
    """Each requirement's latest review of a submission (every review is kept)."""
    latest: dict[str, RequirementReview] = {}
    for review in submission.reviews.select_related("decided_by").order_by("decided_at", "id"):
        latest[review.task] = review
    return latest


def task_list(enrolment: Enrolment) -> TaskList:
    """The gateway task list of an enrolment as it stands: new evidence since the last
    submission, and what the EPAO accepted or returned in that submission (a constant
    number of queries)."""
    policy = policy_of(enrolment)
    last = enrolment.gateway_submissions.order_by("-submitted_at", "-id").first()
    reviews: dict[str, RequirementReview] = {}
    carried_ids: list[int] = []
    if last is not None and last.status == GatewaySubmission.Status.REJECTED and last.task_items:
        reviews = latest_reviews(last)
        for code, ids in last.task_items.items():
            review = reviews.get(code)
            if review is not None and review.outcome == RequirementReview.Outcome.ACCEPTED:
                carried_ids += ids
    new: dict[str, list[GatewayItem]] = {}
    carried: dict[str, list[GatewayItem]] = {}
    items = GatewayItem.objects.filter(enrolment=enrolment).select_related("created_by")
    items = items.filter(
        Q(submission__isnull=True, withdrawn_at__isnull=True) | Q(pk__in=carried_ids)
    )
    for item in items.order_by("created_at", "id"):
        (carried if item.submission_id else new).setdefault(item.task, []).append(item)
    details_items = new.get(DETAILS.code) or carried.get(DETAILS.code) or []
    details = details_items[-1].details if details_items else None
    adjustment = bool(details and details.get("adjustment_requested"))
    rows = []
    for task in gateway_tasks(policy, adjustment):
        review = reviews.get(task.code)
        fresh = new.get(task.code, [])
        status = task_status(
            has_new_evidence=bool(fresh), last_review=review.outcome if review else None
        )
        current = fresh if fresh else carried.get(task.code, [])
        if task.kind != TaskKind.DOCUMENTS:
            current = current[-1:]
        rows.append(
            TaskRow(
                task=task,
                status=status,
                items=current,
                returned_reason=review.reason
                if review and review.outcome == RequirementReview.Outcome.RETURNED
                else "",
            )
        )
    return TaskList(enrolment=enrolment, policy=policy, last=last, rows=rows)


@dataclass
class ReviewRow:
    task: GatewayTask
    items: list[GatewayItem]
    review: RequirementReview | None
    #: Every review of it, oldest first.
    reviews: list[RequirementReview] = field(default_factory=list)


def review_rows(submission: GatewaySubmission) -> list[ReviewRow]:
    """Each requirement of a task-list submission with its evidence as submitted and the
    EPAO's reviews of it (a constant number of queries)."""
    if not submission.task_items:
        return []
    ids = [pk for pks in submission.task_items.values() for pk in pks]
    items = {i.pk: i for i in GatewayItem.objects.filter(pk__in=ids).select_related("created_by")}
    every: dict[str, list[RequirementReview]] = {}
    for review in submission.reviews.select_related("decided_by").order_by("decided_at", "id"):
        every.setdefault(review.task, []).append(review)
    policy = policy_of(submission.enrolment)
    tasks = {t.code: t for t in gateway_tasks(policy, True)}
    rows = []
    for code, pks in submission.task_items.items():
        task = tasks.get(code) or TASKS_BY_EVIDENCE.get(code) or DETAILS
        found = every.get(code, [])
        rows.append(
            ReviewRow(
                task=task,
                items=[items[pk] for pk in pks if pk in items],
                review=found[-1] if found else None,
                reviews=found,
            )
        )
    return rows


def verdict_of(submission: GatewaySubmission) -> Verdict:
    reviews = {code: r.outcome for code, r in latest_reviews(submission).items()}
    return verdict(tuple(submission.task_items), reviews)


def document_history(enrolment: Enrolment) -> QuerySet[GatewayItem]:
    """Every gateway document of an enrolment ever submitted, newest first, with who added
    it and the submission that first carried it (withdrawn drafts are not part of it)."""
    return (
        GatewayItem.objects.filter(
            enrolment=enrolment, kind=GatewayItem.Kind.DOCUMENT, submission__isnull=False
        )
        .select_related("created_by", "submission")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class GatewayDocuments:
    """The gateway documents people who check a decision see (IQA, enquiry and appeal
    reviewers, the admin amending a sheet): those of the accepted submission, each with
    its requirement, and how many earlier versions there were."""

    submission: GatewaySubmission | None
    documents: list[tuple[str, GatewayItem]]
    earlier_versions: int


def gateway_documents(enrolment: Enrolment) -> GatewayDocuments:
    """The accepted (else the latest) submission's documents, by requirement; three
    queries, whatever the number of documents."""
    submission = (
        enrolment.gateway_submissions.exclude(task_items={})
        .order_by(
            Case(When(status=GatewaySubmission.Status.ACCEPTED, then=0), default=1),
            "-submitted_at",
            "-id",
        )
        .first()
    )
    if submission is None:
        return GatewayDocuments(None, [], 0)
    ids = [pk for pks in submission.task_items.values() for pk in pks]
    titles = {t.code: t.title for t in gateway_tasks(policy_of(enrolment), True)}
    rows = GatewayItem.objects.filter(pk__in=ids, kind=GatewayItem.Kind.DOCUMENT).select_related(
        "created_by"
    )
    documents = [(titles.get(item.task, item.task), item) for item in rows.order_by("task", "id")]
    earlier = (
        GatewayItem.objects.filter(
            enrolment=enrolment, kind=GatewayItem.Kind.DOCUMENT, submission__isnull=False
        )
        .exclude(pk__in=ids)
        .count()
    )
    return GatewayDocuments(submission, documents, earlier)


def oldest_waiting_submission(user: User) -> datetime | None:
    """When the longest-waiting gateway submission of the admin's EPAOs was made (the home
    page's figure; index gateway_submitted_waiting reads the first one only)."""
    found = (
        GatewaySubmission.objects.filter(
            status=GatewaySubmission.Status.SUBMITTED,
            enrolment__epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN),
        )
        .order_by("submitted_at")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return found
