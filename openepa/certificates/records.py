"""Released results as requests to the Apprenticeship Assessment Service (EPA records,
certificate requests, submits: openepa.domain.record_a_grade and assessment_service), the
JSON payload of a batch, its check against the schema and the service's rules, and the
same records as CSV.

The schema (schema/record-a-grade.json) follows the service's request models and
validators; every batch is checked against it and against the service's body rules before
it is stored or sent."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path

from django.utils import timezone
from jsonschema import Draft202012Validator

from openepa.certificates.models import ExportKind
from openepa.core.refusals import ActionRefused
from openepa.domain import csvsafe
from openepa.domain.assessment_service import (
    certificate_request_errors,
    epa_request_errors,
    submit_request_errors,
)
from openepa.domain.grading import AttemptKind, OverallGrade
from openepa.domain.jsontypes import Json
from openepa.domain.record_a_grade import (
    Sitting,
    achievement_date,
    certificate_grade,
    epa_history,
)
from openepa.enrolments.domain_data import standard_of
from openepa.enrolments.models import Enrolment
from openepa.results.models import OverallResult

SCHEMA_PATH = Path(__file__).parent / "schema" / "record-a-grade.json"
#: One request's body, as built, stored and sent (keys in the API's order).
type Body = dict[str, Json]
REQUEST_PREFIX = "openepa-result-"

#: What a record needs of a result, loaded with it (one query for a batch).
RESULT_RELATED = (
    "enrolment__apprentice",
    "enrolment__standard",
    "enrolment__policy",
    "enrolment__employer",
    "enrolment__postal_contact",
)


def request_id(result: OverallResult) -> str:
    """Our own "requestId": stable for a result, so a batch sent twice is recognisable."""
    return f"{REQUEST_PREFIX}{result.pk}"


def kind_for(grade: str) -> ExportKind:
    """A Pass or Distinction ends in a certificate request; a Fail is an EPA record only."""
    if certificate_grade(OverallGrade(grade)) is None:
        return ExportKind.EPA
    return ExportKind.CERTIFICATE


def kind_of(result: OverallResult) -> ExportKind:
    return kind_for(result.grade)


def sitting(result: OverallResult) -> Sitting:
    """One completed EPA: its last component's date, grade and the counted attempts' kinds
    (stored with the result: the methods snapshot names each counted attempt's kind)."""
    return Sitting(
        on=result.last_component_on,
        grade=OverallGrade(result.grade),
        kinds=frozenset(AttemptKind(m["kind"]) for m in result.methods.values() if "kind" in m),
    )


def learner(enrolment: Enrolment) -> Body:
    return {"uln": int(enrolment.apprentice.uln), "familyName": enrolment.apprentice.family_name}


def postal_contact(enrolment: Enrolment) -> Body:
    """The enrolment's ``postalContact``: its own when someone set one, otherwise the
    employer's named contact and address (issue 13 item 1). Blank optional lines are
    null, as the service's model leaves them."""
    own = getattr(enrolment, "postal_contact", None)
    if own is not None:
        fields = {
            "contactName": own.contact_name,
            "department": own.department,
            "organisation": own.organisation,
            "addressLine1": own.address_line1,
            "addressLine2": own.address_line2,
            "addressLine3": own.address_line3,
            "city": own.city,
            "postCode": own.postcode,
        }
    else:
        employer = enrolment.employer
        fields = {
            "contactName": employer.contact_name,
            "department": employer.department,
            "organisation": employer.name,
            "addressLine1": employer.address_line1,
            "addressLine2": employer.address_line2,
            "addressLine3": employer.address_line3,
            "city": employer.city,
            "postCode": employer.postcode,
        }
    optional = {"department", "organisation", "addressLine2", "addressLine3"}
    return {k: (v.strip() or None) if k in optional else v.strip() for k, v in fields.items()}


def sittings_of(result: OverallResult, released: Sequence[OverallResult]) -> list[Sitting]:
    """The enrolment's completed EPAs up to and including `result`, in release order
    (`released`: every released result of the enrolment)."""
    before: list[OverallResult] = []
    for earlier in released:
        if earlier.pk == result.pk:
            break
        before.append(earlier)
    return [sitting(r) for r in before] + [sitting(result)]


def epa_record(
    enrolment: Enrolment,
    sittings: Sequence[Sitting],
    request: str,
    *,
    withdrawn_on: date | None = None,
) -> Body:
    """The body of POST /api/v1/epa for the enrolment: every attempt so far (and the
    withdrawal, if any), newest first. An update adds ``epaReference`` when it is sent."""
    return {
        "requestId": request,
        "standard": {"standardReference": enrolment.standard.reference},
        "learner": learner(enrolment),
        "learningDetails": {
            "version": enrolment.standard.version,
            "courseOption": standard_of(enrolment).option,
        },
        "epaDetails": {"epas": epa_history(sittings, withdrawn_on)},
    }


def certificate_request(result: OverallResult, sittings: Sequence[Sitting], request: str) -> Body:
    """The body of POST /api/v1/certificate for a released Pass or Distinction."""
    enrolment = result.enrolment
    grade = certificate_grade(OverallGrade(result.grade))
    if grade is None:
        raise ValueError("only a Pass or Distinction earns a certificate")
    return {
        "requestId": request,
        "standard": {"standardReference": enrolment.standard.reference},
        "learner": learner(enrolment),
        "learningDetails": {
            "version": enrolment.standard.version,
            "courseOption": standard_of(enrolment).option,
            "overallGrade": grade,
            "achievementDate": achievement_date(sittings).isoformat(),
        },
        "postalContact": postal_contact(enrolment),
    }


def submit_request(enrolment: Enrolment, request: str) -> Body:
    """The body of POST /api/v1/certificate/submit; ``certificateReference`` is added when
    it is sent (the service's answer to the certificate request)."""
    return {
        "requestId": request,
        "uln": int(enrolment.apprentice.uln),
        "standardReference": enrolment.standard.reference,
        "familyName": enrolment.apprentice.family_name,
    }


#: The kind of request each file-export batch holds.
SCHEMA_KIND = {ExportKind.EPA: "epa_create", ExportKind.CERTIFICATE: "certificate"}

#: The schema's definition for each kind of batch.
BATCH_DEFS = {
    "epa_create": "epaCreateBatch",
    "epa_update": "epaUpdateBatch",
    "certificate": "certificateBatch",
    "submit": "submitBatch",
}


@cache
def _schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator(kind: str) -> Draft202012Validator:
    schema = _schema()
    return Draft202012Validator(
        {"$ref": f"#/$defs/{BATCH_DEFS[kind]}", "$defs": schema["$defs"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


class InvalidExport(ActionRefused):
    """A batch that does not match the schema or the service's rules; names the path and
    the rule."""


def schema_problem(kind: str, records: Sequence[Body]) -> str | None:
    """The first place a batch breaks the schema, e.g.
    ``$[0].learner.uln: '12' is not of type 'integer'``, or None."""
    errors = list(_validator(kind).iter_errors(list(records)))
    if not errors:
        return None
    worst = max(errors, key=lambda e: len(e.absolute_path))
    return f"{worst.json_path}: {worst.message}"


def rule_problems(kind: str, body: Body, today: date) -> list[str]:
    """The service's body rules for one request of `kind` (openepa.domain.
    assessment_service), in the service's words."""
    if kind in ("epa_create", "epa_update"):
        return epa_request_errors(body, today=today, update=kind == "epa_update")
    if kind == "certificate":
        return certificate_request_errors(body, today=today)
    return submit_request_errors(body)


def check(kind: str, records: Sequence[Body], today: date | None = None) -> None:
    """Refuse a batch that breaks a rule of the service (named in the service's words, with
    the record) or the schema (naming the first broken path)."""
    day = today or timezone.localdate()
    for index, body in enumerate(records):
        broken = rule_problems(kind, body, day)
        if broken:
            raise InvalidExport(
                f"Record {index + 1} ({body.get('requestId')}) would be refused by the "
                f"assessment service: {'; '.join(broken)}."
            )
    problem = schema_problem(kind, records)
    if problem:
        raise InvalidExport(f"The batch does not match the schema ({SCHEMA_PATH.name}): {problem}")


def payload(records: Sequence[Body]) -> str:
    """The batch as stored and downloaded: a JSON array, keys in the API's order."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


def _flatten(value: object, prefix: str, into: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else key, into)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _flatten(inner, f"{prefix}[{index}]", into)
    elif isinstance(value, bool):
        into[prefix] = "true" if value else "false"
    else:
        into[prefix] = "" if value is None else str(value)


def as_csv(stored_payload: str) -> str:
    """The batch's records as CSV: one row per record, one column per API field named by
    its JSON path (``learner.uln``), the EPA history in numbered columns
    (``epaDetails.epas[0].epaDate``, ``epaDetails.epas[1].epaDate`` ...). Derived from the
    stored JSON, so it is the same bytes at every download."""
    rows: list[dict[str, str]] = []
    columns: dict[str, None] = {}
    for item in json.loads(stored_payload):
        flat: dict[str, str] = {}
        _flatten(item, "", flat)
        rows.append(flat)
        columns.update(dict.fromkeys(flat))
    out = io.StringIO()
    writer = csvsafe.dict_writer(out, list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def build(
    kind: ExportKind, results: Iterable[OverallResult], history: dict[int, list[OverallResult]]
) -> list[Body]:
    """The file export's records for these results (`history` maps an enrolment id to its
    released results): an EPA record with every attempt for each, or a certificate request
    for each Pass or Distinction."""
    built = []
    for result in results:
        sittings = sittings_of(result, history.get(result.enrolment_id, [result]))
        if kind == ExportKind.EPA:
            built.append(epa_record(result.enrolment, sittings, request_id(result)))
        else:
            built.append(certificate_request(result, sittings, request_id(result)))
    return built
