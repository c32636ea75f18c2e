"""The one stale-version check every action uses (openepa.core.refusals.check_version).
Each context's own wording is checked through its pages (e.g. tests/assessments/
test_locking.py, tests/quality/test_review.py, tests/assessors/test_profiles.py)."""

import pytest

from openepa.core.refusals import STALE_RECORD, ActionRefused, StaleEdit, check_version


@pytest.mark.parametrize(
    ("current", "expected"),
    [(3, 3), (0, 0), (7, None)],
    ids=["same version", "new record", "no form (worker, demo): nothing to compare"],
)
def test_a_fresh_form_passes(current, expected):
    check_version(current, expected)


@pytest.mark.parametrize(("current", "expected"), [(4, 3), (3, 4), (1, 0)])
def test_a_stale_form_is_refused_with_the_default_words(current, expected):
    with pytest.raises(StaleEdit) as refused:
        check_version(current, expected)
    assert refused.value.message == STALE_RECORD
    assert isinstance(refused.value, ActionRefused)
    assert refused.value.field is None


def test_a_record_may_have_words_of_its_own():
    with pytest.raises(StaleEdit, match="^This profile changed$"):
        check_version(2, 1, "This profile changed")


def test_a_built_message_is_built_only_when_refusing():
    built: list[int] = []

    def message() -> str:
        built.append(1)
        return "Changed by an assessor at 09:30"

    check_version(5, 5, message)
    assert built == []
    with pytest.raises(StaleEdit, match="^Changed by an assessor at 09:30$"):
        check_version(6, 5, message)
    assert built == [1]
