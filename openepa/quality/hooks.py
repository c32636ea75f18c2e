"""Where a later context joins the IQA's sign-off without quality importing it: the results
context (openepa.results) registers from its AppConfig.ready, so the dependency points one
way (results → quality)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from openepa.accounts.models import User
from openepa.assessments.models import Attempt

#: Called by the sign-off action inside its transaction, on the locked enrolment, once the
#: sample of `attempt` is signed off at `when` (the results computed from it may now be
#: signed off too); what it returns is ignored.
type OnSignedOff = Callable[[Attempt, User, datetime], object]

_ON_SIGNED_OFF: list[OnSignedOff] = []


def on_signed_off(hook: OnSignedOff) -> None:
    """Run `hook` whenever an IQA signs a sample off (once, however often asked)."""
    if hook not in _ON_SIGNED_OFF:
        _ON_SIGNED_OFF.append(hook)


def signed_off(attempt: Attempt, actor: User, when: datetime) -> None:
    for hook in _ON_SIGNED_OFF:
        hook(attempt, actor, when)
