"""Released results as record-a-grade records (openepa.domain.record_a_grade), the JSON
payload of a batch, its check against the schema, and the same records as CSV.

The schema (schema/record-a-grade.json) is written from the API's documented fields; every
batch is checked against it before anyone can download it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from openepa.certificates.models import ExportKind
from openepa.core.refusals import ActionRefused
from openepa.domain import csvsafe
from openepa.domain.grading import AttemptKind, OverallGrade
from openepa.domain.record_a_grade import (
    Sitting,
    achievement_date,
    certificate_grade,
    epa_history,
)
from openepa.enrolments.domain_data import standard_of
from openepa.results.models import OverallResult

SCHEMA_PATH = Path(__file__).parent / "schema" / "record-a-grade.json"
REQUEST_PREFIX = "openepa-result-"


def request_id(result: OverallResult) -> str:
    """Our own "requestId": stable for a result, so a batch sent twice is recognisable."""
    return f"{REQUEST_PREFIX}{result.pk}"


def kind_for(grade: str) -> ExportKind:
    """A Pass or Distinction is a certificate request; a Fail is an EPA record only."""
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


def record(result: OverallResult, released: Sequence[OverallResult]) -> dict[str, Any]:
    """The record for `result`, the enrolment's latest released result; `released` is every
    released result of the enrolment up to it (the EPA history)."""
    enrolment = result.enrolment
    standard = standard_of(enrolment)
    # The result itself last, so that on a tie of dates it is the latest sitting.
    sittings = [sitting(r) for r in released if r.pk != result.pk] + [sitting(result)]
    learning: dict[str, Any] = {
        "version": enrolment.standard.version,
        "courseOption": standard.option,
    }
    grade = certificate_grade(OverallGrade(result.grade))
    if grade is not None:
        learning["overallGrade"] = grade
        learning["achievementDate"] = achievement_date(sittings).isoformat()
    return {
        "requestId": request_id(result),
        "standard": {"standardReference": enrolment.standard.reference},
        "learner": {
            "uln": int(enrolment.apprentice.uln),
            "familyName": enrolment.apprentice.family_name,
        },
        "learningDetails": learning,
        "epaDetails": {"epas": epa_history(sittings)},
    }


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


class InvalidExport(ActionRefused):
    """A batch that does not match the record-a-grade schema; names the path and the rule."""


def check(records: Sequence[dict[str, Any]]) -> None:
    """Refuse a batch that breaks the schema, naming the first broken path, e.g.
    ``$[0].learner.uln: '12' is not of type 'integer'``."""
    errors = sorted(_validator().iter_errors(list(records)), key=lambda e: list(e.absolute_path))
    if errors:
        # Inside if/then the useful error is the deepest one.
        worst = max(errors, key=lambda e: len(e.absolute_path))
        raise InvalidExport(
            f"The export does not match the record-a-grade schema ({SCHEMA_PATH.name}): "
            f"{worst.json_path}: {worst.message}"
        )


def payload(records: Sequence[dict[str, Any]]) -> str:
    """The batch as stored and downloaded: a JSON array, keys in the API's order."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


def _flatten(value: Any, prefix: str, into: dict[str, str]) -> None:
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


def build(results: Iterable[OverallResult], history: dict[int, list[OverallResult]]) -> list[Any]:
    """Records for these results; `history` maps an enrolment id to its released results."""
    return [record(r, history.get(r.enrolment_id, [r])) for r in results]
