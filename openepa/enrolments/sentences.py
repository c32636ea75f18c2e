"""A JourneyEvent as a sentence a person reads: what happened, to whom, and who did it
("Ada Lovelace's gateway was accepted by Sam Admin"). The one place that words an event;
the timeline, a case's history and any other list of events use it."""

from __future__ import annotations

from collections.abc import Iterable

from openepa.accounts.models import User
from openepa.domain.journey import Event
from openepa.domain.steps import (
    BookingStep,
    CaseStep,
    CertificateStep,
    EnrolmentStep,
    EvidenceStep,
    GatewayStep,
    MarkingStep,
    QualityStep,
    ResultStep,
)
from openepa.enrolments.models import JourneyEvent

#: The parties never see that a decision was sampled for internal quality assurance: it is
#: the EPAO's internal business (DESIGN.md, "What people see").
IQA_ACTIONS = frozenset({QualityStep.SAMPLED.value, QualityStep.SIGNED_OFF.value})

METHOD_WORDS = {
    "showcase": "apprentice showcase",
    "observation": "observation",
    "discussion": "professional discussion",
}

#: "{who}" is the apprentice's name with "'s", "{by}" the person who acted, "{method}" the
#: assessment method the event is about.
SENTENCES: dict[str, str] = {
    EnrolmentStep.REGISTER.value: "{name} was registered on the standard by {by}",
    Event.SUBMIT_GATEWAY.value: "{who} gateway evidence was submitted by {by}",
    Event.ACCEPT_GATEWAY.value: "{who} gateway was accepted by {by}",
    Event.REJECT_GATEWAY.value: "{who} gateway was rejected by {by}",
    GatewayStep.SAVE_DETAILS.value: "{by} recorded {who} gateway meeting, English and maths",
    GatewayStep.UPLOAD_DOCUMENT.value: "{by} added a document to {who} gateway",
    GatewayStep.WITHDRAW_DOCUMENT.value: "{by} withdrew a document from {who} gateway before submitting",
    GatewayStep.SIGN_OFF.value: "{by} signed off {who} gateway",
    GatewayStep.REVIEW_REQUIREMENT.value: "{by} reviewed a requirement of {who} gateway",
    Event.RECORD_PLANNING.value: "{who} planning meeting was recorded by {by}",
    Event.BOOK_ASSESSMENT.value: "{who} {method} was booked by {by}",
    BookingStep.RESCHEDULE.value: "{who} {method} was rescheduled by {by}",
    BookingStep.CANCEL.value: "{who} {method} booking was cancelled by {by}",
    BookingStep.CONFIRM_NO_CONFLICT.value: "{by} confirmed having no conflict of interest with {name}",
    BookingStep.RECORD_MISSED.value: "{by} recorded that {who} {method} did not go ahead",
    BookingStep.DECIDE_MISSED.value: "{by} decided {who} missed {method} does not count; to rebook",
    BookingStep.COUNT_MISSED.value: (
        "{by} decided {who} missed {method} counts as an attempt: the {method} is failed"
    ),
    BookingStep.DECLINE_ALLOCATION.value: "{by} declined the {method} allocation",
    MarkingStep.OPEN_SHEET.value: "{by} opened the {method} marking sheet",
    MarkingStep.SUBMIT_SHEET.value: "{by} submitted the {method} marking sheet",
    MarkingStep.AMEND_SHEET.value: "{by} amended the {method} marking sheet",
    Event.COMPLETE_ASSESSMENT.value: "{who} last assessment was completed",
    ResultStep.COMPUTE.value: "{who} overall grade was worked out from the marking sheets",
    Event.RELEASE_RESULTS.value: "{who} results were released by {by}",
    Event.OFFER_RESIT.value: "A resit or retake was offered to {name}",
    ResultStep.OVERRIDE_RESIT_WINDOW.value: "{by} allowed {name} a resit or retake after the window",
    Event.COMPLETE.value: "{name} completed the end-point assessment",
    Event.RESTART_EPA.value: "{who} EPA was restarted after the resit window closed",
    Event.REISSUE_RESULTS.value: "{who} results were re-issued after an upheld enquiry or appeal",
    Event.WITHDRAW.value: "{name} was withdrawn by {by}",
    QualityStep.SAMPLED.value: "{who} {method} decision was sampled for internal quality assurance",
    QualityStep.SIGNED_OFF.value: "{by} signed off the internal quality assurance of {who} {method}",
    EvidenceStep.UPLOAD.value: "{by} added a piece of showcase evidence",
    EvidenceStep.REMOVE.value: "{by} removed a piece of showcase evidence",
    EvidenceStep.TAG.value: "{by} chose the criteria a piece of showcase evidence shows",
    CaseStep.ADJUSTMENT_REQUESTED.value: "A reasonable adjustment for {name} was requested by {by}",
    CaseStep.ADJUSTMENT_DECIDED.value: "{who} reasonable adjustment request was decided by {by}",
    CaseStep.CONSIDERATION_REQUESTED.value: "Special consideration for {name} was requested by {by}",
    CaseStep.CONSIDERATION_DECIDED.value: "{who} special consideration request was decided by {by}",
    CaseStep.CASE_RAISED.value: "{case} was raised by {by}",
    CaseStep.CASE_REVIEW_STARTED.value: "{by} started the review of {case_lower}",
    CaseStep.CASE_DECIDED.value: "{case} was decided by {by}",
    CaseStep.CASE_AMENDMENT.value: "A marking sheet was amended through {case_lower} by {by}",
    CaseStep.CASE_CLOSED.value: "{case} was closed by {by}",
    CertificateStep.CERTIFICATE_REQUESTED.value: "{who} apprenticeship certificate was requested by {by}",
    CertificateStep.EPA_RECORD_EXPORTED.value: "{who} end-point assessment record was exported by {by}",
    EnrolmentStep.RECORD_TRAINING_PLAN.value: "{by} recorded whether English and maths are in {who} training plan",
    EnrolmentStep.RECORD_EMPLOYER_ATTEMPTS.value: (
        "{by} recorded the attempts the employer funds for {name} and any further learning"
    ),
    CertificateStep.EPA_RECORD_QUEUED.value: "{who} end-point assessment record was queued for the assessment service by {by}",
    CertificateStep.SERVICE_RECORD_ACCEPTED.value: "{who} record was accepted by the assessment service",
    CertificateStep.SERVICE_RECORD_REJECTED.value: "{who} record was rejected by the assessment service",
    CertificateStep.SERVICE_RECORD_RESENT.value: "{who} record was queued again for the assessment service by {by}",
    CertificateStep.CERTIFICATE_SUBMITTED.value: "{who} certificate was submitted to the assessment service",
    CertificateStep.POSTAL_CONTACT_CHANGED.value: "{who} certificate address was changed by {by}",
}
CASE_WORDS = {"enquiry": "An enquiry about results", "appeal": "An appeal"}


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def actor_name(actor: User | None) -> str:
    if actor is None:
        return "OpenEPA"
    return str(getattr(actor, "full_name", "") or actor.email)


def event_sentence(event: JourneyEvent, apprentice_name: str) -> str:
    """The event as a sentence, with no code in it; an action not listed above is still
    told plainly ("Something was recorded by …")."""
    data = event.data or {}
    return sentence(
        event.action,
        apprentice_name,
        by=actor_name(event.actor),
        kind=data.get("kind"),
        method=data.get("method"),
    )


def sentence(action: str, apprentice_name: str, *, by: str, kind: object, method: object) -> str:
    """The sentence of an event told by its parts: its action, the apprentice's name, who
    acted (a name, or "OpenEPA"), and the case's kind and the method its data names (for a
    list that reads those without loading each event)."""
    case = CASE_WORDS.get(str(kind or ""), "An enquiry or appeal")
    words = {
        "name": apprentice_name,
        "who": _possessive(apprentice_name),
        "by": by,
        "method": METHOD_WORDS.get(str(method or ""), "assessment"),
        "case": case,
        "case_lower": case[:1].lower() + case[1:],
    }
    template = SENTENCES.get(action, "A step of {who} EPA was recorded by {by}")
    text = template.format(**words)
    return text[:1].upper() + text[1:] + "."


def visible_events(events: Iterable[JourneyEvent], *, internal: bool) -> list[JourneyEvent]:
    """The events a person may read: without the IQA sampling unless they are EPAO staff."""
    return [e for e in events if internal or e.action not in IQA_ACTIONS]
