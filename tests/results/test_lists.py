"""The admin's list of results awaiting release, overdue first (seed 004: within 10 working
days, England and Wales working days), the home-page sections, and query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from openepa.accounts.models import User
from openepa.results.actions import do_compute_result
from openepa.results.dashboard import sections
from openepa.results.models import OverallResult
from openepa.results.queries import is_overdue
from tests.results.builders import (
    all_grades,
    another_enrolment,
    assess,
    computed,
    use_policy,
)
from tests.results.test_next_steps import OBSERVATION_FAILED, failed_and_released
from tests.results.test_release import get, release

pytestmark = pytest.mark.django_db


def test_overdue_across_a_bank_holiday(client, world):
    """Last assessment Thursday 21 August 2025; Monday 25 August is a bank holiday, so the
    10th working day is Friday 5 September, not Thursday 4 September (seed 004)."""
    use_policy(world.enrolment, "nqual")
    result = computed(world, all_grades("pass"), start=date(2025, 8, 19))
    assert result.last_component_on == date(2025, 8, 21)
    assert result.due_on == date(2025, 9, 5)
    assert not is_overdue(result, on=date(2025, 9, 5))  # the due date itself is in time
    assert is_overdue(result, on=date(2025, 9, 8))

    html = get(client, world.admin, result).content.decode()
    assert "5 September 2025" in html
    assert "Overdue" in html
    listed = client.get("/results/").content.decode()
    assert "5 September 2025" in listed
    assert "Overdue" in listed

    release(client, world, result)
    assert "Overdue" not in get(client, world.admin, result).content.decode()


def test_the_list_puts_overdue_results_first(client, world):
    use_policy(world.enrolment, "nqual")
    on_time = computed(world, all_grades("pass"))  # a week ago: due in the future
    late = another_enrolment(world, 1)
    use_policy(late, "nqual")
    assess(late, all_grades("distinction"), assessor=world.assessor, start=date(2025, 8, 19))
    overdue = do_compute_result(enrolment_id=late.pk, actor=world.admin)
    silent = another_enrolment(world, 2)  # Highfield: no due date, listed last
    assess(silent, all_grades("pass"), assessor=world.assessor)
    no_date = do_compute_result(enrolment_id=silent.pk, actor=world.admin)
    assert no_date.due_on is None

    client.force_login(world.admin)
    html = client.get("/results/").content.decode()
    positions = [html.index(f"/results/{r.pk}/") for r in (overdue, on_time, no_date)]
    assert positions == sorted(positions)
    assert html.count('govuk-tag--red">Overdue</strong>') == 1


def test_a_row_writes_its_words_escaped_with_a_tick_naming_the_apprentice(client, world):
    """The rows are written in Python (result_tags.awaiting_rows), not by the template
    engine: what a person typed is escaped there as the engine would."""
    use_policy(world.enrolment, "nqual")
    apprentice = world.enrolment.apprentice
    apprentice.given_name, apprentice.family_name = "<i>Ada</i>", "O'Neil & Co"
    apprentice.save()
    result = computed(world, all_grades("pass"))
    client.force_login(world.admin)
    html = client.get("/results/").content.decode()
    name = "&lt;i&gt;Ada&lt;/i&gt; O&#x27;Neil &amp; Co"
    assert f'<a class="govuk-link" href="/results/{result.pk}/">{name}</a></th>' in html
    assert (
        f'<input class="govuk-checkboxes__input" id="choose-{result.pk}" name="ids"'
        f' type="checkbox" value="{result.pk}"><label class="govuk-label govuk-checkboxes__label"'
        f' for="choose-{result.pk}"><span class="govuk-visually-hidden">Choose {name}</span>'
    ) in html
    assert result.due_on is not None  # the NQual policy sets a deadline
    assert f'data-label="Due">{result.due_on.day} ' in html
    assert "<i>" not in html


@pytest.mark.parametrize("name", ["employer", "provider", "apprentice", "assessor", "iqa"])
def test_the_list_is_for_admins_only(client, world, name):
    client.force_login(world.personas()[name])
    assert client.get("/results/").status_code == 404


def test_an_admin_sees_only_their_epaos_results(client, world):
    result = computed(world, all_grades("pass"))
    client.force_login(world.outsider_admin)
    assert f"/results/{result.pk}/" not in client.get("/results/").content.decode()
    client.force_login(world.admin)
    assert f"/results/{result.pk}/" in client.get("/results/").content.decode()


def _rows(world, n):
    """n unreleased results, half of them overdue, written directly: the list reads rows."""
    today = timezone.localdate()
    for i in range(n):
        enrolment = world.enrolment if i == 0 else another_enrolment(world, i)
        OverallResult.objects.create(
            enrolment=enrolment,
            grade="pass",
            methods={},
            last_component_on=today - timedelta(days=20),
            due_on=today - timedelta(days=1 if i % 2 else -5),
        )


@pytest.mark.parametrize("n", [1, 50])
def test_the_list_query_count_does_not_grow_with_rows(
    client, world, n, django_assert_max_num_queries
):
    _rows(world, n)
    client.force_login(world.admin)
    with django_assert_max_num_queries(6):
        page = client.get("/results/")
    assert page.status_code == 200
    assert page.content.decode().count("/results/") >= min(n, 25)
    if n > 25:
        assert 'class="govuk-pagination"' in page.content.decode()
        assert "?page=2" in page.content.decode()
        assert client.get("/results/?page=2").status_code == 200


def test_dashboards(client, world):
    result = failed_and_released(client, world)
    awaiting = another_enrolment(world, 1)
    assess(awaiting, all_grades("pass"), assessor=world.assessor)
    pending = do_compute_result(enrolment_id=awaiting.pk, actor=world.admin)

    client.force_login(world.admin)
    admin = client.get("/").content.decode()
    assert "Results awaiting release" in admin
    assert f"/results/{pending.pk}/" in admin
    assert "Resits and retakes due" in admin
    assert "Practical observation" in admin

    for user in (world.employer_user, world.provider_user, world.apprentice_user):
        client.force_login(user)
        home = client.get("/").content.decode()
        assert "Resits and retakes due" in home
        assert f"/results/{result.pk}/" in home
        assert "Fail" in home
        assert f"/results/{pending.pk}/" not in home  # not released yet
        assert "Results awaiting release" not in home
    client.force_login(world.outsider_employer)
    other = client.get("/").content.decode()
    assert f"/results/{result.pk}/" not in other
    assert "Resits and retakes due" not in other


@pytest.mark.parametrize("n", [1, 20])
def test_dashboard_query_count_does_not_grow_with_rows(
    client, world, n, django_assert_max_num_queries
):
    for i in range(n):
        enrolment = world.enrolment if i == 0 else another_enrolment(world, i)
        assess(enrolment, OBSERVATION_FAILED, assessor=world.assessor)
        result = do_compute_result(enrolment_id=enrolment.pk, actor=world.admin)
        if i % 2:
            continue  # half stay awaiting release
        client.force_login(world.admin)
        enrolment.refresh_from_db()
        client.post(f"/results/{result.pk}/release/", {"version": enrolment.version})
    for user in (world.admin, world.employer_user, world.apprentice_user):
        user = User.objects.get(pk=user.pk)  # roles not cached yet, as in a request
        # This context's sections only: the other contexts' sections are theirs to count.
        with django_assert_max_num_queries(5):
            shown = sections(user)
        assert shown
