"""Sections later contexts add to the read-only page of a marking sheet: internal quality
assurance adds its signed-off review (openepa.core.pages)."""

from __future__ import annotations

from openepa.assessments.models import Attempt
from openepa.core.pages import PageSections

SUBMITTED_SHEET_PAGE: PageSections[Attempt] = PageSections()
