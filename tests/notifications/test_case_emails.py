"""An upheld enquiry about results notifies the parties (issue 5 §3): the decision, without
the grounds, and the re-issued results with the new statement attached."""

from __future__ import annotations

import pytest
from django.core import mail

from openepa.assessments.layout import outcome_field
from openepa.assessments.models import Attempt
from openepa.cases.models import Case
from tests.cases.helpers import GROUNDS, client_for, released

pytestmark = pytest.mark.django_db

PARTIES = {"ada@example.org", "erin@harbour.example", "pat@coastal.example"}


def test_an_upheld_enquiry_tells_the_parties_and_reissues_the_results(world, deliver):
    failed = released(world, {"showcase": "pass", "observation": "fail", "discussion": "pass"})
    admin = client_for(world.admin)
    client_for(world.apprentice_user).post(
        f"/cases/enrolment/{world.enrolment.pk}/new",
        {"kind": "enquiry", "subject": f"result:{failed.pk}", "grounds": GROUNDS},
    )
    case = Case.objects.get()
    admin.post(
        f"/cases/{case.pk}/review",
        {"reviewer": world.second_assessor.pk, "panel": [], "version": case.version},
    )
    case.refresh_from_db()
    mail.outbox.clear()
    with deliver():
        admin.post(
            f"/cases/{case.pk}/decide",
            {"decision": "upheld", "reason": "Evidenced in the recording", "version": case.version},
        )
    decided = {m.to[0]: m for m in mail.outbox}
    assert set(decided) == PARTIES
    for message in decided.values():
        assert (
            message.subject
            == "Enquiry or appeal decided: Ada Lovelace, ST0072 Customer Service Practitioner"
        )
        assert GROUNDS not in message.body
        assert GROUNDS not in str(message.message())

    observation = Attempt.objects.get(pk__in=failed.attempt_ids, method="observation")
    code = observation.judgements.filter(outcome="not_met").order_by("id")[0].criterion_code
    mail.outbox.clear()
    with deliver():
        response = admin.post(
            f"/cases/{case.pk}/amend/{observation.pk}",
            {outcome_field(code): "met", "version": observation.version},
        )
    assert response.status_code == 302
    reissued = {m.to[0]: m for m in mail.outbox if "re-issued" in m.subject}
    assert set(reissued) == PARTIES
    email = reissued["ada@example.org"]
    assert "These results replace the ones issued before." in email.body
    assert "Overall: Pass" in email.body
    names = sorted(name.split("-")[0] for name, _, _ in email.attachments)
    assert names == ["record", "statement"]
