"""The body rules of the government's Apprenticeship Assessment Service API for EPAOs, as
OpenEPA applies them before a request is stored or sent, and as the tests' stand-in service
applies them on receipt. Written for OpenEPA from the rules in the service's public source
code (SkillsFundingAgency/das-assessor-service); no code of the service is used, each rule
names the file it comes from:

- ``Validators/ExternalApi/Epas/BatchEpaRequestValidator.cs`` — every EPA record: ULN of 10
  digits, a family name, a standard, EPA details with at least one EPA, each EPA's date not
  before 1 January 2017 and not in the future, its outcome Pass, Fail or Withdrawn.
- ``Validators/ExternalApi/Epas/CreateBatchEpaRequestValidator.cs`` — a new EPA record
  carries no ``epaReference``; ``UpdateBatchEpaRequestValidator.cs`` — an update must.
- ``Validators/ExternalApi/Certificates/BatchCertificateRequestValidator.cs`` — a
  certificate request: the postal contact's name, first address line, city and a UK
  postcode (the regular expression there), a grade from the service's list (never Fail),
  an achievement date within the same limits.
- ``Validators/ExternalApi/Certificates/SubmitBatchCertificateRequestValidator.cs`` — a
  submit names the ULN, family name, standard and the certificate reference.
- ``Controllers/EpaController.cs``, ``Controllers/CertificateController.cs`` — at most 25
  requests per call ("Batch limited to 25 requests", answered with 403).
- ``Domain/Consts/CertificateGrade.cs``, ``Domain/Consts/EpaOutcome.cs`` — the strings.
- ``Handlers/ExternalApi/Epas/CreateBatchEpaHandler.cs`` / ``UpdateBatchEpaHandler.cs`` —
  the latest EPA is the first of the EPAs with the latest date (a stable descending sort
  by date), so on a tie of dates list order decides.

(paths are below ``src/SFA.DAS.AssessorService.Application.Api/``,
``src/SFA.DAS.AssessorService.Application.Api.External/``,
``src/SFA.DAS.AssessorService.Application/`` and ``src/SFA.DAS.AssessorService.Domain/``.)

Messages are the service's own words, so an admin reads the same sentence whichever side
refused. No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from openepa.domain.jsontypes import JsonObject

#: "Batch limited to 25 requests" (EpaController.cs MAX_EPAS_IN_REQUEST,
#: CertificateController.cs MAX_CERTIFICATES_IN_REQUEST).
BATCH_LIMIT = 25
BATCH_TOO_BIG = f"Batch limited to {BATCH_LIMIT} requests"

#: BatchEpaRequestValidator.cs / BatchCertificateRequestValidator.cs: "cannot be before
#: 01 01 2017".
EARLIEST = date(2017, 1, 1)

#: Domain/Consts/EpaOutcome.cs; compared without regard to case by the service.
EPA_OUTCOMES = ("Pass", "Fail", "Withdrawn")

#: Domain/Consts/CertificateGrade.cs, in the order BatchCertificateRequestValidator.cs lists
#: them (the answer of GET /api/v1/certificate/grades). "Fail" is a grade of the service
#: but never of a certificate request.
CERTIFICATE_GRADES = (
    "Pass",
    "Credit",
    "Merit",
    "Distinction",
    "Pass with excellence",
    "Outstanding",
    "No grade awarded",
)

# A UK postcode as BatchCertificateRequestValidator.cs accepts it: GIR 0AA, or an outward
# code (area letter(s), district digit(s), optional letter, with the letters each position
# allows) and an inward code (digit, two letters without C I K M O V), any number of spaces
# between. Written out here per position; case does not matter.
_AREA = "[A-PR-UWYZ]"
_SECOND = "[A-HK-Y]"
_OUTWARD = (
    rf"(?:{_AREA}{_SECOND}?[0-9][0-9]?"  # A9, A99, AA9, AA99
    rf"|{_AREA}[0-9][A-HJKSTUW]"  # A9A
    rf"|{_AREA}{_SECOND}[0-9][ABEHMNPRV-Y])"  # AA9A
)
_INWARD = "[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"^(?:GIR *0AA|{_OUTWARD} *{_INWARD})$", re.IGNORECASE)


def is_uk_postcode(text: str) -> bool:
    """Whether the service would take `text` as a UK postcode (BatchCertificateRequest-
    Validator.cs, ContactPostCode). Surrounding spaces are not allowed by the service, so
    callers strip what a person typed first."""
    return bool(_POSTCODE.match(text))


def postcode_problem(text: str | None) -> str | None:
    """The service's message for a missing or malformed postcode, or None."""
    if not (text or "").strip():
        return "Provide a postcode"
    if not is_uk_postcode(text or ""):
        return "Provide a valid UK postcode"
    return None


def _date(value: object) -> date | None:
    """An ISO date (or date-time) string as a date; None when absent or unreadable."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _mapping(value: object) -> Mapping[str, object]:
    """A JSON object of the body, or an empty one where it is absent or not an object."""
    return value if isinstance(value, Mapping) else {}


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _text(body: Mapping[str, object], *path: str) -> str:
    value: object = body
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value.strip() if isinstance(value, str) else ""


def _learner_errors(uln: object, family_name: str) -> list[str]:
    """BatchEpaRequestValidator.cs / BatchCertificateRequestValidator.cs /
    SubmitBatchCertificateRequestValidator.cs: Uln InclusiveBetween(1000000000, 9999999999),
    FamilyName NotEmpty."""
    errors = []
    if not family_name:
        errors.append("Provide apprentice family name")
    if not (isinstance(uln, int) and not isinstance(uln, bool) and 10**9 <= uln <= 10**10 - 1):
        errors.append("ULN should contain exactly 10 numbers")
    return errors


def _standard_errors(standard: object) -> list[str]:
    """The controllers resolve ``standardCode`` or ``standardReference`` to a LARS code;
    without either StandardCode is 0: "Provide a valid Standard"."""
    if isinstance(standard, Mapping) and (
        (isinstance(standard.get("standardCode"), int) and standard["standardCode"] > 0)
        or _text(standard, "standardReference")
    ):
        return []
    return ["Provide a valid Standard"]


def _date_limit_errors(on: date | None, what: str, today: date) -> list[str]:
    if on is None:
        return [f"Provide the {what.lower()}"]
    if on < EARLIEST:
        return [f"{what} cannot be before 01 01 2017"]
    if on > today:
        return [f"{what} cannot be in the future"]
    return []


def epa_request_errors(body: Mapping[str, object], *, today: date, update: bool) -> list[str]:
    """The service's body rules for one item of POST (create) or PUT (update)
    /api/v1/epa (BatchEpaRequestValidator.cs with Create/UpdateBatchEpaRequestValidator.cs).
    Empty when the body passes."""
    learner = _mapping(body.get("learner"))
    errors = _learner_errors(learner.get("uln"), _text(body, "learner", "familyName"))
    errors += _standard_errors(body.get("standard"))
    reference = _text(body, "epaReference")
    if update and not reference:
        errors.append("Provide EPA reference")
    if not update and reference:
        errors.append("EPA reference must be empty")
    epas = _mapping(body.get("epaDetails")).get("epas")
    if not isinstance(epas, list) or not epas:
        return [*errors, "Provide EPA Details"]
    for item in epas:
        epa = _mapping(item)
        on = _date(epa.get("epaDate"))
        if on is None:
            errors.append("Provide the EPA date")
        elif on < EARLIEST:
            errors.append("EPA Date cannot be before 01 01 2017")
        elif on > today:
            errors.append("EPA Date cannot be in the future")
        outcome = epa.get("epaOutcome")
        if not isinstance(outcome, str) or outcome.lower() not in {o.lower() for o in EPA_OUTCOMES}:
            errors.append("Invalid outcome: must be Pass, Fail or Withdrawn")
    return errors


def grade_problem(grade: str | None) -> str | None:
    """BatchCertificateRequestValidator.cs, OverallGrade."""
    if not (grade or "").strip():
        return "Select the grade achieved"
    if (grade or "").lower() == "fail":
        return "Cannot record a Fail grade via API"
    if (grade or "").lower() not in {g.lower() for g in CERTIFICATE_GRADES}:
        listed = ", ".join(CERTIFICATE_GRADES)
        return (
            f"You must enter a valid grade. Must be one of the following: {listed}, where "
            f"{listed} can be obtained with /api/v1/certificate/grades"
        )
    return None


def postal_contact_errors(contact: Mapping[str, object] | None) -> list[str]:
    """BatchCertificateRequestValidator.cs: ContactName, ContactAddLine1 (addressLine1),
    ContactAddLine4 (city) NotEmpty; ContactPostCode NotEmpty and a UK postcode."""
    contact = contact or {}
    errors = []
    if not _text(contact, "contactName"):
        errors.append("Provide a contact name")
    if not _text(contact, "addressLine1"):
        errors.append("Provide an address")
    if not _text(contact, "city"):
        errors.append("Provide a city or town")
    problem = postcode_problem(_str_or_none(contact.get("postCode")))
    if problem:
        errors.append(problem)
    return errors


def certificate_request_errors(
    body: Mapping[str, object], *, today: date, update: bool = False
) -> list[str]:
    """The service's body rules for one item of POST (or PUT) /api/v1/certificate
    (BatchCertificateRequestValidator.cs; an update names its certificateReference,
    UpdateBatchCertificateRequestValidator.cs)."""
    learner = _mapping(body.get("learner"))
    errors = _learner_errors(learner.get("uln"), _text(body, "learner", "familyName"))
    errors += _standard_errors(body.get("standard"))
    if update and not _text(body, "certificateReference"):
        errors.append("Provide the certificate reference")
    errors += postal_contact_errors(_mapping(body.get("postalContact")))
    details = _mapping(body.get("learningDetails"))
    grade = grade_problem(_str_or_none(details.get("overallGrade")))
    if grade:
        errors.append(grade)
    errors += _date_limit_errors(_date(details.get("achievementDate")), "Achievement date", today)
    return errors


def submit_request_errors(body: Mapping[str, object]) -> list[str]:
    """The service's body rules for one item of POST /api/v1/certificate/submit
    (SubmitBatchCertificateRequestValidator.cs)."""
    errors = _learner_errors(body.get("uln"), _text(body, "familyName"))
    errors += _standard_errors(body)
    if not _text(body, "certificateReference"):
        errors.append("Provide the certificate reference")
    return errors


def batch_problem(items: Sequence[object]) -> str | None:
    """A call of more than 25 requests is refused whole (the controllers answer 403)."""
    return BATCH_TOO_BIG if len(items) > BATCH_LIMIT else None


@dataclass(frozen=True)
class EpaAttempt:
    """One EPA as the service records it: its date, outcome (Pass, Fail, Withdrawn) and
    whether it was a resit or a retake; `sequence` orders attempts of one day (the
    higher, the later)."""

    on: date
    outcome: str
    resit: bool = False
    retake: bool = False
    sequence: int = 0


def epa_list(attempts: Sequence[EpaAttempt]) -> list[JsonObject]:
    """``epaDetails.epas``: every attempt, newest first. The service takes as latest the
    first EPA of the latest date (CreateBatchEpaHandler.cs / UpdateBatchEpaHandler.cs: a
    stable sort by date, descending), so two attempts on one day are listed with the later
    one first and it is read as the latest."""
    ordered = sorted(attempts, key=lambda a: (a.on, a.sequence), reverse=True)
    return [
        {
            "epaDate": a.on.isoformat(),
            "epaOutcome": a.outcome,
            "resit": a.resit,
            "retake": a.retake,
        }
        for a in ordered
    ]


def latest_as_read(epas: Sequence[Mapping[str, object]]) -> Mapping[str, object] | None:
    """The EPA the service reads as the latest of `epas` (the first with the latest date),
    as the stand-in and the reconciliation need it."""
    latest: Mapping[str, object] | None = None
    for epa in epas:
        if latest is None or str(epa.get("epaDate", "")) > str(latest.get("epaDate", "")):
            latest = epa
    return latest
