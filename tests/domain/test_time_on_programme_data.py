"""The minimum time on programme is data with where each figure comes from, so a later
change is added to the standard's file, not to code (DESIGN.md §3: the funding rules'
minimum fell to 8 months for starts from 1 August 2025, but the ST0072 assessment plan's
12 months still governs, so the shipped file carries no such change)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from openepa.datafiles import DataFileError
from openepa.domain.eligibility import GatewayCase, QualificationLevel, check_gateway
from openepa.standards.loader import DATA_DIR, load_standard

ST0072 = DATA_DIR / "st0072.yaml"


def with_changes(tmp_path: Path, changes: list[dict[str, Any]]) -> Path:
    data = yaml.safe_load(ST0072.read_text())
    data["gateway"]["changes"] = changes
    target = tmp_path / "st0072.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target


#: A hypothetical later assessment plan that adopts 8 months for starts from 1 August 2025.
EIGHT_MONTHS = {
    "from": "2025-08-01",
    "compared_with": "start_date",
    "summary": "A later assessment plan: 8 months on programme",
    "sources": [
        {"title": "A later assessment plan", "publisher": "A publisher", "date": "2025-08"}
    ],
    "min_months_on_programme": 8,
    "min_days_on_programme": 0,
}


def case(start: date, gateway: date) -> GatewayCase:
    return GatewayCase(
        start_date=start,
        date_of_birth=date(1990, 1, 1),
        gateway_date=gateway,
        english=QualificationLevel.LEVEL_2,
        maths=QualificationLevel.LEVEL_2,
    )


def unmet_time(standard, policy, c: GatewayCase) -> set[str]:
    result = check_gateway(standard, policy, c)
    return {r.code for r in result.unmet} & {"days_on_programme", "months_on_programme"}


def test_the_shipped_standard_keeps_12_months_and_366_days_whatever_the_start(st0072, nqual):
    # A start after 1 August 2025 still needs 12 months: the assessment plan governs.
    start = date(2025, 8, 1)
    assert unmet_time(st0072, nqual, case(start, date(2026, 4, 1))) == {
        "days_on_programme",
        "months_on_programme",
    }
    assert unmet_time(st0072, nqual, case(start, date(2026, 8, 2))) == set()
    (version,) = st0072.gateway_dated().versions
    assert version.rule.min_months_on_programme == 12
    assert version.rule.min_days_on_programme == 366


def test_a_change_added_as_data_applies_to_starts_from_its_day(tmp_path, nqual):
    standard = load_standard(with_changes(tmp_path, [EIGHT_MONTHS]))
    gateway = date(2026, 4, 2)
    # Started 31 July 2025: the figures as first published (12 months) …
    assert "months_on_programme" in unmet_time(standard, nqual, case(date(2025, 7, 31), gateway))
    # … started 1 August 2025: the change (8 months).
    after = check_gateway(standard, nqual, case(date(2025, 8, 1), gateway))
    months = next(r for r in after.requirements if r.code == "months_on_programme")
    assert months.met
    assert months.reason.endswith("at least 8 are required")
    assert "A publisher, “A later assessment plan” (August 2025)" in months.source
    first = replace(case(date(2025, 8, 1), gateway), start_date=date(2025, 7, 31))
    assert "12 months: Institute for Apprenticeships" in next(
        r.source for r in check_gateway(standard, nqual, first).requirements
    )


def test_unordered_changes_to_the_standard_are_refused_naming_the_path(tmp_path):
    earlier = {**EIGHT_MONTHS, "from": "2025-01-01"}
    with pytest.raises(DataFileError) as caught:
        load_standard(with_changes(tmp_path, [EIGHT_MONTHS, earlier]))
    assert str(caught.value).endswith(
        "st0072.yaml: $.gateway.changes[1].from: 2025-01-01 is before changes[0] "
        "(2025-08-01): list changes in date order"
    )
