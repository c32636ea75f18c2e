"""The gateway task list from each EPAO's policy, a task's status while it is prepared, and
the review of a submission as a whole (openepa.domain.gateway_tasks)."""

from __future__ import annotations

import pytest

from openepa.domain.gateway_tasks import (
    TaskKind,
    TaskStatus,
    Verdict,
    gateway_tasks,
    task_status,
    verdict,
)


@pytest.mark.parametrize(
    ("policy_fixture", "adjustment", "codes"),
    [
        # Highfield: the meeting record and both sign-offs (the format is in the details).
        (
            "highfield",
            False,
            ["details", "gateway_meeting_record", "employer_sign_off", "provider_sign_off"],
        ),
        # NQual takes the showcase at gateway, and only the employer signs.
        ("nqual", False, ["details", "showcase_submission", "employer_sign_off"]),
        # Gateway Qualifications: the meeting record, the employer signs; the adjustment
        # request form "where relevant", before the sign-offs.
        (
            "gateway_qualifications",
            True,
            ["details", "gateway_meeting_record", "adjustment_request_form", "employer_sign_off"],
        ),
        (
            "highfield",
            True,
            [
                "details",
                "gateway_meeting_record",
                "adjustment_request_form",
                "employer_sign_off",
                "provider_sign_off",
            ],
        ),
    ],
)
def test_each_requirement_of_the_policy_is_a_task(request, policy_fixture, adjustment, codes):
    policy = request.getfixturevalue(policy_fixture)
    tasks = gateway_tasks(policy, adjustment)
    assert [t.code for t in tasks] == codes
    for task in tasks:
        assert (task.kind == TaskKind.SIGN_OFF) == (task.party is not None)
        assert (task.kind == TaskKind.SIGN_OFF) == bool(task.declaration)
        assert task.documents_required == (task.kind == TaskKind.DOCUMENTS)


@pytest.mark.parametrize(
    ("new", "last_review", "status"),
    [
        (False, None, TaskStatus.NOT_STARTED),
        (True, None, TaskStatus.COMPLETED),
        (False, "returned", TaskStatus.TO_REDO),
        (True, "returned", TaskStatus.COMPLETED),
        (False, "accepted", TaskStatus.ACCEPTED),
        (True, "accepted", TaskStatus.ACCEPTED),
    ],
)
def test_a_tasks_status(new, last_review, status):
    assert task_status(has_new_evidence=new, last_review=last_review) == status


@pytest.mark.parametrize(
    ("reviews", "expected"),
    [
        ({}, Verdict.UNREVIEWED),
        ({"a": "accepted"}, Verdict.UNREVIEWED),
        ({"a": "returned"}, Verdict.UNREVIEWED),
        ({"a": "accepted", "b": "accepted"}, Verdict.ALL_ACCEPTED),
        ({"a": "accepted", "b": "returned"}, Verdict.SOME_RETURNED),
        ({"a": "returned", "b": "returned"}, Verdict.SOME_RETURNED),
    ],
)
def test_the_verdict_needs_every_requirement_reviewed(reviews, expected):
    assert verdict(("a", "b"), reviews) == expected
