"""A JourneyEvent as a sentence a person reads: what happened, to whom, and who did it
("Ada Lovelace's gateway was accepted by Sam Admin"). The one place that words an event;
the timeline, a case's history and any other list of events use it."""

from __future__ import annotations

from collections.abc import Iterable

from openepa.accounts.models import User
from openepa.domain.journey import Event
from openepa.enrolments.models import JourneyEvent

#: The parties never see that a decision was sampled for internal quality assurance: it is
#: the EPAO's internal business (DESIGN.md, "What people see").
IQA_ACTIONS = frozenset({"iqa_sampled", "iqa_signed_off"})

METHOD_WORDS = {
    "showcase": "apprentice showcase",
    "observation": "observation",
    "discussion": "professional discussion",
}

#: "{who}" is the apprentice's name with "'s", "{by}" the person who acted, "{method}" the
#: assessment method the event is about.
SENTENCES: dict[str, str] = {
    "register": "{name} was registered on the standard by {by}",
    Event.SUBMIT_GATEWAY.value: "{who} gateway evidence was submitted by {by}",
    Event.ACCEPT_GATEWAY.value: "{who} gateway was accepted by {by}",
    Event.REJECT_GATEWAY.value: "{who} gateway was rejected by {by}",
    "gateway_details_saved": "{by} recorded {who} gateway meeting, English and maths",
    "gateway_document_uploaded": "{by} added a document to {who} gateway",
    "gateway_document_withdrawn": "{by} withdrew a document from {who} gateway before submitting",
    "gateway_signed_off": "{by} signed off {who} gateway",
    "gateway_requirement_reviewed": "{by} reviewed a requirement of {who} gateway",
    Event.RECORD_PLANNING.value: "{who} planning meeting was recorded by {by}",
    Event.BOOK_ASSESSMENT.value: "{who} {method} was booked by {by}",
    "reschedule_booking": "{who} {method} was rescheduled by {by}",
    "cancel_booking": "{who} {method} booking was cancelled by {by}",
    "confirm_no_conflict": "{by} confirmed having no conflict of interest with {name}",
    "record_missed_assessment": "{by} recorded that {who} {method} did not go ahead",
    "decide_missed_assessment": "{by} decided {who} missed {method} does not count; to rebook",
    "count_missed_assessment": (
        "{by} decided {who} missed {method} counts as an attempt: the {method} is failed"
    ),
    "decline_allocation": "{by} declined the {method} allocation",
    "open_marking_sheet": "{by} opened the {method} marking sheet",
    "submit_marking_sheet": "{by} submitted the {method} marking sheet",
    "amend_marking_sheet": "{by} amended the {method} marking sheet",
    Event.COMPLETE_ASSESSMENT.value: "{who} last assessment was completed",
    "compute_result": "{who} overall grade was worked out from the marking sheets",
    Event.RELEASE_RESULTS.value: "{who} results were released by {by}",
    Event.OFFER_RESIT.value: "A resit or retake was offered to {name}",
    "resit_window_override": "{by} allowed {name} a resit or retake after the window",
    Event.COMPLETE.value: "{name} completed the end-point assessment",
    Event.RESTART_EPA.value: "{who} EPA was restarted after the resit window closed",
    Event.REISSUE_RESULTS.value: "{who} results were re-issued after an upheld enquiry or appeal",
    Event.WITHDRAW.value: "{name} was withdrawn by {by}",
    "iqa_sampled": "{who} {method} decision was sampled for internal quality assurance",
    "iqa_signed_off": "{by} signed off the internal quality assurance of {who} {method}",
    "upload_evidence": "{by} added a piece of showcase evidence",
    "remove_evidence": "{by} removed a piece of showcase evidence",
    "tag_evidence": "{by} chose the criteria a piece of showcase evidence shows",
    "adjustment_requested": "A reasonable adjustment for {name} was requested by {by}",
    "adjustment_decided": "{who} reasonable adjustment request was decided by {by}",
    "special_consideration_requested": "Special consideration for {name} was requested by {by}",
    "special_consideration_decided": "{who} special consideration request was decided by {by}",
    "case_raised": "{case} was raised by {by}",
    "case_review_started": "{by} started the review of {case_lower}",
    "case_decided": "{case} was decided by {by}",
    "case_amendment": "A marking sheet was amended through {case_lower} by {by}",
    "case_closed": "{case} was closed by {by}",
    "certificate_requested": "{who} apprenticeship certificate was requested by {by}",
    "epa_record_exported": "{who} end-point assessment record was exported by {by}",
    "record_training_plan": "{by} recorded whether English and maths are in {who} training plan",
    "record_employer_attempts": (
        "{by} recorded the attempts the employer funds for {name} and any further learning"
    ),
    "epa_record_queued": "{who} end-point assessment record was queued for the assessment service by {by}",
    "service_record_accepted": "{who} record was accepted by the assessment service",
    "service_record_rejected": "{who} record was rejected by the assessment service",
    "service_record_resent": "{who} record was queued again for the assessment service by {by}",
    "certificate_submitted": "{who} certificate was submitted to the assessment service",
    "postal_contact_changed": "{who} certificate address was changed by {by}",
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
