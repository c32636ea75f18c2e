"""Which emails each journey step sends, to whom: the one table to extend.

A JourneyEvent's ``action`` (the domain Event value, or the name an action passes to
``openepa.enrolments.journey.record``) maps to zero or more notices. Each notice names an
email kind (its templates are ``templates/notifications/email/<kind>.txt``, ``.html`` and
``<kind>_subject.txt``), who receives it, and whether it carries a calendar invitation.
Actions not in the table send nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openepa.domain.journey import Event
from openepa.domain.steps import BookingStep, CaseStep, JourneyAction


class Audience(StrEnum):
    """Who a notice goes to, resolved per enrolment by openepa.notifications.recipients."""

    APPRENTICE = "apprentice"
    EMPLOYER = "employer"  # every employer member of the enrolment's employer
    PROVIDER = "provider"  # every provider member of the enrolment's provider
    EPAO_ADMINS = "epao_admins"  # every EPAO admin of the enrolment's EPAO
    ASSESSOR = "assessor"  # the assessor allocated to the event's booking
    #: The assessor of the booking a reschedule replaced, when the new one has another.
    PREVIOUS_ASSESSOR = "previous_assessor"


class Calendar(StrEnum):
    """The iTIP method of an attached .ics (RFC 5546): an invitation or its cancellation."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Notice:
    kind: str
    audiences: tuple[Audience, ...]
    calendar: Calendar | None = None


#: The statement of results goes to the apprentice, employer and provider (seed 000 §3);
#: so does every other step of their journey.
PARTIES = (Audience.APPRENTICE, Audience.EMPLOYER, Audience.PROVIDER)

#: JourneyEvent action → the emails it sends. One entry per action; keyed by the domain's
#: Event or a context's Step (openepa.domain.steps), so a misspelt action fails mypy.
NOTICES: dict[JourneyAction, tuple[Notice, ...]] = {
    Event.ACCEPT_GATEWAY: (Notice("gateway_accepted", PARTIES),),
    # Seed 000 §2.2: insufficient evidence is rejected with the reasons.
    Event.REJECT_GATEWAY: (Notice("gateway_rejected", PARTIES),),
    # The first booking (the Event) and each further one (the Step) share the name.
    BookingStep.BOOK: (Notice("booking_made", (*PARTIES, Audience.ASSESSOR), Calendar.REQUEST),),
    BookingStep.RESCHEDULE: (
        Notice("booking_changed", (*PARTIES, Audience.ASSESSOR), Calendar.REQUEST),
        Notice("booking_cancelled", (Audience.PREVIOUS_ASSESSOR,), Calendar.CANCEL),
    ),
    BookingStep.CANCEL: (
        Notice("booking_cancelled", (*PARTIES, Audience.ASSESSOR), Calendar.CANCEL),
    ),
    # A missed assessment that does not count is cancelled, so calendars drop it too.
    BookingStep.DECIDE_MISSED: (
        Notice("booking_cancelled", (*PARTIES, Audience.ASSESSOR), Calendar.CANCEL),
    ),
    Event.RELEASE_RESULTS: (Notice("results_issued", PARTIES),),
    # Issue 5 §3: an upheld enquiry or appeal that changes a grade notifies the parties.
    # Neither email carries the grounds or any special-category detail: only that a
    # decision was made, and the new results.
    CaseStep.CASE_DECIDED: (Notice("case_decided", PARTIES),),
    Event.REISSUE_RESULTS: (Notice("results_reissued", PARTIES),),
}
#: The same table by stored value (JourneyEvent.action is a string in the database).
_BY_VALUE: dict[str, tuple[Notice, ...]] = {action.value: n for action, n in NOTICES.items()}

#: Kinds sent by the daily reminder scan (openepa.notifications.reminders), not by an event.
RESIT_DEADLINE = Notice("resit_deadline_approaching", PARTIES)
RESULTS_OVERDUE = Notice("results_overdue", (Audience.EPAO_ADMINS,))

#: Every kind with a label for the admins' outbox page.
KIND_LABELS = {
    "gateway_accepted": "Gateway accepted",
    "gateway_rejected": "Gateway rejected",
    "booking_made": "Assessment booked",
    "booking_changed": "Assessment rescheduled",
    "booking_cancelled": "Assessment cancelled",
    "results_issued": "Results issued",
    "results_reissued": "Results re-issued",
    "case_decided": "Enquiry or appeal decided",
    "resit_deadline_approaching": "Resit or retake deadline approaching",
    "results_overdue": "Results overdue",
    # Account emails (openepa.accounts.mail): no template of their own here.
    "password_reset": "Password reset link",
    "two_factor_setup": "Two-factor setup link",
}


def notices_for(action: str) -> tuple[Notice, ...]:
    return _BY_VALUE.get(action, ())
