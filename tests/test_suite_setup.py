"""How the suite runs (tests/conftest.py): its moved clock (OPENEPA_TEST_TODAY,
tests/clock.py), which the tests, the app and the rows it writes all see; the standards and
policies in every test database; Django's template instrumentation only where asked."""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from openepa.reference.models import Policy, StandardVersion
from tests.clock import TODAY_VARIABLE, moved_clock

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("value", "starts"),
    [
        ("2027-06-30", datetime(2027, 6, 30, 10, 0, tzinfo=LONDON)),
        ("2028-02-29", datetime(2028, 2, 29, 10, 0, tzinfo=LONDON)),
        ("2028-02-29T23:30", datetime(2028, 2, 29, 23, 30, tzinfo=LONDON)),
        ("2027-03-28T01:30+00:00", datetime(2027, 3, 28, 1, 30, tzinfo=ZoneInfo("UTC"))),
    ],
)
def test_a_date_starts_at_ten_in_london_and_a_moment_is_kept(value, starts):
    assert moved_clock(value) == starts


def test_a_value_that_is_not_a_date_is_refused_naming_the_variable():
    with pytest.raises(pytest.UsageError, match="OPENEPA_TEST_TODAY must be a date such as"):
        moved_clock("30/06/2027")


@pytest.mark.skipif(not os.environ.get(TODAY_VARIABLE), reason=f"{TODAY_VARIABLE} is not set")
@pytest.mark.django_db
def test_the_moved_clock_reaches_the_tests_the_app_and_the_database():
    # The clock ticks from the moment it was moved to; the day can only have moved on.
    start = moved_clock(os.environ[TODAY_VARIABLE]).astimezone(LONDON).date()
    seen = {
        date.today(),
        timezone.localdate(),
        datetime.fromtimestamp(time.time(), LONDON).date(),
        # Written when the test database was created, before any test ran.
        timezone.localdate(StandardVersion.objects.get(reference="ST0072").loaded_at),
    }
    assert all(0 <= (day - start).days <= 1 for day in seen), (start, seen)
    assert timezone.localdate().year == start.year


@pytest.mark.django_db
def test_response_context_is_off_unless_a_test_asks_for_it(client):
    assert client.get("/").context is None


@pytest.mark.django_db
def test_template_contexts_puts_response_context_back(client, template_contexts):
    page = client.get("/")
    assert page.context is not None
    assert "web/home.html" in [t.name for t in page.templates]


@pytest.mark.django_db
def test_every_test_database_holds_the_standards_and_policies():
    assert StandardVersion.objects.filter(reference="ST0072").exists()
    assert set(Policy.objects.values_list("code", flat=True)) == {
        "gateway-qualifications",
        "highfield",
        "nqual",
    }


def test_the_kept_test_database_is_made_again_when_what_made_it_changes(tmp_path):
    """tests/template_db.py keeps the migrated database between runs under this fingerprint:
    a changed migration or data file, a new file or another day gives another."""
    from tests.template_db import fingerprint

    (tmp_path / "migrations").mkdir()
    migration = tmp_path / "migrations" / "0001_initial.py"
    migration.write_text("operations = []\n")
    (tmp_path / "notes.txt").write_text("not part of it")
    first = fingerprint(tmp_path, "2027-06-30")
    assert fingerprint(tmp_path, "2027-06-30") == first
    (tmp_path / "notes.txt").write_text("still not part of it")
    assert fingerprint(tmp_path, "2027-06-30") == first
    assert fingerprint(tmp_path, "2028-02-29") != first
    migration.write_text("operations = ['changed']\n")
    changed = fingerprint(tmp_path, "2027-06-30")
    assert changed != first
    (tmp_path / "policy.yaml").write_text("code: new\n")
    assert fingerprint(tmp_path, "2027-06-30") != changed
