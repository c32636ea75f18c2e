"""access_batch and access_exporting_epao: the only ways a batch or an EPAO's export reaches
a view. Anything outside the user's EPAOs is a 404, the same answer as a missing id."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import is_epao_admin, roles_of
from openepa.certificates.models import ExportBatch
from openepa.organisations.models import Organisation


def access_batch(user: User, batch_id: int) -> ExportBatch:
    """A batch of one of the user's EPAOs, for its admins only (it carries ULNs and grades
    of every apprentice in it)."""
    batch = (
        ExportBatch.objects.filter(pk=batch_id, epao_id__in=roles_of(user).orgs(Role.EPAO_ADMIN))
        .select_related("epao")
        .first()
    )
    if batch is None:
        raise Http404("No such export")
    return batch


def access_exporting_epao(user: User, epao_id: int) -> Organisation:
    """An EPAO the user is an admin of."""
    if not is_epao_admin(user, epao_id):
        raise Http404("No such organisation")
    epao = Organisation.objects.filter(pk=epao_id, kind=Organisation.Kind.EPAO).first()
    if epao is None:
        raise Http404("No such organisation")
    return epao
