"""access_* helpers: the only way an enrolment reaches a view. Anything the user may not
see is a 404, the same answer as for a missing id, so nothing leaks whether it exists."""

from __future__ import annotations

from collections.abc import Collection

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.enrolments.models import BulkUpload, Enrolment
from openepa.enrolments.queries import enrolments_for


def access_enrolment(
    user: User,
    enrolment_id: int,
    *,
    roles: Collection[Role] | None = None,
    apprentice: bool = True,
) -> Enrolment:
    """The enrolment if `user` may see it through one of `roles` (default: any role that
    sees enrolments) or, when `apprentice` is true, as the apprentice themselves; else
    Http404. One query: the role check is part of the scoped queryset."""
    try:
        return enrolments_for(user, roles=roles, apprentice=apprentice).get(pk=enrolment_id)
    except Enrolment.DoesNotExist:
        raise Http404("No such enrolment") from None


def access_bulk_upload(user: User, upload_id: int) -> BulkUpload:
    """A CSV upload's report, for the person who uploaded it only (it lists apprentices
    they named, some perhaps never registered); anyone else gets Http404."""
    try:
        return BulkUpload.objects.select_related("standard").get(
            pk=upload_id, uploaded_by_id=getattr(user, "pk", None)
        )
    except BulkUpload.DoesNotExist:
        raise Http404("No such upload") from None
