"""Where an enrolment's certificate goes (issue 13 item 1): the employer's named contact
and address by default; the employer or the EPAO's admins may set another until the
certificate is requested. The postcode must be one the assessment service takes
(openepa.domain.assessment_service.postcode_problem)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.db import transaction

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.certificates.models import (
    ExportedRecord,
    ExportKind,
    PostalContact,
    RecordKind,
    RecordState,
    ServiceRecord,
)
from openepa.core.refusals import ActionRefused, check_version
from openepa.domain.assessment_service import postcode_problem
from openepa.domain.steps import CertificateStep
from openepa.enrolments.journey import lock_enrolment, record
from openepa.enrolments.models import Enrolment


@dataclass(frozen=True)
class PostalDetails:
    contact_name: str
    address_line1: str
    city: str
    postcode: str
    department: str = ""
    organisation: str = ""
    address_line2: str = ""
    address_line3: str = ""


def normal_postcode(text: str) -> str:
    """Upper case, one space between the outward and inward codes (as typed otherwise)."""
    compact = re.sub(r"\s+", "", text).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


#: The service's message for each required field (BatchCertificateRequestValidator.cs).
REQUIRED = (
    ("contact_name", "Provide a contact name"),
    ("address_line1", "Provide an address"),
    ("city", "Provide a city or town"),
)


def problems(details: PostalDetails) -> list[tuple[str, str]]:
    """(field, message) for each field the service would refuse."""
    found = [(name, message) for name, message in REQUIRED if not getattr(details, name).strip()]
    postcode = postcode_problem(normal_postcode(details.postcode))
    if postcode:
        found.append(("postcode", postcode))
    return found


def may_edit(user: User, enrolment: Enrolment) -> bool:
    held = roles_of(user)
    return enrolment.epao_id in held.orgs(Role.EPAO_ADMIN) or enrolment.employer_id in held.orgs(
        Role.EMPLOYER
    )


def requested(enrolment_id: int) -> bool:
    """Whether the certificate request has gone (to the service, or in a file)."""
    return (
        ServiceRecord.objects.filter(enrolment_id=enrolment_id, kind=RecordKind.CERTIFICATE)
        .exclude(state__in=(RecordState.TO_SEND, RecordState.REJECTED))
        .exists()
        or ExportedRecord.objects.filter(
            result__enrolment_id=enrolment_id, kind=ExportKind.CERTIFICATE
        ).exists()
    )


def do_set_postal_contact(
    *, actor: User, enrolment_id: int, details: PostalDetails, expected_version: int
) -> PostalContact:
    """Set where the certificate goes. `expected_version` is the contact's version when the
    form was opened (0 while it was the employer's default)."""
    with transaction.atomic():
        enrolment = lock_enrolment(enrolment_id)
        if not may_edit(actor, enrolment):
            raise ActionRefused("Only the employer or the EPAO's admins can change this address.")
        if requested(enrolment_id):
            raise ActionRefused(
                "The certificate has already been requested from the assessment service, so "
                "its address can no longer be changed here."
            )
        for field, message in problems(details):
            raise ActionRefused(message, field=field)
        contact = PostalContact.objects.select_for_update().filter(enrolment=enrolment).first()
        check_version(contact.version if contact else 0, expected_version)
        values = {k: v.strip() for k, v in asdict(details).items()}
        values["postcode"] = normal_postcode(values["postcode"])
        if contact is None:
            contact = PostalContact(enrolment=enrolment, version=0)
        for name, value in values.items():
            setattr(contact, name, value)
        contact.version += 1
        contact.updated_by = actor
        contact.save()
        # A rejected certificate request waits for this: send it again to use it.
        record(
            enrolment,
            actor=actor,
            action=CertificateStep.POSTAL_CONTACT_CHANGED,
            data={"postcode": contact.postcode},
        )
    return contact


def current_details(enrolment: Enrolment) -> tuple[PostalDetails, int]:
    """The details the form opens with, and their version (0: the employer's default)."""
    own = PostalContact.objects.filter(enrolment=enrolment).first()
    if own is not None:
        fields = {name: getattr(own, name) for name in PostalDetails.__dataclass_fields__}
        return PostalDetails(**fields), own.version
    employer = enrolment.employer
    return (
        PostalDetails(
            contact_name=employer.contact_name,
            department=employer.department,
            organisation=employer.name,
            address_line1=employer.address_line1,
            address_line2=employer.address_line2,
            address_line3=employer.address_line3,
            city=employer.city,
            postcode=employer.postcode,
        ),
        0,
    )
