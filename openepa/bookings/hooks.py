"""What the booking rules need to know of earlier marking, without the bookings context
importing the marking context that comes after it: a resit is booked only after a Fail, a
discussion follow-up only while carried-over criteria wait (seed 002), and a booking is
pending until its sheet is submitted; and how the admin's decision that a missed assessment
counts as an attempt records the failed marking sheet. The marking context
(openepa.assessments) provides both from its AppConfig.ready, so the dependency points one
way (assessments → bookings)."""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet

from openepa.accounts.models import User
from openepa.bookings.models import Booking
from openepa.domain.standard import Grade
from openepa.enrolments.models import Enrolment


class AttemptHistory(Protocol):
    def attempts_of(self, enrolment: Enrolment, method: str) -> int:
        """Attempts of a method so far (marking sheets of any status)."""
        ...

    def latest_method_grade(self, enrolment: Enrolment, method: str) -> Grade | None:
        """The grade of the method's latest submitted attempt, if it has one yet."""
        ...

    def open_carry_over(self, enrolment: Enrolment) -> list[str]:
        """Criteria carried over by the latest observation that no discussion judged yet."""
        ...

    def pending_bookings(self, enrolment: Enrolment) -> QuerySet[Booking]:
        """Booked and not yet assessed: active, with no submitted marking sheet."""
        ...


_PROVIDED: list[AttemptHistory] = []


def provide_attempt_history(history: AttemptHistory) -> None:
    """Register the reads of marking sheets (the marking context, once)."""
    _PROVIDED[:] = [history]


def attempt_history() -> AttemptHistory:
    if not _PROVIDED:
        raise RuntimeError("openepa.assessments is not installed: no marking history to read")
    return _PROVIDED[0]


class MissedAttemptRecorder(Protocol):
    def __call__(
        self, *, enrolment: Enrolment, booking: Booking, actor: User, reason: str
    ) -> object:
        """Record the booking's method as failed at the booking's attempt, for the reason
        given, inside the caller's transaction on the locked enrolment and booking; raise
        ActionRefused when the marking rules forbid it."""
        ...


_MISSED: list[MissedAttemptRecorder] = []


def provide_missed_attempt(recorder: MissedAttemptRecorder) -> None:
    """Register how a missed assessment is recorded as a failed attempt (the marking
    context, once): the admin's decision that it counts (issue 16, item 4) is a booking
    decision, but the attempt it records is a marking sheet."""
    _MISSED[:] = [recorder]


def record_missed_attempt(
    *, enrolment: Enrolment, booking: Booking, actor: User, reason: str
) -> None:
    if not _MISSED:
        raise RuntimeError("openepa.assessments is not installed: no attempt can be recorded")
    _MISSED[0](enrolment=enrolment, booking=booking, actor=actor, reason=reason)
