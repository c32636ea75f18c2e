"""Where the certificate goes (issue 13 item 1): the employer's contact by default; the
employer or the EPAO's admins change it before the request, with a UK postcode the
service takes; concurrent edits are refused; nobody else reaches the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openepa.certificates.actions import do_export_certificate_requests
from openepa.certificates.contacts import PostalDetails, do_set_postal_contact
from openepa.certificates.models import PostalContact
from openepa.core.refusals import ActionRefused, StaleEdit
from openepa.enrolments.models import JourneyEvent
from tests.certificates.helpers import released, with_address

pytestmark = pytest.mark.django_db

FORM = {
    "version": 0,
    "contact_name": "Sam Site Manager",
    "department": "Training",
    "organisation": "Harbour Bank Leeds",
    "address_line1": "2 Dock Road",
    "city": "Leeds",
    "postcode": "ls11 5wb",
}


def url(world) -> str:
    return reverse("certificates:postal_contact", kwargs={"enrolment_id": world.enrolment.pk})


def test_the_form_opens_with_the_employers_contact_and_the_employer_changes_it(world, client):
    with_address(world.employer)
    client.force_login(world.employer_user)
    page = client.get(url(world)).content.decode()
    assert "It is the employer’s contact and address until you change it here." in page
    assert 'value="Erin Employer"' in page
    assert 'value="LS1 4AP"' in page
    response = client.post(url(world), FORM, follow=True)
    assert "certificate will go to Sam Site Manager, LS11 5WB" in response.content.decode()
    contact = PostalContact.objects.get(enrolment=world.enrolment)
    assert (contact.postcode, contact.version, contact.updated_by) == (
        "LS11 5WB",
        1,
        world.employer_user,
    )
    assert JourneyEvent.objects.filter(action="postal_contact_changed").count() == 1
    timeline = client.get(f"/enrolments/{world.enrolment.pk}/").content.decode()
    assert "certificate address was changed by" in timeline
    assert "Where the certificate goes" in timeline


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "LS1", "Provide a valid UK postcode"),
        ("postcode", "QX1 1AA", "Provide a valid UK postcode"),
        ("postcode", "", "Provide a postcode"),
        ("contact_name", " ", "Provide a contact name"),
        ("address_line1", "", "Provide an address"),
        ("city", "", "Provide a city or town"),
    ],
)
def test_what_the_service_would_refuse_is_refused_on_its_field(
    world, client, template_contexts, field, value, message
):
    client.force_login(world.admin)
    response = client.post(url(world), {**FORM, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Error:" in response.content.decode()
    assert response.context["form"].errors[field] == [message]
    assert not PostalContact.objects.exists()


def test_a_concurrent_edit_is_refused(world, client):
    client.force_login(world.admin)
    client.post(url(world), FORM)
    response = client.post(url(world), {**FORM, "city": "York"})  # opened at version 0
    assert "changed by someone else" in response.content.decode()
    assert PostalContact.objects.get().city == "Leeds"


def test_nobody_else_reaches_it(world, client):
    for name in (
        "assessor",
        "iqa",
        "provider",
        "apprentice",
        "outsider_admin",
        "outsider_employer",
    ):
        client.force_login(world.personas()[name])
        assert client.get(url(world)).status_code == 404, name
        assert client.post(url(world), FORM).status_code == 404, name
    assert not PostalContact.objects.exists()


def test_after_the_request_the_address_is_fixed(world):
    with_address(world.employer)
    released(world, world.enrolment, "pass", start=timezone.localdate() - timedelta(days=20))
    do_export_certificate_requests(actor=world.admin, epao_id=world.epao.pk)
    details = PostalDetails("Sam", "2 Dock Road", "Leeds", "LS11 5WB")
    with pytest.raises(ActionRefused, match="already been requested"):
        do_set_postal_contact(
            actor=world.admin, enrolment_id=world.enrolment.pk, details=details, expected_version=0
        )


def test_the_action_checks_who_and_the_version(world):
    details = PostalDetails("Sam", "2 Dock Road", "Leeds", "LS11 5WB")
    with pytest.raises(ActionRefused, match="Only the employer or the EPAO's admins"):
        do_set_postal_contact(
            actor=world.provider_user,
            enrolment_id=world.enrolment.pk,
            details=details,
            expected_version=0,
        )
    with pytest.raises(StaleEdit):
        do_set_postal_contact(
            actor=world.admin, enrolment_id=world.enrolment.pk, details=details, expected_version=3
        )
