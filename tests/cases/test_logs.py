"""Special-category details never reach the logs: every logger at every level, through a
whole adjustment, special consideration and appeal, sees none of them (issue 5 "Done when")."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from openepa.cases.models import Case, ReasonableAdjustment, SpecialConsideration
from tests.cases.helpers import (
    CIRCUMSTANCES,
    GROUNDS,
    NEEDS,
    booking_on,
    client_for,
    timeline_text,
)

pytestmark = pytest.mark.django_db


def test_no_detail_is_logged_or_put_on_the_timeline(world, caplog):
    caplog.set_level(logging.DEBUG)
    enrolment = world.enrolment.pk
    provider = client_for(world.provider_user)
    admin = client_for(world.admin)
    provider.post(
        f"/cases/enrolment/{enrolment}/adjustments/new",
        {"needs": NEEDS, "arrangement": "A reader", "late_reason": ""},
    )
    adjustment = ReasonableAdjustment.objects.get()
    admin.post(
        f"/cases/adjustments/{adjustment.pk}/decide",
        {"decision": "reject", "reason": NEEDS, "version": adjustment.version},
    )
    booking = booking_on(world, date(2026, 12, 23))
    provider.post(
        f"/cases/enrolment/{enrolment}/special-considerations/new",
        {"booking": booking.pk, "rescheduling_tried": "yes", "circumstances": CIRCUMSTANCES},
    )
    consideration = SpecialConsideration.objects.get()
    admin.post(
        f"/cases/special-considerations/{consideration.pk}/decide",
        {"decision": "approve", "reason": CIRCUMSTANCES, "outcome": "Re-sit", "version": 1},
    )
    provider.post(
        f"/cases/enrolment/{enrolment}/new",
        {"kind": "appeal", "subject": f"adjustment:{adjustment.pk}", "grounds": GROUNDS},
    )
    case = Case.objects.get()
    admin.post(
        f"/cases/{case.pk}/review",
        {"reviewer": world.second_assessor.pk, "panel": [world.iqa.pk], "version": case.version},
    )
    case.refresh_from_db()
    admin.post(
        f"/cases/{case.pk}/decide",
        {"decision": "upheld", "reason": GROUNDS, "version": case.version},
    )
    case.refresh_from_db()
    assert case.state == "upheld"
    assert caplog.records  # the requests were logged at all
    for secret in (NEEDS, CIRCUMSTANCES, GROUNDS):
        assert secret not in caplog.text
        assert secret not in timeline_text(world)
