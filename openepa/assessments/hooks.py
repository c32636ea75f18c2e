"""Where a later context joins the marking context's actions without the marking context
importing it: internal quality assurance (openepa.quality) registers here from its
AppConfig.ready, so the dependency points one way (quality → assessments)."""

from __future__ import annotations

from collections.abc import Callable

from openepa.accounts.models import User
from openepa.assessments.models import Attempt
from openepa.domain.standard import Grade

#: Called by the submit action inside its transaction, on the locked enrolment, with the
#: submitted attempt and the grade of its method (IQA sampling, issue 5); what it returns
#: is ignored.
type OnSubmitted = Callable[[Attempt, Grade | None, User], object]
#: Whether someone other than an EPAO admin may amend this submitted sheet (an IQA, as the
#: outcome of reviewing its open sample).
type AmendPermit = Callable[[User, Attempt], bool]

_ON_SUBMITTED: list[OnSubmitted] = []
_AMEND_PERMITS: list[AmendPermit] = []


def on_submitted(hook: OnSubmitted) -> None:
    """Run `hook` whenever a marking sheet is submitted (once, however often asked)."""
    if hook not in _ON_SUBMITTED:
        _ON_SUBMITTED.append(hook)


def allow_amending(permit: AmendPermit) -> None:
    """Let `permit` grant amending a submitted sheet (once, however often asked)."""
    if permit not in _AMEND_PERMITS:
        _AMEND_PERMITS.append(permit)


def submitted(attempt: Attempt, grade: Grade | None, actor: User) -> None:
    for hook in _ON_SUBMITTED:
        hook(attempt, grade, actor)


def may_amend_otherwise(actor: User, attempt: Attempt) -> bool:
    return any(permit(actor, attempt) for permit in _AMEND_PERMITS)
