"""access_evidence: a piece of evidence reaches a view only if its enrolment does."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import User
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.queries import RECORD_ROLES
from openepa.evidence.models import EvidenceFile


def access_evidence(user: User, evidence_id: int) -> EvidenceFile:
    """The live piece of evidence if the user may see its enrolment (the apprentice, their
    employer and provider, the EPAO's admins, an allocated assessor); else Http404."""
    enrolment_id = (
        EvidenceFile.objects.filter(pk=evidence_id, removed_at__isnull=True)
        .values_list("enrolment_id", flat=True)
        .first()
    )
    if enrolment_id is None:
        raise Http404("No such evidence")
    enrolment = access_enrolment(user, enrolment_id, roles=RECORD_ROLES)
    evidence = EvidenceFile.objects.select_related("uploaded_by").get(pk=evidence_id)
    evidence.enrolment = enrolment
    return evidence
