from __future__ import annotations

from typing import Any

import pytest

from openepa.domain.eligibility import EVIDENCE
from tests.forms import with_date_inputs


def evidence_post(world: Any, **overrides: Any) -> dict[str, Any]:
    """A complete gateway form for the persona enrolment (Highfield: aged 17 at the start,
    so English and maths at Level 1 are required; showcase format chosen at gateway)."""
    data: dict[str, Any] = {
        "version": world.enrolment.version,
        "gateway_date": "2026-11-02",
        # Every piece of evidence Highfield's form offers (NQual's showcase is not offered).
        "evidence": [
            c for c in EVIDENCE if c not in {"showcase_format_choice", "showcase_submission"}
        ],
        "english": "level_2",
        "maths": "level_1",
        "english_level_2_attempted": "on",
        "maths_level_2_attempted": "on",
        "showcase_format": "report",
        "notes": "",
    }
    data.update(overrides)
    return with_date_inputs(data, "gateway_date")


@pytest.fixture
def evidence():
    return evidence_post
