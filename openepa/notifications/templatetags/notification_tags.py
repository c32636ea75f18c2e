from django import template

from openepa.notifications.kinds import KIND_LABELS

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    """An email kind in words ("results_issued" → "Results issued")."""
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())
