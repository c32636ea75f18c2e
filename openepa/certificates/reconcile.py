"""Reconciliation (issue 13 item 3): what the assessment service holds for each apprentice
against what OpenEPA sent and the service accepted.

The service's view comes from ``GET /api/v1/certificate/{uln}/{familyName}/{standard}``
(Controllers/CertificateController.cs of SkillsFundingAgency/das-assessor-service): 200
with the certificate (reference, grade, achievement date, status), 204 when it holds none,
403 with the reason otherwise — for an apprentice whose latest EPA is not a Pass it answers
"Cannot find certificate with the specified Uln, FamilyName & Standard"
(Validators/ExternalApi/Certificates/GetBatchCertificateValidator.cs), which is what OpenEPA
expects after a Fail or a withdrawal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openepa.certificates import client
from openepa.certificates.models import RecordKind, RecordState, ServiceCheck, ServiceRecord
from openepa.domain.assessment_service import latest_as_read
from openepa.enrolments.models import Enrolment

#: The most apprentices one check asks about (one call each), newest records first.
CHECK_LIMIT = 500
_DONE = (RecordState.ACCEPTED, RecordState.SUBMITTED)


class Certificate(TypedDict, total=False):
    """A certificate as OpenEPA sent it or the service holds it (stored as JSON)."""

    reference: str | None
    grade: str | None
    achievementDate: str | None
    submitted: bool
    status: str | None


class View(TypedDict, total=False):
    """One side of the comparison, stored on the ServiceCheck as JSON."""

    certificate: Certificate | None
    latestEpaOutcome: str | None
    error: str


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def sent_view(rows: list[ServiceRecord]) -> View:
    """What OpenEPA sent and the service accepted for one apprentice, in the fields the
    service's GET answers with."""
    view: View = {"certificate": None}
    for row in sorted(rows, key=lambda r: r.sequence):
        if row.state not in _DONE:
            continue
        body = _mapping(row.body)
        if row.kind in (RecordKind.EPA_CREATE, RecordKind.EPA_UPDATE):
            epas = _mapping(body.get("epaDetails")).get("epas")
            latest = latest_as_read([_mapping(e) for e in epas] if isinstance(epas, list) else [])
            view["latestEpaOutcome"] = _text((latest or {}).get("epaOutcome"))
        elif row.kind == RecordKind.CERTIFICATE:
            details = _mapping(body.get("learningDetails"))
            view["certificate"] = {
                "reference": row.reference,
                "grade": _text(details.get("overallGrade")),
                "achievementDate": _text(details.get("achievementDate")),
                "submitted": False,
            }
        elif row.kind == RecordKind.SUBMIT and (certificate := view.get("certificate")):
            certificate["submitted"] = True
    return view


def held_view(answer: client.Answer) -> View:
    """The service's answer in the same fields."""
    if answer.status == 204 or answer.data is None:
        return {"certificate": None}
    if answer.status != 200 or not isinstance(answer.data, dict):
        return {"certificate": None, "error": answer.message()}
    data = _mapping(answer.data.get("certificateData"))
    details = _mapping(data.get("learningDetails"))
    status = _mapping(answer.data.get("status")).get("currentStatus")
    return {
        "certificate": {
            "reference": _text(data.get("certificateReference")),
            "grade": _text(details.get("overallGrade")),
            "achievementDate": str(details.get("achievementDate") or "")[:10] or None,
            "status": _text(status),
        }
    }


def differences(sent: View, held: View) -> list[str]:
    """The differences in words; empty when the service holds what OpenEPA sent."""
    mine = sent.get("certificate") or Certificate()
    theirs = held.get("certificate") or Certificate()
    if not mine and not theirs:
        error = held.get("error", "")
        if error and not error.startswith("Cannot find certificate"):
            return [f"The service did not answer the check: {error}"]
        return []
    if not mine:
        return [
            f"The service holds certificate {theirs.get('reference')}, which OpenEPA did not request."
        ]
    if not theirs:
        return [
            f"OpenEPA's certificate request {mine.get('reference')} was accepted, but the service "
            "holds no certificate now."
        ]
    found = []
    for field, words in (
        ("reference", "certificate reference"),
        ("grade", "grade"),
        ("achievementDate", "achievement date"),
    ):
        if (mine.get(field) or "") != (theirs.get(field) or ""):
            found.append(
                f"The {words} differs: OpenEPA sent {mine.get(field)}, the service holds {theirs.get(field)}."
            )
    if mine.get("submitted") and (theirs.get("status") or "") == "Draft":
        found.append("OpenEPA submitted the certificate, but the service shows it as a draft.")
    return found


def check_one(enrolment: Enrolment, rows: list[ServiceRecord]) -> ServiceCheck:
    apprentice = enrolment.apprentice
    path = client.certificate_path(
        int(apprentice.uln), apprentice.family_name, enrolment.standard.reference
    )
    try:
        held = held_view(client.call("GET", path))
    except client.Unavailable as error:
        held = {"certificate": None, "error": str(error)}
    sent = sent_view(rows)
    found = differences(sent, held)
    check, _ = ServiceCheck.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "epao_id": enrolment.epao_id,
            "checked_at": timezone.now(),
            "held": held,
            "sent": sent,
            "differences": found,
            "differs": bool(found),
        },
    )
    return check


def check_all(epao_id: int) -> int:
    """Ask the service about every apprentice of the EPAO with an accepted record (at most
    CHECK_LIMIT), storing one ServiceCheck each. Returns how many were checked."""
    wanted = list(
        ServiceRecord.objects.filter(epao_id=epao_id, state__in=_DONE)
        .values("enrolment_id")
        .annotate(last=Max("answered_at"))
        .order_by("-last", "enrolment_id")
        .values_list("enrolment_id", flat=True)[:CHECK_LIMIT]
    )
    enrolments = Enrolment.objects.filter(pk__in=wanted).select_related("apprentice", "standard")
    rows: dict[int, list[ServiceRecord]] = {}
    for row in ServiceRecord.objects.filter(enrolment_id__in=wanted):
        rows.setdefault(row.enrolment_id, []).append(row)
    for enrolment in enrolments:
        with transaction.atomic():
            check_one(enrolment, rows.get(enrolment.pk, []))
    return len(wanted)
