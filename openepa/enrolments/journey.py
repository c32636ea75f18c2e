"""Applying the domain transition table to an enrolment row, with its JourneyEvent.

Every action that changes an enrolment's journey calls `transition` inside its own
transaction, on a row it locked with select_for_update()."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction

from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.journey import Event, State, next_state
from openepa.enrolments.models import Enrolment, JourneyEvent


def lock_enrolment(enrolment_id: int, *, expected_version: int | None = None) -> Enrolment:
    """Lock the row for this transaction; refuse when the caller's form is stale."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    check_version(enrolment.version, expected_version)
    return enrolment


#: False while a history is replayed (the demo EPAO): its steps happened "in the past" and
#: must not email anyone now.
_ANNOUNCING: ContextVar[bool] = ContextVar("announcing", default=True)


@contextmanager
def announcements_paused() -> Iterator[None]:
    """Record journey steps without queuing their emails (used by the demo's replay)."""
    token = _ANNOUNCING.set(False)
    try:
        yield
    finally:
        _ANNOUNCING.reset(token)


def _announce(event: JourneyEvent) -> None:
    """Once the action's transaction commits, queue the emails this step sends
    (openepa.notifications: one table maps an action to its emails). Nothing is queued
    for a rolled-back action; a step that sends no email queues nothing."""
    if not _ANNOUNCING.get():
        return
    event_id, action = event.pk, event.action

    def enqueue() -> None:
        from openepa.notifications.kinds import notices_for
        from openepa.notifications.tasks import notify_for_event

        if notices_for(action):
            notify_for_event.enqueue(event_id)

    # robust: the action has committed; a failure to queue is logged, not shown as a
    # failure of what the user did.
    transaction.on_commit(enqueue, robust=True)


def record(
    enrolment: Enrolment,
    *,
    actor: Any,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> JourneyEvent:
    """Append an event that does not change the state (e.g. a booking was rescheduled)."""
    enrolment.version += 1
    enrolment.save(update_fields=["version"])
    event = JourneyEvent.objects.create(
        enrolment=enrolment,
        actor=actor,
        action=action,
        from_state=enrolment.state,
        to_state=enrolment.state,
        reason=reason,
        data=data or {},
    )
    _announce(event)
    return event


def transition(
    enrolment: Enrolment,
    event: Event,
    *,
    actor: Any,
    reason: str = "",
    data: dict[str, Any] | None = None,
    extra_fields: tuple[str, ...] = (),
) -> JourneyEvent:
    """Move the enrolment along the transition table and append the JourneyEvent."""
    from_state = enrolment.journey_state
    try:
        to_state = next_state(from_state, event)
    except ValueError as exc:
        raise ActionRefused(str(exc)) from exc
    enrolment.state = to_state.value
    enrolment.version += 1
    enrolment.save(update_fields=["state", "version", *extra_fields])
    appended = JourneyEvent.objects.create(
        enrolment=enrolment,
        actor=actor,
        action=event.value,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=reason,
        data=data or {},
    )
    _announce(appended)
    return appended


__all__ = ["State", "lock_enrolment", "record", "transition"]
