"""The daily reminder scan: resit or retake deadlines approaching (to the apprentice,
employer and provider) and results overdue (to the EPAO's admins).

Run by the worker every day (openepa.notifications.tasks.daily_reminders) or by hand
(`manage.py send_reminders`). Idempotent: a reminder's key names the enrolment, the kind,
the deadline or result and the threshold, so a second scan on the same day, or the next
day within the same threshold, writes nothing new.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from openepa.domain.dates import long_date, working_days_between
from openepa.domain.journey import State
from openepa.enrolments.models import Enrolment
from openepa.notifications.compose import (
    Draft,
    enrolment_context,
    reminder_key,
    result_context,
    write,
)
from openepa.notifications.kinds import RESIT_DEADLINE, RESULTS_OVERDUE, Notice
from openepa.notifications.models import OutboxMessage
from openepa.notifications.recipients import resolve
from openepa.results.models import OverallResult
from openepa.results.queries import latest_released, plan_for

_RELATED = ("apprentice__user", "standard", "epao", "employer", "provider", "policy")


def threshold_reached(remaining: int, thresholds: list[int]) -> int | None:
    """The smallest reminder threshold (in working days before the deadline) that
    `remaining` working days have reached, or None: with reminders at 10 and 3, 8 days
    left gives 10, 2 days left gives 3, 12 days left gives none."""
    reached = [t for t in thresholds if remaining <= t]
    return min(reached) if reached else None


def _write_all(notice: Notice, draft: Draft, *parts: object) -> list[int]:
    ids = []
    for recipient in resolve(notice.audiences, draft.enrolment, {}):
        key = reminder_key(notice, draft.enrolment.pk, *parts, recipient.email.lower())
        message = write(key=key, notice=notice, recipient=recipient, draft=draft)
        if message.state == OutboxMessage.State.QUEUED:
            ids.append(message.pk)
    return ids


def resit_deadline_reminders(today: date) -> list[int]:
    """Seed 000 §4: a resit or retake within three months of the fail notification, else
    the whole EPA is taken again; seed 004: every method within six months. Reminds the
    parties at each threshold of OPENEPA_RESIT_REMINDER_WORKING_DAYS before the earliest
    deadline that applies (openepa.results.queries.plan_for)."""
    ids: list[int] = []
    thresholds = list(settings.OPENEPA_RESIT_REMINDER_WORKING_DAYS)
    for enrolment in Enrolment.objects.filter(state=State.RESIT_DUE.value).select_related(
        *_RELATED
    ):
        result = latest_released(enrolment)
        if result is None:
            continue
        result.enrolment = enrolment  # already loaded, with what plan_for reads
        plan = plan_for(result, on=today)
        if plan is None or plan.expired or plan.next_deadline is None:
            continue
        deadline = plan.next_deadline
        remaining = working_days_between(today, deadline)
        threshold = threshold_reached(remaining, thresholds)
        if threshold is None:
            continue
        context = {
            **enrolment_context(enrolment),
            "result": result_context(result),
            "deadline": long_date(deadline),
            "remaining": remaining,
        }
        ids += _write_all(
            RESIT_DEADLINE,
            Draft(enrolment, context, result_id=result.pk),
            deadline.isoformat(),
            threshold,
        )
    return ids


def overdue_results_reminders(today: date) -> list[int]:
    """Seed 004: results within 10 working days of the last component. Tells the EPAO's
    admins once about each unreleased result past its due date."""
    ids: list[int] = []
    overdue = OverallResult.objects.filter(
        released_at__isnull=True, superseded_at__isnull=True, due_on__lt=today
    ).select_related(*(f"enrolment__{name}" for name in _RELATED))
    for result in overdue:
        if result.due_on is None:  # filtered above; keeps the type checker informed
            continue
        context = {
            **enrolment_context(result.enrolment),
            "result": result_context(result),
            "working_days_late": working_days_between(result.due_on, today),
        }
        ids += _write_all(
            RESULTS_OVERDUE, Draft(result.enrolment, context, result_id=result.pk), result.pk
        )
    return ids


def scan(today: date) -> list[int]:
    """Write every reminder due on `today`; the ids of the messages still to send."""
    with transaction.atomic():
        return resit_deadline_reminders(today) + overdue_results_reminders(today)
