"""Template helpers for showing the portfolio beside each criterion."""

from __future__ import annotations

from django import template

from openepa.evidence.models import EvidenceFile
from openepa.evidence.queries import ShowcaseMap

register = template.Library()


@register.filter
def evidence_for(mapped: ShowcaseMap | None, code: str) -> list[EvidenceFile]:
    """The pieces tagged with criterion `code` (none when there is no map)."""
    if not isinstance(mapped, ShowcaseMap):
        return []
    return mapped.for_code(code)
