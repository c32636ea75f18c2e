"""The missed-assessment setting: every seed is silent (null), the product default is
"does not count; rebook", and the schema refuses anything but true, false or null."""

from __future__ import annotations

import pytest

from openepa.datafiles import DataFileError
from openepa.policies.loader import all_policies, load_policy
from tests.data.test_datafiles import HIGHFIELD, broken_copy, problems


def test_the_seeds_are_silent_so_a_missed_assessment_does_not_count():
    for policy in all_policies().values():
        assert policy.missed_assessments.counts_as_attempt is None
        assert policy.missed_assessments.is_product_default
        assert policy.missed_assessments.counts is False


def test_a_policy_may_count_it(tmp_path):
    def counts(d):
        d["missed_assessments"]["counts_as_attempt"] = True

    policy = load_policy(broken_copy(HIGHFIELD, tmp_path, counts))
    assert policy.missed_assessments.counts
    assert not policy.missed_assessments.is_product_default


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda d: d["missed_assessments"].update(counts_as_attempt="yes"),
            "$.missed_assessments.counts_as_attempt",
        ),
        (lambda d: d.pop("missed_assessments"), "$"),
    ],
)
def test_the_setting_is_validated(tmp_path, change, where):
    with pytest.raises(DataFileError) as err:
        load_policy(broken_copy(HIGHFIELD, tmp_path, change))
    assert where in [w for w, _ in problems(err.value)]
