"""access_document: who may download a result's document. Exactly who may see the result
(openepa.results.access.access_result: the EPAO's admins always; the apprentice, employer
and provider once released), and only a document the result has; anything else is a 404,
the same answer as a missing id."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import User
from openepa.results.access import access_result
from openepa.results.catalogue import Kind
from openepa.results.models import OverallResult


def access_document(user: User, result_id: int, kind: Kind) -> OverallResult:
    result = access_result(user, result_id)
    if not kind.applies_to(result):
        raise Http404("No such document")
    return result
