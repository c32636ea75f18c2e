"""access_gateway_document: a gateway document reaches a view only for those who prepare,
decide or check the gateway (a 404 for anyone else, the same answer as a missing id).

Who may open one: the apprentice's employer and training provider, who prepare it; the
EPAO's admins, who review it; the EPAO's IQAs, who quality-assure the decisions that
followed it; and a reviewer or panel member of an enquiry or appeal about the apprentice
(openepa.gateway.hooks). Not the apprentice (the gateway pages are the employer's and the
provider's), nor an assessor."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.enrolments.access import access_enrolment
from openepa.enrolments.models import Enrolment
from openepa.gateway.hooks import may_read_as_checker
from openepa.gateway.models import GatewayItem

#: Who sees the gateway documents through their role on the enrolment.
DOCUMENT_ROLES = frozenset({Role.EPAO_ADMIN, Role.IQA, Role.EMPLOYER, Role.PROVIDER})


def may_read_documents(user: User, enrolment: Enrolment) -> bool:
    try:
        access_enrolment(user, enrolment.pk, roles=DOCUMENT_ROLES, apprentice=False)
    except Http404:
        return may_read_as_checker(user, enrolment.pk)
    return True


def access_gateway_document(user: User, item_id: int) -> GatewayItem:
    item = (
        GatewayItem.objects.filter(
            pk=item_id, kind=GatewayItem.Kind.DOCUMENT, withdrawn_at__isnull=True
        )
        .select_related("enrolment")
        .first()
    )
    if item is None or not may_read_documents(user, item.enrolment):
        raise Http404("No such document")
    return item
