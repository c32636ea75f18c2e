"""Words for journey states and events, so templates never show a code."""

from __future__ import annotations

from django import template

from openepa.domain.journey import LABELS, State

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return LABELS[State(value)]
    except ValueError:
        return value.replace("_", " ").capitalize()
