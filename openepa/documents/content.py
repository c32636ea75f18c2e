"""What each document says, gathered from the stored result: the snapshot of grades taken
when the result was computed (openepa.results), the enrolment's parties and the policy's
rules. Only stored values are used, never today's date, so a document regenerated from the
same data says the same thing (and, with ReportLab's invariant mode, is the same bytes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from openepa.assessments.models import Judgement
from openepa.domain.grading import Outcome
from openepa.domain.resits import grade_cap_statement
from openepa.domain.standard import Level
from openepa.enrolments.domain_data import modes_of, policy_of, standard_of
from openepa.results import queries
from openepa.results.display import KIND_LABELS, plan_lines
from openepa.results.models import OverallResult

#: Outcomes that make a criterion an area for development.
NOT_ACHIEVED = {Outcome.NOT_MET.value, Outcome.NOT_EVIDENCED.value}


@dataclass(frozen=True)
class Development:
    """A criterion the counted attempt did not achieve, with the assessor's note on it."""

    code: str
    text: str
    level: str
    outcome: str
    note: str


@dataclass(frozen=True)
class MethodLine:
    name: str
    grade: str
    kind: str
    attempt: int
    assessed_on: date
    feedback: str
    pass_criteria: list[Development]
    distinction_criteria: list[Development]


def reference(prefix: str, result: OverallResult) -> str:
    """The document's number: its kind, the EPAO and the result, e.g. SOR-3-000042."""
    return f"{prefix}-{result.enrolment.epao_id}-{result.pk:06d}"


def _development(result: OverallResult) -> dict[int, list[Judgement]]:
    """The counted attempts' judgements that were not achieved, by attempt id, in one query."""
    ids = [m["attempt_id"] for m in result.methods.values() if m.get("attempt_id")]
    found: dict[int, list[Judgement]] = {}
    rows = Judgement.objects.filter(attempt_id__in=ids, outcome__in=NOT_ACHIEVED).order_by("id")
    for row in rows:
        found.setdefault(row.attempt_id, []).append(row)
    return found


def methods(result: OverallResult) -> list[MethodLine]:
    """Each graded method in the standard's order, with its areas for development."""
    enrolment = result.enrolment
    standard = standard_of(enrolment)
    modes = modes_of(enrolment)
    judgements = _development(result)
    lines: list[MethodLine] = []
    for method in standard.methods:
        snap: queries.MethodSnapshot | None = result.methods.get(method.code.value)
        if snap is None:
            continue
        missed: dict[str, list[Development]] = {Level.PASS.value: [], Level.DISTINCTION.value: []}
        for row in judgements.get(snap.get("attempt_id") or 0, []):
            criterion = standard.criterion(row.criterion_code)
            if criterion is None or criterion.method != method.code:
                continue
            missed[criterion.level.value].append(
                Development(
                    code=criterion.code,
                    text=criterion.text_for(modes),
                    level=criterion.level.value,
                    outcome=row.get_outcome_display(),
                    note=row.note.strip(),
                )
            )
        lines.append(
            MethodLine(
                name=method.name,
                grade=(snap.get("grade") or "").capitalize(),
                kind=KIND_LABELS.get(snap["kind"], snap["kind"]),
                attempt=snap["attempt"],
                assessed_on=date.fromisoformat(snap["assessed_on"]),
                feedback=(snap.get("feedback") or "").strip(),
                pass_criteria=missed[Level.PASS.value],
                distinction_criteria=missed[Level.DISTINCTION.value],
            )
        )
    return lines


def context(result: OverallResult, prefix: str) -> dict[str, object]:
    """Everything the document templates print, from stored data only."""
    enrolment = result.enrolment
    policy = policy_of(enrolment)
    released_by = result.released_by
    return {
        "reference": reference(prefix, result),
        "result": result,
        "grade": result.get_grade_display(),
        "apprentice": enrolment.apprentice,
        "enrolment": enrolment,
        "standard": enrolment.standard,
        "epao": enrolment.epao,
        "employer": enrolment.employer,
        "provider": enrolment.provider,
        "policy": policy,
        "methods": methods(result),
        "cap_statement": grade_cap_statement(policy),
        # The date of issue is the release date stored on the result; an unreleased
        # result is a draft dated by its computation.
        "issued_on": timezone.localdate(result.released_at) if result.released_at else None,
        "computed_on": timezone.localdate(result.computed_at),
        "contact": released_by,
        "next_step": next_step(result),
    }


def next_step(result: OverallResult) -> dict[str, object] | None:
    """The resit or retake after a released Fail, as the result page words it (seed 000 §4,
    seed 002, seed 004); None for any other result. Only the deadlines, which are fixed
    by the fail notification and the first attempt, are printed, not whether they passed."""
    plan = queries.plan_for(result)
    notified = queries.fail_notified_on(result)
    if plan is None or notified is None:
        return None
    enrolment = result.enrolment
    lines = plan_lines(
        plan,
        policy_of(enrolment),
        standard_of(enrolment),
        notified=notified,
        first=result.first_component_on,
    )
    return {**lines, "notified_on": notified}
