"""Where a later context joins the marking context's actions without the marking context
importing it: internal quality assurance (openepa.quality) and the results context
(openepa.results) register here from their AppConfig.ready, so the dependencies point one
way (quality → assessments, results → assessments)."""

from __future__ import annotations

from collections.abc import Callable

from openepa.accounts.models import User
from openepa.assessments.models import Attempt
from openepa.domain.standard import Grade
from openepa.enrolments.models import Enrolment

#: Called by the submit action inside its transaction, on the locked enrolment, with the
#: submitted attempt and the grade of its method (IQA sampling, issue 5); what it returns
#: is ignored.
type OnSubmitted = Callable[[Attempt, Grade | None, User], object]
#: Whether someone other than an EPAO admin may amend this submitted sheet (an IQA, as the
#: outcome of reviewing its open sample).
type AmendPermit = Callable[[User, Attempt], bool]
#: Called inside the marking action's transaction, on the locked enrolment awaiting results,
#: when every method has just been graded or a sheet was amended (the results context
#: computes the result again, so it exists as soon as the enrolment awaits results).
type OnGraded = Callable[[Enrolment, User], object]

_ON_SUBMITTED: list[OnSubmitted] = []
_AMEND_PERMITS: list[AmendPermit] = []
_ON_GRADED: list[OnGraded] = []


def on_submitted(hook: OnSubmitted) -> None:
    """Run `hook` whenever a marking sheet is submitted (once, however often asked)."""
    if hook not in _ON_SUBMITTED:
        _ON_SUBMITTED.append(hook)


def allow_amending(permit: AmendPermit) -> None:
    """Let `permit` grant amending a submitted sheet (once, however often asked)."""
    if permit not in _AMEND_PERMITS:
        _AMEND_PERMITS.append(permit)


def on_graded(hook: OnGraded) -> None:
    """Run `hook` whenever the grades of an enrolment awaiting results are set or change
    (once, however often asked)."""
    if hook not in _ON_GRADED:
        _ON_GRADED.append(hook)


def graded(enrolment: Enrolment, actor: User) -> None:
    for hook in _ON_GRADED:
        hook(enrolment, actor)


def submitted(attempt: Attempt, grade: Grade | None, actor: User) -> None:
    for hook in _ON_SUBMITTED:
        hook(attempt, grade, actor)


def may_amend_otherwise(actor: User, attempt: Attempt) -> bool:
    return any(permit(actor, attempt) for permit in _AMEND_PERMITS)
