"""The audit log's other records (issue 17 §4): the sign-ins of the EPAO's people (password
and two-factor, accepted and refused), the roles given and taken away at the EPAO, and the
emails it sent, each through the door people use (the sign-in pages, the `membership`
command, the worker sending the outbox), then read, filtered and downloaded as an auditor
would. Never a password, a code or a token in the log."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from openepa.accounts.models import AccountEvent, Membership, Role
from openepa.notifications.models import OutboxMessage
from tests.accounts.test_two_factor import PASSWORD, code_for, emailed_link
from tests.audit.test_audit_log import AUDIT, walk
from tests.exports.helpers import column, csv_rows, xlsx_rows
from tests.journeys.driver import Journey

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"


def sign_in(email: str, password: str = PASSWORD) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": email, "password": password})
    return client


def admin_reads(world, params) -> list[str]:
    client = Client()
    client.force_login(world.admin)
    return walk(client, params)


def test_sign_ins_of_the_epaos_people_are_in_its_log(world):
    sign_in(world.assessor.email)
    sign_in(world.iqa.email, WRONG)
    sign_in("nobody@northern.example", WRONG)  # no account: not kept anywhere
    sign_in(world.employer_user.email)  # signs in to OpenEPA, not to the EPAO
    shown = admin_reads(world, {"kind": "account:sign_in"})
    assert shown == ["Ian Assessor signed in (email and password)."]
    assert admin_reads(world, {"kind": "account:sign_in_failed"}) == [
        "A sign-in as Quinn IQA failed: the password was not right."
    ]
    assert admin_reads(world, {"person": "quinn"}) == [
        "A sign-in as Quinn IQA failed: the password was not right."
    ]
    assert AccountEvent.objects.filter(user__isnull=True).count() == 0
    # Another EPAO's admin sees none of them.
    other = Client()
    other.force_login(world.outsider_admin)
    assert not any("Ian Assessor" in s or "Quinn" in s for s in walk(other, {}))


def test_two_factor_codes_accepted_refused_and_set_up(world, settings, deliver):
    settings.OPENEPA_REQUIRE_2FA = True
    # The assessor sets up the app from the emailed link and enters its code.
    ian = sign_in(world.assessor.email)
    ian.get(emailed_link(deliver, ian, world.assessor))
    device = TOTPDevice.objects.get(user=world.assessor, confirmed=False)
    assert ian.post("/accounts/two-factor/", {"token": code_for(device)}).status_code == 302
    # The next sign-in: a refused code.
    again = sign_in(world.assessor.email)
    device.refresh_from_db()
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    again.post("/accounts/two-factor/", {"token": wrong})
    settings.OPENEPA_REQUIRE_2FA = False  # the admin below reads the log without a device
    shown = admin_reads(world, {"person": "ian"})
    assert shown == [
        "Ian Assessor entered a two-factor code that was refused.",
        "Ian Assessor signed in (email and password).",
        "Ian Assessor set up two-factor sign-in.",
        "Email “Set up two-factor sign-in for OpenEPA” sent to ian@northern.example.",
        "Ian Assessor signed in (email and password).",
    ]
    admin = Client()
    admin.force_login(world.admin)
    download = csv_rows(admin.get(f"{AUDIT}log.csv", {"person": "ian"}))
    download = [row for row in download if "Email sent" not in row]  # the link, above
    assert column(download, "Kind") == [
        "Account: two-factor code refused",
        "Account: signed in",
        "Account: two-factor sign-in set up",
        "Account: signed in",
    ]
    assert set(column(download, "IP address")) == {"127.0.0.1"}
    text = "\n".join(",".join(row) for row in download)
    for secret in (PASSWORD, wrong, code_for(device), device.key):
        assert secret not in text
        assert secret not in admin.get(AUDIT, {"person": "ian"}).content.decode()


def test_roles_given_and_taken_away_through_the_command(world):
    call_command(
        "membership", "add", world.employer_user.email,
        organisation="Northern EPAO", role=Role.IQA, by=world.admin.email,
    )  # fmt: skip
    assert Membership.objects.filter(user=world.employer_user, role=Role.IQA).exists()
    call_command(
        "membership", "remove", world.employer_user.email,
        organisation="Northern EPAO", role=Role.IQA,
    )  # fmt: skip
    assert not Membership.objects.filter(user=world.employer_user, role=Role.IQA).exists()
    shown = admin_reads(world, {"person": "erin"})
    assert shown == [
        "An operator at the command line took away Erin Employer's role of Internal quality "
        "assurer at Northern EPAO.",
        "Amina Admin made Erin Employer Internal quality assurer at Northern EPAO.",
    ]
    assert admin_reads(world, {"kind": "account:membership_added"}) == shown[1:]
    # A role given twice, a role not held, an unknown organisation: refused, nothing logged.
    for args, options in (
        (("add", world.assessor.email), {"organisation": "Northern EPAO", "role": Role.ASSESSOR}),
        (("remove", world.assessor.email), {"organisation": "Northern EPAO", "role": Role.IQA}),
        (("add", world.assessor.email), {"organisation": "Nowhere", "role": Role.IQA}),
    ):
        with pytest.raises(CommandError):
            call_command("membership", *args, **options)
    assert AccountEvent.objects.count() == 2
    other = Client()
    other.force_login(world.outsider_admin)
    assert not any("Erin" in s for s in walk(other, {}))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_emails_sent_are_in_the_log_searchable_and_downloadable(world, deliver, fmt):
    journey = Journey(world.enrolment)
    journey.submit_gateway(world.provider_user, evidence=["gateway_meeting_record"])
    with deliver():
        journey.reject_gateway(world.admin, "The employer has not signed off the record.")
    sent = OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENT, event__action="reject_gateway"
    )
    assert sent.count() == 3
    shown = admin_reads(world, {"kind": "email:sent"})
    assert len(shown) == OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count()
    erin = sent.get(recipient=world.employer_user.email)
    line = f"Email “{erin.subject}” sent to erin@harbour.example."
    assert line in shown
    assert admin_reads(world, {"person": "erin@harbour", "kind": "email:sent"}) == [line]
    by_apprentice = admin_reads(world, {"apprentice": world.enrolment.apprentice.uln})
    assert line in by_apprentice
    admin = Client()
    admin.force_login(world.admin)
    read = csv_rows if fmt == "csv" else xlsx_rows
    rows = read(admin.get(f"{AUDIT}log.{fmt}", {"kind": "email:sent", "person": "erin"}))
    assert column(rows, "What happened") == [line]
    assert column(rows, "Kind") == ["Email sent"]
    assert column(rows, "ULN") == [world.enrolment.apprentice.uln]
    other = Client()
    other.force_login(world.outsider_admin)
    assert walk(other, {"kind": "email:sent"}) == []
