"""The gateway as a task list: each requirement of the EPAO's policy is a task with its
evidence, and the EPAO reviews it requirement by requirement.

Sources: the evidence each policy asks for at gateway (seed 000 §2.2: the gateway meeting
record signed off by the employer and, where appropriate, the provider; Level 1 English and
maths with certificates; the reasonable adjustment request form where relevant; seed 002
Gateway: the readiness report agreed by the employer, the provider and the apprentice, and
the showcase format chosen at gateway; seed 004 Gateway: the employer's confirmation and the
showcase itself). "Apprentices will not be accepted at EPA Gateway if the evidence required
is not sufficiently met" (seed 000 §2.2): so the gateway is accepted only when the EPAO has
accepted every requirement, and a requirement it returns comes back to be done again.

The tasks come from the policy data file (``policy.gateway.required_evidence``); nothing
here is particular to one EPAO."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from openepa.domain.policy import Policy


class TaskKind(StrEnum):
    #: The gateway meeting's date, English and maths, the choices made at gateway; with
    #: the certificates as documents (optional: the levels recorded are checked by the rules).
    DETAILS = "details"
    #: One or more documents (at least one before the gateway can be submitted).
    DOCUMENTS = "documents"
    #: A declaration signed by one party with their own login.
    SIGN_OFF = "sign_off"


class Party(StrEnum):
    EMPLOYER = "employer"
    PROVIDER = "provider"


@dataclass(frozen=True)
class GatewayTask:
    code: str
    title: str
    kind: TaskKind
    hint: str
    #: The evidence code (openepa.domain.eligibility.EVIDENCE) this task supplies, if any.
    evidence_code: str | None = None
    #: Who signs a sign-off task.
    party: Party | None = None
    #: The words a sign-off declares.
    declaration: str = ""

    @property
    def documents_required(self) -> bool:
        return self.kind == TaskKind.DOCUMENTS


DETAILS = GatewayTask(
    "details",
    "Gateway meeting, English and maths",
    TaskKind.DETAILS,
    "The date of the gateway meeting, the apprentice's English and maths, and the choices "
    "made at gateway, with the English and maths certificates.",
)

#: Every evidence code a policy may ask for, as a task. The showcase format choice is a
#: field of the details task (choosing it on the form is the choice record).
TASKS_BY_EVIDENCE: dict[str, GatewayTask] = {
    "gateway_meeting_record": GatewayTask(
        "gateway_meeting_record",
        "Gateway meeting record",
        TaskKind.DOCUMENTS,
        "The record of the meeting where the employer and provider agreed the apprentice is "
        "ready for end-point assessment.",
        evidence_code="gateway_meeting_record",
    ),
    "showcase_submission": GatewayTask(
        "showcase_submission",
        "Apprentice showcase",
        TaskKind.DOCUMENTS,
        "The apprentice's showcase, which this EPAO takes at gateway.",
        evidence_code="showcase_submission",
    ),
    "adjustment_request_form": GatewayTask(
        "adjustment_request_form",
        "Reasonable adjustment request form",
        TaskKind.DOCUMENTS,
        "The completed request form, because a reasonable adjustment is requested.",
        evidence_code="adjustment_request_form",
    ),
    "employer_sign_off": GatewayTask(
        "employer_sign_off",
        "Employer sign-off",
        TaskKind.SIGN_OFF,
        "The employer confirms the apprentice is ready, signed in as themselves.",
        evidence_code="employer_sign_off",
        party=Party.EMPLOYER,
        declaration=(
            "I confirm for the employer that the apprentice is ready for end-point assessment "
            "and that the gateway evidence is true and complete."
        ),
    ),
    "provider_sign_off": GatewayTask(
        "provider_sign_off",
        "Training provider sign-off",
        TaskKind.SIGN_OFF,
        "The training provider confirms the apprentice is ready, signed in as themselves.",
        evidence_code="provider_sign_off",
        party=Party.PROVIDER,
        declaration=(
            "I confirm for the training provider that the apprentice has completed the "
            "training, is ready for end-point assessment and that the gateway evidence is true "
            "and complete."
        ),
    ),
}
#: Evidence supplied by a field of the details task rather than a task of its own.
IN_DETAILS = frozenset({"showcase_format_choice"})

#: The declaration whoever submits makes on the "check your answers" page.
SUBMIT_DECLARATION = (
    "I confirm that the information and documents in this gateway are correct to the best of "
    "my knowledge, and that the employer and the apprentice agree the apprentice is ready."
)


def gateway_tasks(policy: Policy, adjustment_requested: bool) -> tuple[GatewayTask, ...]:
    """The tasks of a gateway under `policy`: the details first, then each evidence the
    policy requires in its order, then the adjustment request form "where relevant"
    (seed 000 §2.2), the sign-offs last so they confirm what is above them."""
    codes = [c for c in policy.gateway.required_evidence if c not in IN_DETAILS]
    if adjustment_requested and "adjustment_request_form" not in codes:
        codes.append("adjustment_request_form")
    tasks = [TASKS_BY_EVIDENCE[c] for c in codes]
    tasks.sort(key=lambda t: t.kind == TaskKind.SIGN_OFF)  # stable: the policy's order stays
    return (DETAILS, *tasks)


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    COMPLETED = "completed"
    #: Returned by the EPAO with a reason: to be done again.
    TO_REDO = "to_redo"
    #: Accepted by the EPAO in an earlier round: kept as it is.
    ACCEPTED = "accepted"


STATUS_WORDS = {
    TaskStatus.NOT_STARTED: "Not yet started",
    TaskStatus.COMPLETED: "Completed",
    TaskStatus.TO_REDO: "To redo",
    TaskStatus.ACCEPTED: "Accepted by the EPAO",
}


def task_status(*, has_new_evidence: bool, last_review: str | None) -> TaskStatus:
    """A task's status while the gateway is being prepared. `has_new_evidence`: evidence
    added since the last submission; `last_review`: the EPAO's last word on this task in
    the last submission ("accepted", "returned" or None when there was none)."""
    if last_review == "accepted":
        return TaskStatus.ACCEPTED
    if has_new_evidence:
        return TaskStatus.COMPLETED
    if last_review == "returned":
        return TaskStatus.TO_REDO
    return TaskStatus.NOT_STARTED


class Verdict(StrEnum):
    #: Some requirement has no review yet.
    UNREVIEWED = "unreviewed"
    #: Every requirement accepted: the gateway may be accepted.
    ALL_ACCEPTED = "all_accepted"
    #: Every requirement reviewed, some returned: the gateway goes back to be redone.
    SOME_RETURNED = "some_returned"


def verdict(task_codes: tuple[str, ...], reviews: Mapping[str, str]) -> Verdict:
    """The review of a submission as a whole, from each requirement's latest review."""
    if any(code not in reviews for code in task_codes):
        return Verdict.UNREVIEWED
    if all(reviews[code] == "accepted" for code in task_codes):
        return Verdict.ALL_ACCEPTED
    return Verdict.SOME_RETURNED
