"""The demo's Ofqual returns keep every published rule: the returns page and the command
read the demo's EPAO (its register number recorded) and its released results."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from openepa.domain.ofqual_returns import ReturnKind
from openepa.organisations.models import Organisation
from openepa.results.ofqual import Period, check_return
from tests.seeded_demo import small_demo_for_the_module

pytestmark = pytest.mark.django_db

#: The demo's day in tests/web/test_demo.py: its stories' dates are the same every run.
TODAY = date(2026, 11, 23)
YEAR = Period(date(2025, 11, 24), TODAY, reporting_date=date(2026, 12, 15))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with small_demo_for_the_module(django_db_blocker, TODAY):
        with django_db_blocker.unblock():
            epaos = list(Organisation.objects.filter(kind="epao", register_id__gt=""))
        yield epaos


@pytest.mark.parametrize("kind", list(ReturnKind))
def test_the_demos_returns_have_rows_and_keep_every_rule(demo, kind, django_assert_max_num_queries):
    # One streamed query, whatever the number of rows (no query per row).
    with django_assert_max_num_queries(2):
        checked = check_return(kind, [epao.pk for epao in demo], YEAR)
    assert checked.rows, "the demo should give the return some rows"
    assert checked.violations == []


def test_the_demos_outcomes_return_from_the_command(demo):
    out = io.StringIO()
    call_command(
        "ofqual_return",
        "outcomes",
        "--from",
        YEAR.start.isoformat(),
        "--to",
        YEAR.end.isoformat(),
        "--reporting-date",
        YEAR.reporting_date.isoformat(),
        "--epao",
        demo[0].register_id,
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ReportingDate,AwardingOrganisation,AwardingOrganisationID,")
    assert len(lines) > 1
