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

from typing import Any

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


def sent_view(rows: list[ServiceRecord]) -> dict[str, Any]:
    """What OpenEPA sent and the service accepted for one apprentice, in the fields the
    service's GET answers with."""
    view: dict[str, Any] = {"certificate": None}
    for row in sorted(rows, key=lambda r: r.sequence):
        if row.state not in _DONE:
            continue
        if row.kind in (RecordKind.EPA_CREATE, RecordKind.EPA_UPDATE):
            latest = latest_as_read(row.body.get("epaDetails", {}).get("epas", []))
            view["latestEpaOutcome"] = (latest or {}).get("epaOutcome")
        elif row.kind == RecordKind.CERTIFICATE:
            details = row.body.get("learningDetails", {})
            view["certificate"] = {
                "reference": row.reference,
                "grade": details.get("overallGrade"),
                "achievementDate": details.get("achievementDate"),
                "submitted": False,
            }
        elif row.kind == RecordKind.SUBMIT and view["certificate"] is not None:
            view["certificate"]["submitted"] = True
    return view


def held_view(answer: client.Answer) -> dict[str, Any]:
    """The service's answer in the same fields."""
    if answer.status == 204 or answer.data is None:
        return {"certificate": None}
    if answer.status != 200 or not isinstance(answer.data, dict):
        return {"certificate": None, "error": answer.message()}
    data = answer.data.get("certificateData") or {}
    details = data.get("learningDetails") or {}
    status = (answer.data.get("status") or {}).get("currentStatus")
    return {
        "certificate": {
            "reference": data.get("certificateReference"),
            "grade": details.get("overallGrade"),
            "achievementDate": str(details.get("achievementDate") or "")[:10] or None,
            "status": status,
        }
    }


def differences(sent: dict[str, Any], held: dict[str, Any]) -> list[str]:
    """The differences in words; empty when the service holds what OpenEPA sent."""
    mine: dict[str, Any] = sent.get("certificate") or {}
    theirs: dict[str, Any] = held.get("certificate") or {}
    if not mine and not theirs:
        error = held.get("error", "")
        if error and not error.startswith("Cannot find certificate"):
            return [f"The service did not answer the check: {error}"]
        return []
    if not mine:
        return [
            f"The service holds certificate {theirs['reference']}, which OpenEPA did not request."
        ]
    if not theirs:
        return [
            f"OpenEPA's certificate request {mine['reference']} was accepted, but the service "
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
