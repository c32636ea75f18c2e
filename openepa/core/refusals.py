"""Refusals raised by actions and shown to the user on the form field they concern.

Every action refuses with ActionRefused (a rule said no) or StaleEdit (someone changed the
record since the form was opened); `run_action` turns either into a form error."""

from __future__ import annotations

from collections.abc import Callable


class ActionRefused(Exception):
    """A rule refused the action; `field` names the form field it concerns (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class StaleEdit(ActionRefused):
    """Someone else changed the record since the form was opened."""


#: What a stale form is told unless the record has words of its own.
STALE_RECORD = (
    "This record was changed by someone else while you were working on it. "
    "Reload the page to see the latest version, then make your change again."
)


def check_version(
    current: int, expected: int | None, message: str | Callable[[], str] = STALE_RECORD
) -> None:
    """Refuse a concurrent edit (optimistic locking): the version the form was opened at
    must still be the record's. `expected` None means the caller has no form (a worker,
    the demo) and checks nothing. `message` may be built only when refusing (e.g. it names
    who changed the record)."""
    if expected is None or current == expected:
        return
    raise StaleEdit(message() if callable(message) else message)
