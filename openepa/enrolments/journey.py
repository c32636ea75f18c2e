"""Applying the domain transition table to an enrolment row, with its JourneyEvent.

Every action that changes an enrolment's journey calls `transition` inside its own
transaction, on a row it locked with select_for_update()."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from openepa.accounts.models import User
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.journey import Event, State, next_state
from openepa.domain.steps import Step
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


#: Called with every JourneyEvent appended, inside the action's transaction. Later contexts
#: subscribe from their AppConfig.ready (the notifications context queues the step's emails)
#: so that the journey knows nothing of them.
type Subscriber = Callable[[JourneyEvent], None]
_SUBSCRIBERS: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Call `subscriber` with each journey event from now on (once, however often asked)."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)


def _announce(event: JourneyEvent) -> None:
    """Tell the subscribers of a step, unless a history is being replayed. Each subscriber
    defers its side effects with transaction.on_commit, so a rolled-back action announces
    nothing."""
    if not _ANNOUNCING.get():
        return
    for subscriber in _SUBSCRIBERS:
        subscriber(event)


def record(
    enrolment: Enrolment,
    *,
    actor: User | None,
    action: Step,
    reason: str = "",
    data: dict[str, object] | None = None,
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
    actor: User | None,
    reason: str = "",
    data: dict[str, object] | None = None,
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


__all__ = ["State", "lock_enrolment", "record", "subscribe", "transition"]
