"""An organisation's named contact, postal address and reference numbers (issue 13 item 1),
and the rules they follow. The assessment service needs them: an employer's address is where
its apprentices' certificates go by default; a provider's UKPRN and the EPAO's register
number identify them there. Who keeps them, and the page where they do, belong to the
accounts context (openepa.accounts.organisation_details), which knows people's roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openepa.domain.assessment_service import postcode_problem
from openepa.organisations.models import Organisation

#: A UKPRN is 8 digits starting with 1 (the UK Register of Learning Providers'
#: numbering; the service checks "The UKPRN should contain exactly 8 numbers",
#: Validators/ExternalApi/*/Batch*RequestValidator.cs of SkillsFundingAgency/das-assessor-
#: service). The EPAO register's numbers are EPA and four digits (EPA0001).
UKPRN = re.compile(r"^1[0-9]{7}$")
REGISTER_ID = re.compile(r"^EPA[0-9]{4}$")


@dataclass(frozen=True)
class Details:
    contact_name: str = ""
    department: str = ""
    address_line1: str = ""
    address_line2: str = ""
    address_line3: str = ""
    city: str = ""
    postcode: str = ""
    ukprn: str = ""
    register_id: str = ""


def problems(details: Details, kind: str) -> list[tuple[str, str]]:
    """(field, message) for each detail that would not do."""
    found = []
    if details.postcode.strip():
        problem = postcode_problem(details.postcode.strip().upper())
        if problem:
            found.append(("postcode", f"{problem}, for example LS1 4AP."))
    address = (details.address_line1, details.city, details.postcode)
    if any(v.strip() for v in address) and not all(v.strip() for v in address):
        for name, value in zip(("address_line1", "city", "postcode"), address, strict=True):
            if not value.strip():
                found.append((name, "Give the first line, the city or town and the postcode."))
    if details.ukprn and not UKPRN.match(details.ukprn.strip()):
        found.append(("ukprn", "A UKPRN is 8 numbers starting with 1, for example 10012345."))
    if details.register_id and kind != Organisation.Kind.EPAO:
        found.append(("register_id", "Only an end-point assessment organisation has one."))
    elif details.register_id and not REGISTER_ID.match(details.register_id.strip().upper()):
        found.append(("register_id", "The register number is EPA and 4 numbers, e.g. EPA0001."))
    return found
