"""Results issued (to the apprentice, employer and provider, seed 000 §3), the resit or
retake deadline approaching (seed 000 §4, seed 004) and results overdue (to the EPAO's
admins only, seed 004: within 10 working days), from a real NQual journey."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from openepa.domain.dates import add_working_days, is_working_day, working_days_between
from openepa.notifications.models import OutboxMessage
from openepa.results.models import OverallResult
from openepa.results.queries import plan_for
from tests.notifications.helpers import html_of, sent_to

pytestmark = pytest.mark.django_db
PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}


def test_released_results_go_to_the_apprentice_employer_and_provider(assessed, deliver):
    world, journey = assessed
    with deliver():
        result_id = journey.release(world.admin)
    emails = sent_to("Results of Ada Lovelace's end-point assessment: Fail")
    assert set(emails) == PARTIES
    assert len(mail.outbox) == 3  # the Fail's "resit due" step sends nothing more
    body = emails["erin@harbour.example"].body
    assert "Apprentice showcase: Distinction" in body
    assert "Practical observation: Fail" in body
    assert "Professional discussion: Distinction" in body
    assert "Overall: Fail" in body
    assert "Next step: resit or retake Practical observation." in body
    assert "All assessment methods taken by" in body  # NQual's 6 months (seed 004)
    assert "- NQual caps the EPA at Pass after a resit or retake" in body
    assert f"http://127.0.0.1:8000/results/{result_id}/" in body
    assert f'href="http://127.0.0.1:8000/results/{result_id}/"' in html_of(
        emails["ada@example.org"]
    )
    # The statement of results and the fail letter travel with it, as PDFs whose text is the
    # apprentice's result.
    attached = {name: content for name, content, _ in emails["ada@example.org"].attachments}
    assert sorted(n.split("-")[0] for n in attached) == ["fail", "statement"], attached.keys()
    for name, content in attached.items():
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert "Lovelace" in text, name
        assert "Fail" in text, name
    message = OutboxMessage.objects.get(recipient="ada@example.org", kind="results_issued")
    assert [a["mimetype"] for a in message.attachments] == ["application/pdf"] * 2
    # Each recipient may open the linked page.
    for user in (world.apprentice_user, world.employer_user, world.provider_user):
        assert journey.as_(user).get(f"/results/{result_id}/").status_code == 200


def test_the_resit_deadline_reminders_at_10_and_3_working_days(assessed, deliver):
    world, journey = assessed
    with deliver():
        result_id = journey.release(world.admin)
    plan = plan_for(OverallResult.objects.get(pk=result_id))
    assert plan is not None
    assert plan.next_deadline is not None
    deadline = plan.next_deadline
    mail.outbox.clear()

    # The deadline falls on a weekend or a bank holiday for some release days: count back
    # from the last working day on or before it, so the scan day is exactly that many
    # working days before it whatever today is.
    last_working_day = deadline if is_working_day(deadline) else add_working_days(deadline, -1)

    def scan(working_days_before: int) -> None:
        day = add_working_days(last_working_day, -working_days_before)
        assert working_days_between(day, deadline) == working_days_before
        with deliver():
            call_command("send_reminders", "--date", day.isoformat(), stdout=StringIO())

    scan(12)
    assert mail.outbox == []  # not yet
    scan(8)
    emails = sent_to("Resit or retake deadline")
    assert set(emails) == PARTIES
    body = emails["pat@coastal.example"].body
    assert "8 working days from today" in body
    assert "resit or retake (Practical observation)" in body
    assert "whole end-point assessment is taken again" in body
    mail.outbox.clear()
    scan(7)  # same threshold (10 days): already reminded
    assert mail.outbox == []
    scan(2)
    assert set(sent_to("Resit or retake deadline")) == PARTIES
    assert "2 working days from today" in mail.outbox[0].body
    mail.outbox.clear()
    scan(2)  # idempotent
    scan(1)
    assert mail.outbox == []
    assert OutboxMessage.objects.filter(kind="resit_deadline_approaching").count() == 6


def test_overdue_results_are_reported_to_the_epaos_admins_only(assessed, deliver):
    world, _journey = assessed
    result = OverallResult.objects.get(enrolment=world.enrolment, superseded_at__isnull=True)
    assert result.due_on is not None  # NQual: 10 working days (seed 004)
    with deliver():
        call_command("send_reminders", "--date", result.due_on.isoformat(), stdout=StringIO())
    assert mail.outbox == []  # the due date itself is still in time
    late = add_working_days(result.due_on, 2)
    with deliver():
        call_command("send_reminders", "--date", late.isoformat(), stdout=StringIO())
        call_command("send_reminders", "--date", late.isoformat(), stdout=StringIO())
    (email,) = mail.outbox
    assert email.to == ["admin@northern.example"]
    assert email.subject.startswith("Results overdue: Ada Lovelace (due ")
    assert "2 working days late" in email.body
    assert "Overall: Fail" in email.body
    assert f"http://127.0.0.1:8000/results/{result.pk}/" in email.body
