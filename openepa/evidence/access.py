"""access_evidence: a piece of evidence reaches a view only if its enrolment does."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.models import Enrolment
from openepa.enrolments.queries import RECORD_ROLES
from openepa.evidence.models import EvidenceFile

#: Who opens the evidence: whoever keeps the record, and the EPAO's IQAs, who check the
#: decisions made on it.
READ_ROLES = RECORD_ROLES | {Role.IQA}


def on_a_case(user: User, enrolment_id: int) -> Enrolment | None:
    """The enrolment if `user` reviews, or sits on the panel of, an enquiry or appeal about
    it (the cases context's rows, read through the enrolment's reverse relation)."""
    return (
        Enrolment.objects.filter(pk=enrolment_id)
        .filter(Q(cases__reviewer=user) | Q(cases__panel=user))
        .select_related("apprentice", "epao")
        .first()
    )


def access_evidence(user: User, evidence_id: int) -> EvidenceFile:
    """The live piece of evidence if the user may see its enrolment (the apprentice, their
    employer and provider, the EPAO's admins and IQAs, an allocated assessor) or reviews a
    case about it (reviewer or appeal panel); else Http404."""
    enrolment_id = (
        EvidenceFile.objects.filter(pk=evidence_id, removed_at__isnull=True)
        .values_list("enrolment_id", flat=True)
        .first()
    )
    if enrolment_id is None:
        raise Http404("No such evidence")
    try:
        enrolment = access_enrolment(user, enrolment_id, roles=READ_ROLES)
    except Http404:
        found = on_a_case(user, enrolment_id)
        if found is None:
            raise
        enrolment = found
    evidence = EvidenceFile.objects.select_related("uploaded_by").get(pk=evidence_id)
    evidence.enrolment = enrolment
    return evidence
