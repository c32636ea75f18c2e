"""Who keeps an organisation's details (openepa.organisations.details) and their page:
an employer's or provider's users, an EPAO's admins (issue 13 item 1). Here, above the
organisations context, because it reads people's roles."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.refusals import ActionRefused
from openepa.organisations.details import Details, problems
from openepa.organisations.models import Organisation

#: Who keeps each kind of organisation's details.
KEEPERS = {
    Organisation.Kind.EPAO: Role.EPAO_ADMIN,
    Organisation.Kind.EMPLOYER: Role.EMPLOYER,
    Organisation.Kind.PROVIDER: Role.PROVIDER,
}


def kept_by(user: User) -> QuerySet[Organisation]:
    """The organisations whose details the user keeps."""
    held = roles_of(user)
    ids = {org for kind, role in KEEPERS.items() for org in held.orgs(role)}
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def access_kept(user: User, organisation_id: int) -> Organisation:
    """An organisation the user keeps; anything else is a 404."""
    found = kept_by(user).filter(pk=organisation_id).first()
    if found is None or roles_of(user).orgs(KEEPERS[Organisation.Kind(found.kind)]).isdisjoint(
        {found.pk}
    ):
        raise Http404("No such organisation")
    return found


def do_update_organisation_details(
    *, actor: User, organisation_id: int, details: Details
) -> Organisation:
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if organisation is None or organisation.pk not in roles_of(actor).orgs(
            KEEPERS[Organisation.Kind(organisation.kind)]
        ):
            raise ActionRefused("Only the organisation's own people can change its details.")
        for field, message in problems(details, organisation.kind):
            raise ActionRefused(message, field=field)
        for name, value in asdict(details).items():
            value = value.strip()
            if name in ("postcode", "register_id"):
                value = value.upper()
            setattr(organisation, name, value)
        organisation.save()
    return organisation
