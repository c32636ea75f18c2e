"""The EPAO's audit log (/audit/, issue 17 §4): every journey event and every change to an
assessor's profile of the admin's EPAO, searchable by person, apprentice, kind and date,
read a page at a time (keyset) and downloadable as filtered."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openepa.accounts.models import AccountEvent
from openepa.assessors.models import ProfileEvent
from openepa.enrolments.actions import do_withdraw_enrolment
from openepa.enrolments.models import JourneyEvent
from openepa.web.audit import PAGE
from openepa.web.forms import KIND_CHOICES
from tests.enrolments.helpers import add_apprentice
from tests.exports.helpers import column, csv_rows, xlsx_rows
from tests.plain_words import leaks

pytestmark = pytest.mark.django_db

AUDIT = "/audit/"


def records(html: str) -> list[str]:
    """The "What happened" cell of each row shown."""
    cells = re.findall(r'data-label="What happened">(.*?)<br>', html, re.S)
    return [unescape(c).strip() for c in cells]


def walk(client, params) -> list[str]:
    """Every page, following the "Older" links: the rows in the order shown."""
    shown: list[str] = []
    html = client.get(AUDIT, params).content.decode()
    while True:
        shown += records(html)
        found = re.search(r'href="(\?[^"]*)" rel="next"', html)
        if not found:
            return shown
        html = client.get(AUDIT + unescape(found.group(1))).content.decode()


@pytest.fixture
def log(world):
    """Grace Hopper registered and withdrawn (with a reason a spreadsheet would run) at the
    admin's EPAO, Alan Turing at the other EPAO."""
    hopper = add_apprentice(world, given="Grace", family="Hopper")
    do_withdraw_enrolment(actor=world.admin, enrolment_id=hopper.pk, reason="=cmd|' /C calc'!A0")
    add_apprentice(
        world,
        actor=world.outsider_admin,
        epao=world.other_epao,
        employer=world.other_employer,
        provider=world.other_provider,
        given="Alan",
        family="Turing",
    )
    return hopper


def test_the_admin_sees_their_epaos_journey_and_profile_events_only(client, world, log):
    client.force_login(world.admin)
    shown = walk(client, {})
    assert "Grace Hopper was withdrawn by Amina Admin." in shown
    assert "Ada Lovelace was registered on the standard by Pat Provider." in shown
    assert any("assessor profile" in s for s in shown)
    assert not any("Alan Turing" in s for s in shown)
    expected = JourneyEvent.objects.filter(enrolment__epao=world.epao).count()
    expected += ProfileEvent.objects.filter(profile__epao=world.epao).count()
    assert len(shown) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"person": "pat"}, ["Ada Lovelace was registered on the standard by Pat Provider."]),
        ({"person": "amina", "kind": "withdraw"}, ["Grace Hopper was withdrawn by Amina Admin."]),
        (
            {"apprentice": "hopper", "kind": "register"},
            ["Grace Hopper was registered on the standard by Amina Admin."],
        ),
        ({"apprentice": "turing"}, []),
    ],
)
def test_filters(client, world, log, params, expected):
    client.force_login(world.admin)
    assert walk(client, params) == expected


def test_a_person_is_looked_up_once_by_name_or_email_and_every_one_named_is_listed(
    client, world, log
):
    """The person's words are matched against people's names and email addresses first; the
    log then lists every record of each person named, of no one else, with each word
    narrowing who is named; words naming nobody list nothing, in as few queries."""
    client.force_login(world.admin)
    both = walk(client, {"person": "example"})  # in both people's email addresses
    assert "Ada Lovelace was registered on the standard by Pat Provider." in both
    assert "Grace Hopper was withdrawn by Amina Admin." in both
    by_email = walk(client, {"person": "coastal.example"})
    assert by_email == walk(client, {"person": "pat provider"})
    assert "Ada Lovelace was registered on the standard by Pat Provider." in by_email
    assert not any("by Amina Admin" in s for s in by_email)
    assert walk(client, {"person": "amina coastal"}) == []
    with CaptureQueriesContext(connection) as named:
        client.get(AUDIT, {"person": "amina"})
    with CaptureQueriesContext(connection) as nobody:
        assert records(client.get(AUDIT, {"person": "nobody-here"}).content.decode()) == []
    assert len(nobody) <= len(named)


def test_filter_by_uln_enrolment_number_and_profile_kind(client, world, log):
    client.force_login(world.admin)
    by_uln = walk(client, {"apprentice": log.apprentice.uln})
    assert by_uln == walk(client, {"apprentice": str(log.pk)})
    assert by_uln == [
        "Grace Hopper was withdrawn by Amina Admin.",
        "Grace Hopper was registered on the standard by Amina Admin.",
    ]
    profile = walk(client, {"kind": "profile:create_profile"})
    assert profile
    assert all("assessor profile" in s for s in profile)


def test_filter_by_date_range(client, world, log):
    client.force_login(world.admin)
    today = timezone.localdate()
    old = today - timedelta(days=40)
    # Noon of that local day: "now less 40 days" lands on the next day in the last hour
    # before midnight when the clocks changed in between (GMT now, BST then).
    noon = timezone.make_aware(datetime.combine(old, time(12)))
    JourneyEvent.objects.filter(action="withdraw").update(at=noon)

    def day(prefix, d):
        return {f"{prefix}_day": d.day, f"{prefix}_month": d.month, f"{prefix}_year": d.year}

    assert walk(client, {**day("since", old), **day("until", old)}) == [
        "Grace Hopper was withdrawn by Amina Admin."
    ]
    recent = walk(client, {**day("since", today - timedelta(days=1))})
    assert "Grace Hopper was withdrawn by Amina Admin." not in recent
    assert recent


def test_a_wrong_date_range_is_explained(client, world, log):
    client.force_login(world.admin)
    today = timezone.localdate()
    params = {"since_day": today.day, "since_month": today.month, "since_year": today.year}
    params |= {"until_day": 1, "until_month": 1, "until_year": 2000}
    html = client.get(AUDIT, params).content.decode()
    assert "The “To” date must be the same as or after the “From” date" in unescape(html)
    assert "<title>Error: Audit log" in html


def test_pages_cover_every_entry_once_newest_first_even_at_the_same_moment(client, world, log):
    for i in range(60):
        add_apprentice(world, given=f"Page{i:02}", family="Walker")
    # Half the events at one moment: the cursor's tie-break (source, id) decides.
    moment = timezone.now() - timedelta(hours=1)
    ids = list(JourneyEvent.objects.order_by("id").values_list("id", flat=True))
    JourneyEvent.objects.filter(id__in=ids[::2]).update(at=moment)
    ProfileEvent.objects.update(at=moment)
    client.force_login(world.admin)
    shown = walk(client, {})
    everything = column(csv_rows(client.get(f"{AUDIT}log.csv")), "What happened")
    assert len(shown) > 50  # more than one page
    assert shown == everything
    assert len(everything) == JourneyEvent.objects.filter(enrolment__epao=world.epao).count() + (
        ProfileEvent.objects.filter(profile__epao=world.epao).count()
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_is_the_filtered_log_with_safe_cells(client, world, log, fmt):
    client.force_login(world.admin)
    read = csv_rows if fmt == "csv" else xlsx_rows
    rows = read(client.get(f"{AUDIT}log.{fmt}", {"apprentice": "hopper"}))
    assert column(rows, "What happened") == walk(client, {"apprentice": "hopper"})
    assert column(rows, "Reason")[0] == "'=cmd|' /C calc'!A0"
    assert column(rows, "ULN") == [log.apprentice.uln] * 2
    assert not any(str(cell).startswith("=") for row in rows for cell in row)


@pytest.mark.parametrize(
    "persona", ["iqa", "assessor", "employer", "provider", "apprentice", "outsider_employer"]
)
def test_only_epao_admins_read_the_log(client, world, persona):
    client.force_login(world.personas()[persona])
    for url in (AUDIT, f"{AUDIT}log.csv", f"{AUDIT}log.xlsx"):
        assert client.get(url).status_code == 404


def test_another_epaos_admin_reads_only_theirs(client, world, log):
    client.force_login(world.outsider_admin)
    shown = walk(client, {})
    assert shown == ["Alan Turing was registered on the standard by Otto Outsider."]
    rows = csv_rows(client.get(f"{AUDIT}log.csv"))
    assert column(rows, "Apprentice") == ["Alan Turing"]


def test_the_query_count_does_not_grow_with_entries(client, world):
    """A page, and a download of more than three pages of entries, each in the same number
    of queries as with one entry: no query per row or per page of rows."""
    client.force_login(world.admin)
    counts = []
    for n in (1, 3 * PAGE + 1):
        for i in range(n):
            add_apprentice(world, given=f"Count{i}", family=f"Rows{n}")
        with CaptureQueriesContext(connection) as page:
            client.get(AUDIT)
        with CaptureQueriesContext(connection) as download:
            rows = csv_rows(client.get(f"{AUDIT}log.csv"))
        with CaptureQueriesContext(connection) as workbook:
            assert len(xlsx_rows(client.get(f"{AUDIT}log.xlsx"))) == len(rows)
        assert len(rows) > n
        counts.append((len(page), len(download), len(workbook)))
    assert counts[0] == counts[1]


def test_the_download_speaks_plainly(client, world, log):
    """No code in the download either: the kind is in words (tests/plain_words.py)."""
    client.force_login(world.admin)
    rows = csv_rows(client.get(f"{AUDIT}log.csv"))
    assert "Withdraw" in column(rows, "Kind")
    assert "Assessor profile: create profile" in column(rows, "Kind")
    assert leaks("\n".join(",".join(row) for row in rows)) == []


def test_the_kind_filter_offers_every_kind_in_words_with_the_chosen_one_selected(client, world):
    """The kinds' select is written in Python (LongSelect): the same select, each kind in
    words, the one filtered on selected, every value escaped."""
    client.force_login(world.admin)
    html = client.get(AUDIT, {"kind": "withdraw"}).content.decode()
    select = re.search(r'<select name="kind"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    assert 'class="govuk-select' in select.group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    assert [(value, unescape(label)) for value, _, label in options] == [
        (value, label) for value, label in KIND_CHOICES
    ]
    assert [value for value, chosen, _ in options if chosen] == ["withdraw"]


def test_each_row_shows_when_who_the_apprentice_and_the_change_escaped(client, world, log):
    """A journey event's row links to the enrolment with the ULN, shows the change of state
    and the reason (escaped); a sign-in's row has no apprentice and shows the address."""
    AccountEvent.objects.create(
        at=timezone.now(),
        action=AccountEvent.Action.SIGN_IN,
        actor=world.admin,
        user=world.admin,
        ip_address="203.0.113.9",
    )
    client.force_login(world.admin)
    html = client.get(AUDIT).content.decode()
    rows = re.findall(r'<tr class="govuk-table__row"><th scope="row".*?</tr>', html, re.S)
    withdrawal = next(r for r in rows if "Grace Hopper was withdrawn" in r)
    assert f'<a class="govuk-link" href="/enrolments/{log.pk}/">Grace Hopper</a>' in withdrawal
    assert f'<span class="govuk-body-s">ULN {log.apprentice.uln}</span>' in withdrawal
    assert "By Amina Admin (admin@northern.example)" in withdrawal
    assert "=cmd|&#x27; /C calc&#x27;!A0" in withdrawal
    assert "=cmd|' /C calc'" not in withdrawal
    sign_in = next(r for r in rows if "signed in" in r)
    assert 'data-label="Apprentice">—</td>' in sign_in
    assert '<span class="govuk-body-s">From 203.0.113.9</span>' in sign_in
