"""After a Fail: the next step with its deadline, which methods, the retake checklist and
the grade cap; a missed window → restart (with a reason) or exceptional circumstances
(seed 000 §4, seed 002, seed 004; issue 3 §9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openepa.domain.dates import add_months, long_date
from openepa.domain.grading import OverallGrade
from openepa.enrolments.models import Enrolment, JourneyEvent
from openepa.results.queries import epa_result_for
from tests.results.builders import GQ, all_grades, assess, computed, use_policy
from tests.results.test_release import get, release

pytestmark = pytest.mark.django_db

OBSERVATION_FAILED = {"showcase": "pass", "observation": "fail", "discussion": "distinction"}


def failed_and_released(client, world, policy=GQ, grades=OBSERVATION_FAILED):
    use_policy(world.enrolment, policy)
    result = computed(world, grades)
    assert result.grade == "fail"
    release(client, world, result)
    world.enrolment.refresh_from_db()
    return result


def expire(world, months=4):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(
        fail_notified_on=timezone.localdate() - timedelta(days=31 * months)
    )
    world.enrolment.refresh_from_db()


def post(client, user, result, what, reason, world):
    client.force_login(user)
    world.enrolment.refresh_from_db()
    return client.post(
        f"/results/{result.pk}/{what}/",
        {
            f"{what_prefix(what)}-reason": reason,
            f"{what_prefix(what)}-version": world.enrolment.version,
        },
        follow=True,
    )


def what_prefix(what):
    return {"exceptional-circumstances": "override", "restart": "restart"}[what]


def test_gq_fail_released_offers_a_resit_of_the_failed_method_within_3_months(client, world):
    result = failed_and_released(client, world)
    today = timezone.localdate()
    assert world.enrolment.state == "resit_due"
    assert world.enrolment.fail_notified_on == today
    offer = JourneyEvent.objects.get(enrolment=world.enrolment, action="offer_resit")
    assert offer.data["methods"] == ["observation"]
    assert offer.data["deadline"] == add_months(today, 3).isoformat()

    for user in (world.apprentice_user, world.employer_user, world.provider_user, world.admin):
        html = get(client, user, result).content.decode()
        assert "Next step: resit or retake" in html
        assert (
            f"Resit or retake by {long_date(add_months(today, 3))}: within 3 months of the fail notification on {long_date(today)} (Gateway Qualifications EPA specification v1.1 — §4)"
            in html
        )
        # Only the failed method; the passed ones are never resat (seed 000 §4).
        assert '<dd class="govuk-summary-list__value">Practical observation, each in full.' in html
        assert (
            "Apprentice showcase, Professional discussion were passed and are not resat or retaken"
            in html
        )
        assert (
            "No cap: Gateway Qualifications removed it in its EPA specification v1.1 (change log)."
            in html
        )
        assert "Gateway Qualifications does not require a retake checklist" in html
        assert "Window expired" not in html
    admin = get(client, world.admin, result).content.decode()
    assert "Record exceptional circumstances" in admin
    assert "Restart the EPA" not in admin  # the window is still open
    assert (
        "Record exceptional circumstances"
        not in get(client, world.employer_user, result).content.decode()
    )


def test_nqual_fail_all_methods_within_6_months_and_the_cap(client, world):
    result = failed_and_released(client, world, policy="nqual")
    first = result.first_component_on
    html = get(client, world.apprentice_user, result).content.decode()
    assert (
        f"All assessment methods taken by {long_date(add_months(first, 6))}: within 6 months of "
        f"the first attempt on {long_date(first)} (NQual EPA support pack v1.1 — Re-sit / Re-take)"
        in html
    )
    assert "NQual caps the EPA at Pass after a resit or retake" in html
    assert (
        "within 10 working days of the last assessment "
        "(NQual EPA support pack v1.1 — Grading &amp; Criteria)" in html
    )


def test_highfield_fail_has_no_deadline_a_checklist_and_the_observation_follow_up(client, world):
    result = failed_and_released(client, world, policy="highfield")
    html = get(client, world.provider_user, result).content.decode()
    assert "Highfield Assessment sets no deadline for a resit or retake" in html
    assert (
        "A retake (after a period of further learning) needs the retake checklist (Highfield EPA kit — Retake and resit information)"
        in html
    )
    assert "additional 30-minute professional discussion follow-up" in html
    assert "the Highfield EPA kit says nothing of a grade cap" in html


def test_no_resit_is_offered_when_every_method_passed(client, world):
    use_policy(world.enrolment, GQ)
    result = computed(world, all_grades("pass"))
    release(client, world, result)
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "results_issued"
    assert world.enrolment.fail_notified_on is None
    html = get(client, world.apprentice_user, result).content.decode()
    assert "Next step" not in html
    assert not JourneyEvent.objects.filter(action="offer_resit").exists()


def test_restart_is_refused_while_the_window_is_open(client, world):
    result = failed_and_released(client, world)
    deadline = add_months(timezone.localdate(), 3)
    html = post(client, world.admin, result, "restart", "Apprentice moved away", world)
    assert (
        f"The resit or retake window is open until {long_date(deadline)}; the whole EPA is "
        "taken again only once it has passed." in html.content.decode()
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "resit_due"


def test_highfield_sets_no_window_so_nothing_to_restart_or_override(client, world):
    result = failed_and_released(client, world, policy="highfield")
    restart = post(client, world.admin, result, "restart", "Long gap", world).content.decode()
    assert (
        "Highfield Assessment sets no deadline for a resit or retake, so the failed methods are "
        "resat or retaken rather than the whole EPA taken again." in restart
    )
    override = post(
        client, world.admin, result, "exceptional-circumstances", "Illness", world
    ).content.decode()
    assert (
        "Highfield Assessment sets no deadline for a resit or retake, so there is no window "
        "to override." in override
    )


def test_an_expired_window_needs_a_reason_to_restart_and_the_old_attempts_stop_counting(
    client, world
):
    result = failed_and_released(client, world)
    expire(world)
    page = get(client, world.admin, result).content.decode()
    assert "Window expired" in page
    assert "Restart the EPA" in page

    refused = post(client, world.admin, result, "restart", "   ", world).content.decode()
    assert "Give the reason the whole EPA is taken again." in refused
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "resit_due"

    post(client, world.admin, result, "restart", "No resit was booked within the window", world)
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "planning"
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="restart_epa")
    assert event.reason == "No resit was booked within the window"
    assert sorted(event.data["superseded_attempt_ids"]) == sorted(
        world.enrolment.attempts.values_list("pk", flat=True)
    )
    # The attempts remain in the history but no longer count towards the grade.
    assert world.enrolment.attempts.count() == 3
    assert epa_result_for(world.enrolment).overall == OverallGrade.INCOMPLETE
    # The restarted EPA is graded from the new attempts only.
    assess(world.enrolment, all_grades("pass"), assessor=world.assessor, start=timezone.localdate())
    assert epa_result_for(world.enrolment).overall == OverallGrade.PASS


def test_exceptional_circumstances_need_a_reason_and_are_recorded(client, world):
    result = failed_and_released(client, world)
    expire(world)
    refused = post(client, world.admin, result, "exceptional-circumstances", "", world)
    assert (
        "Describe the exceptional circumstances that allow a resit or retake after the window."
        in refused.content.decode()
    )
    assert not JourneyEvent.objects.filter(action="resit_window_override").exists()

    done = post(
        client, world.admin, result, "exceptional-circumstances", "Hospital stay in March", world
    ).content.decode()
    assert "Exceptional circumstances recorded" in done
    event = JourneyEvent.objects.get(enrolment=world.enrolment, action="resit_window_override")
    assert event.reason == "Hospital stay in March"
    assert event.actor == world.admin
    assert event.data["expired"] is True
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "resit_due"  # a resit may now be booked
    assert "Hospital stay in March" in get(client, world.apprentice_user, result).content.decode()


def test_only_the_epaos_admins_restart_or_override(client, world):
    result = failed_and_released(client, world)
    expire(world)
    for user in (world.employer_user, world.provider_user, world.apprentice_user):
        html = post(client, user, result, "restart", "Please", world).content.decode()
        assert "Only the EPAO&#x27;s admins can restart the EPA." in html
        html = post(
            client, user, result, "exceptional-circumstances", "Please", world
        ).content.decode()
        assert "Only the EPAO&#x27;s admins can record exceptional circumstances." in html
    for user in (world.outsider_admin, world.assessor, world.iqa):
        assert post(client, user, result, "restart", "x", world).status_code == 404
    world.enrolment.refresh_from_db()
    assert world.enrolment.state == "resit_due"
