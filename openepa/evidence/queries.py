"""Reads of showcase evidence, for an enrolment the caller already had access to."""

from __future__ import annotations

from django.db.models import QuerySet

from openepa.enrolments.models import Enrolment
from openepa.evidence.models import EvidenceFile


def portfolio(enrolment: Enrolment) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(enrolment=enrolment, removed_at__isnull=True).select_related(
        "uploaded_by"
    )
