"""Running an action from a view: a refusal becomes a form error on the field it names,
and nothing is half written because every action is one transaction."""

from __future__ import annotations

from collections.abc import Callable

from openepa.enrolments.journey import ActionRefused
from openepa.web.forms import AccessibleForm


def run_action[T](form: AccessibleForm, action: Callable[[], T]) -> T | None:
    try:
        return action()
    except ActionRefused as refusal:
        form.refuse(refusal.message, refusal.field)
        return None
