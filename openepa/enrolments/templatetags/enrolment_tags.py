"""Words for journey states and events, so templates never show a code."""

from __future__ import annotations

from django import template

from openepa.domain.journey import LABELS, Event, State
from openepa.domain.steps import (
    CaseStep,
    CertificateStep,
    EnrolmentStep,
    JourneyAction,
    QualityStep,
)

register = template.Library()

#: What each recorded action means, in words. Actions other contexts record without
#: changing the state (e.g. a rescheduled booking) fall back to their code in words.
EVENT_WORDS: dict[JourneyAction, str] = {
    EnrolmentStep.REGISTER: "Registered on the standard",
    Event.SUBMIT_GATEWAY: "Gateway evidence submitted",
    Event.ACCEPT_GATEWAY: "Gateway accepted",
    Event.REJECT_GATEWAY: "Gateway rejected",
    Event.RECORD_PLANNING: "Planning meeting recorded",
    Event.BOOK_ASSESSMENT: "Assessment booked",
    Event.COMPLETE_ASSESSMENT: "Assessment completed",
    Event.RELEASE_RESULTS: "Results released",
    Event.OFFER_RESIT: "Resit or retake offered",
    Event.COMPLETE: "Completed",
    Event.RESTART_EPA: "EPA restarted after the resit window closed",
    Event.WITHDRAW: "Withdrawn",
    QualityStep.SAMPLED: "Sampled for internal quality assurance",
    QualityStep.SIGNED_OFF: "Internal quality assurance signed off",
    Event.REISSUE_RESULTS: "Results re-issued after an upheld enquiry or appeal",
    # Reasonable adjustments, special considerations, enquiries and appeals (issue 5).
    CaseStep.ADJUSTMENT_REQUESTED: "Reasonable adjustment requested",
    CaseStep.ADJUSTMENT_DECIDED: "Reasonable adjustment decided",
    CaseStep.CONSIDERATION_REQUESTED: "Special consideration requested",
    CaseStep.CONSIDERATION_DECIDED: "Special consideration decided",
    CaseStep.CASE_RAISED: "Enquiry or appeal raised",
    CaseStep.CASE_REVIEW_STARTED: "Enquiry or appeal under review",
    CaseStep.CASE_DECIDED: "Enquiry or appeal decided",
    CaseStep.CASE_AMENDMENT: "Marking sheet amended through an upheld enquiry or appeal",
    CaseStep.CASE_CLOSED: "Enquiry or appeal closed",
    # The employer's decisions (issue 12).
    EnrolmentStep.RECORD_TRAINING_PLAN: "English and maths in the training plan recorded",
    EnrolmentStep.RECORD_EMPLOYER_ATTEMPTS: "Attempts funded and further learning recorded",
    # Certificates and the assessment service (issues 4 and 13).
    CertificateStep.CERTIFICATE_REQUESTED: "Certificate requested",
    CertificateStep.EPA_RECORD_EXPORTED: "EPA record exported for upload",
    CertificateStep.EPA_RECORD_QUEUED: "EPA record queued for the assessment service",
    CertificateStep.SERVICE_RECORD_ACCEPTED: "Accepted by the assessment service",
    CertificateStep.SERVICE_RECORD_REJECTED: "Rejected by the assessment service",
    CertificateStep.SERVICE_RECORD_RESENT: "Queued again for the assessment service",
    CertificateStep.CERTIFICATE_SUBMITTED: "Certificate submitted to the assessment service",
    CertificateStep.POSTAL_CONTACT_CHANGED: "Certificate address changed",
}


#: The same words by stored value (JourneyEvent.action is a string in the database).
_WORDS_BY_VALUE: dict[str, str] = {action.value: words for action, words in EVENT_WORDS.items()}


@register.filter
def state_label(value: str) -> str:
    try:
        return LABELS[State(value)]
    except ValueError:
        return value.replace("_", " ").capitalize()


@register.filter
def event_words(action: str) -> str:
    return _WORDS_BY_VALUE.get(action) or action.replace("_", " ").capitalize()
