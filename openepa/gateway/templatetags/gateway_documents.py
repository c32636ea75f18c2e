"""{% gateway_documents enrolment %}: the apprentice's gateway documents on the pages of
those who check a decision (the IQA's sample, an enquiry or appeal, the admin's amendment),
one line on each page. Shown only to someone who may open them (openepa.gateway.access)."""

from __future__ import annotations

from django import template

from openepa.enrolments.models import Enrolment
from openepa.gateway.access import may_read_documents
from openepa.gateway.queries import gateway_documents as documents_of

register = template.Library()


@register.inclusion_tag("gateway/includes/gateway_documents.html", takes_context=True)
def gateway_documents(context: dict[str, object], enrolment: Enrolment) -> dict[str, object]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_read_documents(user, enrolment):
        return {"shown": False}
    return {"shown": True, "enrolment": enrolment, "gateway": documents_of(enrolment)}
