"""Applying the domain transition table to an enrolment row, with its JourneyEvent.

Every action that changes an enrolment's journey calls `transition` inside its own
transaction, on a row it locked with select_for_update()."""

from __future__ import annotations

from typing import Any

from openepa.domain.journey import Event, State, next_state
from openepa.enrolments.models import Enrolment, JourneyEvent


class ActionRefused(Exception):
    """A rule refused the action; `field` names the form field it concerns (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class StaleEdit(ActionRefused):
    """Someone else changed the record since the form was opened."""


def lock_enrolment(enrolment_id: int, *, expected_version: int | None = None) -> Enrolment:
    """Lock the row for this transaction; refuse when the caller's form is stale."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    if expected_version is not None and enrolment.version != expected_version:
        raise StaleEdit(
            "This record was changed by someone else while you were working on it. "
            "Reload the page to see the latest version, then make your change again."
        )
    return enrolment


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
    return JourneyEvent.objects.create(
        enrolment=enrolment,
        actor=actor,
        action=action,
        from_state=enrolment.state,
        to_state=enrolment.state,
        reason=reason,
        data=data or {},
    )


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
    return JourneyEvent.objects.create(
        enrolment=enrolment,
        actor=actor,
        action=event.value,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=reason,
        data=data or {},
    )


__all__ = ["ActionRefused", "StaleEdit", "State", "lock_enrolment", "record", "transition"]
