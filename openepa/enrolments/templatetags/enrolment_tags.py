"""Words for journey states and events, so templates never show a code."""

from __future__ import annotations

from django import template

from openepa.domain.journey import LABELS, Event, State

register = template.Library()

#: What each recorded action means, in words. Actions other contexts record without
#: changing the state (e.g. a rescheduled booking) fall back to their code in words.
EVENT_WORDS: dict[str, str] = {
    "register": "Registered on the standard",
    Event.SUBMIT_GATEWAY.value: "Gateway evidence submitted",
    Event.ACCEPT_GATEWAY.value: "Gateway accepted",
    Event.REJECT_GATEWAY.value: "Gateway rejected",
    Event.RECORD_PLANNING.value: "Planning meeting recorded",
    Event.BOOK_ASSESSMENT.value: "Assessment booked",
    Event.COMPLETE_ASSESSMENT.value: "Assessment completed",
    Event.RELEASE_RESULTS.value: "Results released",
    Event.OFFER_RESIT.value: "Resit or retake offered",
    Event.COMPLETE.value: "Completed",
    Event.RESTART_EPA.value: "EPA restarted after the resit window closed",
    Event.WITHDRAW.value: "Withdrawn",
    "iqa_sampled": "Sampled for internal quality assurance",
    "iqa_signed_off": "Internal quality assurance signed off",
    Event.REISSUE_RESULTS.value: "Results re-issued after an upheld enquiry or appeal",
    # Reasonable adjustments, special considerations, enquiries and appeals (issue 5).
    "adjustment_requested": "Reasonable adjustment requested",
    "adjustment_decided": "Reasonable adjustment decided",
    "special_consideration_requested": "Special consideration requested",
    "special_consideration_decided": "Special consideration decided",
    "case_raised": "Enquiry or appeal raised",
    "case_review_started": "Enquiry or appeal under review",
    "case_decided": "Enquiry or appeal decided",
    "case_amendment": "Marking sheet amended through an upheld enquiry or appeal",
    "case_closed": "Enquiry or appeal closed",
    # The employer's decisions (issue 12).
    "record_training_plan": "English and maths in the training plan recorded",
    "record_employer_attempts": "Attempts funded and further learning recorded",
    # Certificates and the assessment service (issues 4 and 13).
    "certificate_requested": "Certificate requested",
    "epa_record_exported": "EPA record exported for upload",
    "epa_record_queued": "EPA record queued for the assessment service",
    "service_record_accepted": "Accepted by the assessment service",
    "service_record_rejected": "Rejected by the assessment service",
    "service_record_resent": "Queued again for the assessment service",
    "certificate_submitted": "Certificate submitted to the assessment service",
    "postal_contact_changed": "Certificate address changed",
}


@register.filter
def state_label(value: str) -> str:
    try:
        return LABELS[State(value)]
    except ValueError:
        return value.replace("_", " ").capitalize()


@register.filter
def event_words(action: str) -> str:
    return EVENT_WORDS.get(action) or action.replace("_", " ").capitalize()
