from __future__ import annotations

from django.db.models import QuerySet

from openepa.organisations.models import Organisation


def epaos() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.EPAO).select_related("policy")
