"""The Ofqual data returns through their doors: the returns page (EPAO admins only; every
other role and an outsider get a 404) and `manage.py ofqual_return` (CSV on standard output
or to a file; exit 2 naming the row and the rule when a row breaks a published rule)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from openepa.organisations.models import Organisation
from openepa.results.models import OverallResult
from tests.personas import register
from tests.results.builders import all_grades, computed, submit

pytestmark = pytest.mark.django_db

HEADER = (
    "ReportingDate,AwardingOrganisation,AwardingOrganisationID,StandardTitle,StandardID,"
    "AssessmentPlanVersionNumber,QualificationNumber,ULN,CandidateIdentifierOther"
)


@pytest.fixture
def released(world) -> OverallResult:
    """A distinction released today for the world's apprentice; the EPAO's register number
    recorded."""
    Organisation.objects.filter(pk=world.epao.pk).update(register_id="EPA0042")
    result = computed(world, all_grades("distinction"))
    OverallResult.objects.filter(pk=result.pk).update(released_at=timezone.now())
    return result


def period(**extra: str) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "kind": "outcomes",
        "start": (today - timedelta(days=30)).isoformat(),
        "end": today.isoformat(),
        "reporting_date": (today + timedelta(days=10)).isoformat(),
        **extra,
    }


def test_the_admin_makes_checks_and_downloads_the_outcomes_return(client, world, released):
    client.force_login(world.admin)
    page = client.get("/results/ofqual-returns/", period())
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 rows" in text  # three methods and the EPA as a whole
    assert "Every row keeps the published rules." in text
    assert "Practical observation" in text
    download = client.get("/results/ofqual-returns/", period(download="1"))
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().splitlines()
    assert lines[0] == HEADER
    rows = list(csv.reader(lines[1:]))
    assert len(rows) == 4
    uln = world.enrolment.apprentice.uln
    assert rows[-1][:9] == [
        period()["reporting_date"],
        world.epao.name,
        "EPA0042",
        "Customer Service Practitioner",
        "ST0072",
        "AP02",
        "-2",
        uln,
        str(world.enrolment.apprentice_id),
    ]


def test_bad_rows_are_listed_with_their_rule_and_cannot_be_downloaded(client, world, released):
    Organisation.objects.filter(pk=world.epao.pk).update(register_id="")
    client.force_login(world.admin)
    text = client.get("/results/ofqual-returns/", period()).content.decode()
    assert "4 values break the published rules" in text
    assert "AwardingOrganisationID" in text
    assert "must match ^(EPA)([0-9][0-9][0-9][0-9])$" in text
    download = client.get("/results/ofqual-returns/", period(download="1"))
    assert download["Content-Type"].startswith("text/html")  # the page again, not a file
    assert "Download the return" not in download.content.decode()


def test_the_registrations_return_lists_the_epa_taken_in_the_period(client, world, released):
    client.force_login(world.admin)
    text = client.get("/results/ofqual-returns/", period(kind="registrations")).content.decode()
    assert "1 row " in text
    assert "Every row keeps the published rules." in text


def test_a_period_ending_before_it_starts_is_refused_on_its_field(client, world):
    client.force_login(world.admin)
    text = client.get("/results/ofqual-returns/", period(end="2020-01-01")).content.decode()
    assert "The last day of the period must be on or after its first day." in text


def test_every_other_role_and_an_outsider_get_a_404(client, world, released):
    for name, user in world.personas().items():
        if name == "admin":
            continue
        if user is None:
            client.logout()
            response = client.get("/results/ofqual-returns/", period())
            assert response.status_code == 302, name
            continue
        client.force_login(user)
        response = client.get("/results/ofqual-returns/", period())
        if name == "outsider_admin":
            # Another EPAO's admin has the page, for their own EPAO only.
            assert response.status_code == 200
            assert "0 rows" in response.content.decode()
            continue
        assert response.status_code == 404, name


def test_the_page_takes_the_same_queries_for_one_result_as_for_many(
    client, world, released, django_assert_max_num_queries
):
    client.force_login(world.admin)
    client.get("/results/ofqual-returns/", period())  # warm caches (standard, format)
    with django_assert_max_num_queries(12):
        assert client.get("/results/ofqual-returns/", period()).status_code == 200


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ofqual_return", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def command_args(kind: str = "outcomes") -> list[str]:
    p = period()
    return [kind, "--from", p["start"], "--to", p["end"], "--reporting-date", p["reporting_date"]]


def test_the_command_writes_the_csv_to_standard_output(world, released):
    Organisation.objects.filter(kind="epao").exclude(pk=world.epao.pk).update(register_id="EPA0043")
    out, _ = run(*command_args(), "--epao", "EPA0042")
    lines = out.splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 5


def test_the_command_writes_to_a_file_with_output(world, released, tmp_path):
    target = tmp_path / "registrations.csv"
    out, err = run(*command_args("registrations"), "--epao", "epa0042", "--output", str(target))
    assert out == ""
    assert "1 rows written" in err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 2


def test_the_command_exits_2_naming_the_row_and_the_rule(world, released, tmp_path):
    Organisation.objects.filter(pk=world.epao.pk).update(register_id="EPA42")
    target = tmp_path / "outcomes.csv"
    out, err = io.StringIO(), io.StringIO()
    args = [*command_args(), "--epao", "EPA42", "--output", str(target)]
    with pytest.raises(SystemExit) as exit_:
        call_command("ofqual_return", *args, stdout=out, stderr=err)
    assert exit_.value.code == 2
    assert "row 2, AwardingOrganisationID 'EPA42': must match ^(EPA)" in err.getvalue()
    assert not target.exists()


def test_the_command_asks_which_epao_when_there_are_several(world, released):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="more than one EPAO"):
        run(*command_args())


def test_the_command_refuses_a_period_that_ends_before_it_starts(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="before --from"):
        run(
            "outcomes",
            "--from",
            "2026-03-01",
            "--to",
            "2026-02-28",
            "--reporting-date",
            "2026-03-31",
        )


def test_the_command_lists_at_most_fifty_problems_and_counts_the_rest(world):
    Organisation.objects.filter(pk=world.epao.pk).update(register_id="EPA0042", name="E" * 101)
    today = timezone.localdate()
    enrolments = [world.enrolment] + [
        register(world.admin, epao=world.epao, employer=world.employer, provider=world.provider)
        for _ in range(55)
    ]
    for enrolment in enrolments:  # 56 EPAs taken today, each under a name too long
        submit(enrolment, "showcase", on=today, assessor=world.assessor)
    err = io.StringIO()
    args = [*command_args("registrations"), "--epao", "EPA0042"]
    with pytest.raises(SystemExit):
        call_command("ofqual_return", *args, stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert sum(", AwardingOrganisation 'EEE" in line for line in lines) == 50
    assert "… and 6 more." in lines
