"""The names of the steps each context records in an enrolment's journey without changing
its state (the state-changing ones are `openepa.domain.journey.Event`). One enum per
context, so that a misspelt step fails the type check rather than recording a step nobody
reads; the values are stored in JourneyEvent.action and must never change.

They live in the domain, below every context, because an earlier context may need a later
one's step by name (a booking honours the resit window an EPAO admin overrode in results,
seed 000 §4), and the notifications table (openepa.notifications.kinds.NOTICES) and the
history's words key on them."""

from __future__ import annotations

from enum import StrEnum

from openepa.domain.journey import Event


class Step(StrEnum):
    """A step recorded by `openepa.enrolments.journey.record` (the base of each context's)."""


class EnrolmentStep(Step):
    REGISTER = "register"
    #: The employer's decisions (issue 12): English and maths in the training plan, the
    #: attempts funded and whether further learning took place before a resit.
    RECORD_TRAINING_PLAN = "record_training_plan"
    RECORD_EMPLOYER_ATTEMPTS = "record_employer_attempts"


class GatewayStep(Step):
    """The gateway task list: each piece of evidence added, each sign-off, each review of a
    requirement (the submission and the decision are the Events of the same name)."""

    SAVE_DETAILS = "gateway_details_saved"
    UPLOAD_DOCUMENT = "gateway_document_uploaded"
    WITHDRAW_DOCUMENT = "gateway_document_withdrawn"
    SIGN_OFF = "gateway_signed_off"
    REVIEW_REQUIREMENT = "gateway_requirement_reviewed"


class BookingStep(Step):
    #: A further booking while the apprentice is already in assessment (the first one is
    #: the Event of the same name).
    BOOK = "book_assessment"
    RESCHEDULE = "reschedule_booking"
    CANCEL = "cancel_booking"
    CONFIRM_NO_CONFLICT = "confirm_no_conflict"
    #: The assessor records that the apprentice did not attend, or that the assessment
    #: could not go ahead; the admin then decides whether it counts as an attempt.
    RECORD_MISSED = "record_missed_assessment"
    DECIDE_MISSED = "decide_missed_assessment"
    #: The admin decided the missed assessment counts: the method is failed at that attempt.
    COUNT_MISSED = "count_missed_assessment"
    DECLINE_ALLOCATION = "decline_allocation"


class EvidenceStep(Step):
    UPLOAD = "upload_evidence"
    REMOVE = "remove_evidence"
    TAG = "tag_evidence"


class MarkingStep(Step):
    OPEN_SHEET = "open_marking_sheet"
    SUBMIT_SHEET = "submit_marking_sheet"
    AMEND_SHEET = "amend_marking_sheet"


class QualityStep(Step):
    SAMPLED = "iqa_sampled"
    SIGNED_OFF = "iqa_signed_off"


class ResultStep(Step):
    COMPUTE = "compute_result"
    #: Exceptional circumstances recorded after a fail: a resit may be booked after the
    #: policy's window (seed 000 §4); the booking rules read it.
    OVERRIDE_RESIT_WINDOW = "resit_window_override"


class CaseStep(Step):
    ADJUSTMENT_REQUESTED = "adjustment_requested"
    ADJUSTMENT_DECIDED = "adjustment_decided"
    CONSIDERATION_REQUESTED = "special_consideration_requested"
    CONSIDERATION_DECIDED = "special_consideration_decided"
    CASE_RAISED = "case_raised"
    CASE_REVIEW_STARTED = "case_review_started"
    CASE_DECIDED = "case_decided"
    CASE_AMENDMENT = "case_amendment"
    CASE_CLOSED = "case_closed"


class CertificateStep(Step):
    CERTIFICATE_REQUESTED = "certificate_requested"
    EPA_RECORD_EXPORTED = "epa_record_exported"
    EPA_RECORD_QUEUED = "epa_record_queued"
    SERVICE_RECORD_ACCEPTED = "service_record_accepted"
    SERVICE_RECORD_REJECTED = "service_record_rejected"
    SERVICE_RECORD_RESENT = "service_record_resent"
    CERTIFICATE_SUBMITTED = "certificate_submitted"
    POSTAL_CONTACT_CHANGED = "postal_contact_changed"


#: Anything a JourneyEvent's action may be.
type JourneyAction = Event | Step
