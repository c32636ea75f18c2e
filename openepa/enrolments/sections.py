"""Sections later contexts add to the pages where a decision is checked: the IQA's review of
a sampled decision, an enquiry's or appeal's page and the admin's amendment of a marking
sheet. The evidence context adds what the assessor saw (the showcase files with their
criteria, the assessor's note on each criterion and the adjustments that applied); the
gateway context may add its own (openepa.core.pages)."""

from __future__ import annotations

from openepa.core.pages import PageSections
from openepa.enrolments.models import Enrolment

DECISION_CHECK_PAGE: PageSections[Enrolment] = PageSections()
