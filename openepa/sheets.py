"""Reading marking sheets and gateway files (JSON) into domain objects.

Every problem is a SheetError naming the field (a JSON path) and the rule, so the CLI and
the API can tell a user exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from openepa.domain.eligibility import EVIDENCE, GatewayCase, QualificationLevel, ShowcaseFormat
from openepa.domain.grading import Attempt, AttemptKind, Judgement, Outcome, SheetError
from openepa.domain.policy import Policy
from openepa.domain.standard import InteractionMode, Method, Standard
from openepa.policies.loader import all_policies
from openepa.standards.loader import all_standards


def _require(obj: Mapping[str, object], key: str, where: str) -> object:
    if key not in obj:
        raise SheetError(f"{where}.{key}" if where else key, "is required")
    return obj[key]


def _object(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise SheetError(where or "$", "must be a JSON object")
    return value


def _choice[E: StrEnum](enum: type[E], value: object, where: str) -> E:
    allowed = {e.value: e for e in enum}
    if isinstance(value, str) and value in allowed:
        return allowed[value]
    raise SheetError(where, f"{value!r} is not one of: {', '.join(allowed)}")


def _date(value: object, where: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SheetError(where, f"{value!r} is not a date in the form YYYY-MM-DD")


def _in_plan(obj: Mapping[str, object], key: str) -> bool:
    """One subject's training-plan answer: its own key where given, else the published
    ``english_maths_in_training_plan`` (both subjects); absent means false."""
    both = _bool(obj, "english_maths_in_training_plan", "")
    return _bool(obj, key, "") if key in obj else both


def _bool(obj: Mapping[str, object], key: str, where: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise SheetError(f"{where}{key}", "must be true or false")
    return value


def standard_and_policy(sheet: Mapping[str, object]) -> tuple[Standard, Policy]:
    standards = all_standards()
    if "standard" not in sheet and len(standards) == 1:
        standard = next(iter(standards.values()))
    else:
        reference = _require(sheet, "standard", "")
        found = standards.get(str(reference).upper())
        if found is None:
            raise SheetError(
                "standard", f"{reference!r} is not a loaded standard ({', '.join(standards)})"
            )
        standard = found
    code = _require(sheet, "policy", "")
    policy = all_policies().get(code) if isinstance(code, str) else None
    if policy is None:
        raise SheetError("policy", f"{code!r} is not an EPAO policy ({', '.join(all_policies())})")
    return standard, policy


@dataclass(frozen=True)
class MarkingSheet:
    standard: Standard
    policy: Policy
    modes: frozenset[InteractionMode]
    attempts: tuple[Attempt, ...]


def _judgement(value: object, where: str) -> Judgement:
    if isinstance(value, str):
        return Judgement(_choice(Outcome, value, where))
    if isinstance(value, dict):
        unknown = set(value) - {"outcome", "attempted", "note"}
        if unknown:
            raise SheetError(
                where,
                f"unknown key(s) {', '.join(sorted(unknown))}; allowed: outcome, attempted, note",
            )
        note = value.get("note", "")
        if not isinstance(note, str):
            raise SheetError(f"{where}.note", "must be text")
        return Judgement(
            _choice(Outcome, _require(value, "outcome", where), f"{where}.outcome"),
            attempted=_bool(value, "attempted", f"{where}."),
            note=note,
        )
    raise SheetError(
        where, "must be an outcome (met, not_met, not_evidenced, carried_over) or an object"
    )


def _attempt(raw: object, where: str) -> Attempt:
    obj = _object(raw, where)
    judgements = _object(_require(obj, "judgements", where), f"{where}.judgements")
    return Attempt(
        method=_choice(Method, _require(obj, "method", where), f"{where}.method"),
        kind=_choice(AttemptKind, _require(obj, "kind", where), f"{where}.kind"),
        date=_date(_require(obj, "date", where), f"{where}.date"),
        judgements={
            code: _judgement(value, f"{where}.judgements.{code}")
            for code, value in judgements.items()
        },
    )


def read_marking_sheet(raw: object) -> MarkingSheet:
    sheet = _object(raw, "$")
    standard, policy = standard_and_policy(sheet)
    modes_raw = _require(sheet, "interaction_modes", "")
    if not isinstance(modes_raw, list) or not modes_raw:
        raise SheetError(
            "interaction_modes", "must be a non-empty list of face_to_face and/or non_facing"
        )
    modes = frozenset(
        _choice(InteractionMode, m, f"interaction_modes[{i}]") for i, m in enumerate(modes_raw)
    )
    attempts_raw = _require(sheet, "attempts", "")
    if not isinstance(attempts_raw, list):
        raise SheetError("attempts", "must be a list")
    attempts = tuple(_attempt(a, f"attempts[{i}]") for i, a in enumerate(attempts_raw))
    return MarkingSheet(standard, policy, modes, attempts)


def read_gateway_case(raw: object) -> tuple[Standard, Policy, GatewayCase]:
    obj = _object(raw, "$")
    standard, policy = standard_and_policy(obj)
    evidence = obj.get("evidence", [])
    if not isinstance(evidence, list):
        raise SheetError("evidence", "must be a list of evidence codes")
    for i, code in enumerate(evidence):
        if code not in EVIDENCE:
            raise SheetError(f"evidence[{i}]", f"{code!r} is not one of: {', '.join(EVIDENCE)}")
    fmt = obj.get("showcase_format")
    case = GatewayCase(
        start_date=_date(_require(obj, "start_date", ""), "start_date"),
        date_of_birth=_date(_require(obj, "date_of_birth", ""), "date_of_birth"),
        gateway_date=_date(_require(obj, "gateway_date", ""), "gateway_date"),
        english=_choice(QualificationLevel, obj.get("english", "none"), "english"),
        maths=_choice(QualificationLevel, obj.get("maths", "none"), "maths"),
        english_level_2_attempted=_bool(obj, "english_level_2_attempted", ""),
        maths_level_2_attempted=_bool(obj, "maths_level_2_attempted", ""),
        ehcp=_bool(obj, "ehcp", ""),
        bsl_qualification=_bool(obj, "bsl_qualification", ""),
        adjustment_requested=_bool(obj, "adjustment_requested", ""),
        showcase_format=None if fmt is None else _choice(ShowcaseFormat, fmt, "showcase_format"),
        evidence=frozenset(evidence),
        english_in_training_plan=_in_plan(obj, "english_in_training_plan"),
        maths_in_training_plan=_in_plan(obj, "maths_in_training_plan"),
        original_start_date=None
        if obj.get("original_start_date") is None
        else _date(obj["original_start_date"], "original_start_date"),
    )
    if case.original_start_date is not None and case.original_start_date > case.start_date:
        raise SheetError("original_start_date", "must not be after the start date")
    if case.date_of_birth >= case.start_date:
        raise SheetError("date_of_birth", "must be before the start date")
    if case.gateway_date < case.start_date:
        raise SheetError("gateway_date", "must not be before the start date")
    return standard, policy, case
