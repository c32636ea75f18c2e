"""Running an action from a view: a refusal becomes a form error on the field it names,
and nothing is half written because every action is one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from openepa.core.forms import AccessibleForm
from openepa.core.refusals import ActionRefused


def run_action[T](form: AccessibleForm, action: Callable[[], T]) -> T | None:
    try:
        return action()
    except ActionRefused as refusal:
        form.refuse(refusal.message, refusal.field)
        return None


def post_action[T](
    request: HttpRequest,
    form: AccessibleForm,
    action: Callable[[dict[str, Any]], T],
    success: str | Callable[[T], str],
) -> T | None:
    """Validate a posted form, run the action with its cleaned data and, when it succeeds,
    tell the user `success`. Returns the action's result, or None when the form is invalid
    or a rule refused the action (the form then carries the message)."""
    if not form.is_valid():
        return None
    done = run_action(form, lambda: action(form.cleaned_data))
    if done is not None:
        messages.success(request, success(done) if callable(success) else success)
    return done
