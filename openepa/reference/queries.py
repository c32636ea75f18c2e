"""Reads of reference data. Reference data is public to every signed-in role."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from openepa.reference.models import Policy, StandardVersion


def standards_with_counts() -> QuerySet[StandardVersion]:
    return StandardVersion.objects.annotate(criteria_count=Count("criteria"))


def policies() -> QuerySet[Policy]:
    return Policy.objects.all()
