"""An organisation's contact, address and reference numbers, kept by its own people
(issue 13 item 1): an employer's address becomes its apprentices' certificate address."""

from __future__ import annotations

import pytest

from openepa.accounts.organisation_details import do_update_organisation_details
from openepa.certificates import records
from openepa.core.refusals import ActionRefused
from openepa.organisations.details import Details

pytestmark = pytest.mark.django_db

FORM = {
    "contact_name": "Erin Employer",
    "address_line1": "1 Harbour Street",
    "city": "Hull",
    "postcode": "hu1 1nq",
    "ukprn": "",
}


def test_the_employer_keeps_its_address_and_certificates_go_there(world, client):
    client.force_login(world.employer_user)
    listing = client.get("/organisations/").content.decode()
    assert "Harbour" in listing
    assert "no address yet" in listing
    url = f"/organisations/{world.employer.pk}/"
    assert "EPAO register number" not in client.get(url).content.decode()
    response = client.post(url, FORM, follow=True)
    assert "details are saved" in response.content.decode()
    world.employer.refresh_from_db()
    assert world.employer.postcode == "HU1 1NQ"
    contact = records.postal_contact(world.enrolment.__class__.objects.get(pk=world.enrolment.pk))
    assert contact["postCode"] == "HU1 1NQ"
    assert contact["organisation"] == world.employer.name


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "HU1", "Provide a valid UK postcode, for example LS1 4AP."),
        ("city", "", "Give the first line, the city or town and the postcode."),
        ("ukprn", "1234", "A UKPRN is 8 numbers starting with 1"),
    ],
)
def test_bad_details_are_refused_on_their_field(world, client, field, value, message):
    client.force_login(world.provider_user)
    response = client.post(f"/organisations/{world.provider.pk}/", {**FORM, field: value})
    assert message in response.content.decode()
    world.provider.refresh_from_db()
    assert world.provider.postcode == ""


def test_the_epao_keeps_its_register_number_and_ukprn(world, client):
    client.force_login(world.admin)
    url = f"/organisations/{world.epao.pk}/"
    bad = client.post(url, {**FORM, "register_id": "EP1"})
    assert "The register number is EPA and 4 numbers" in bad.content.decode()
    client.post(url, {**FORM, "register_id": "epa0042", "ukprn": "10012345"})
    world.epao.refresh_from_db()
    assert (world.epao.register_id, world.epao.ukprn) == ("EPA0042", "10012345")


def test_nobody_else_reaches_an_organisations_details(world, client):
    for name in ("assessor", "iqa", "provider", "apprentice", "outsider_employer", "admin"):
        client.force_login(world.personas()[name])
        assert client.get(f"/organisations/{world.employer.pk}/").status_code == 404, name
        assert client.post(f"/organisations/{world.employer.pk}/", FORM).status_code == 404
    world.employer.refresh_from_db()
    assert world.employer.postcode == ""
    with pytest.raises(ActionRefused, match="Only the organisation's own people"):
        do_update_organisation_details(
            actor=world.admin, organisation_id=world.employer.pk, details=Details(city="York")
        )
