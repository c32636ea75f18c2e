"""A bulk run reaches a page only for an admin of every EPAO its rows belong to; anyone
else gets a 404."""

from __future__ import annotations

from django.http import Http404

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.bulk.models import BulkRun


def access_run(user: User, run_id: int) -> BulkRun:
    run = BulkRun.objects.filter(pk=run_id).first()
    admin_of = roles_of(user).orgs(Role.EPAO_ADMIN)
    if run is None or not admin_of or not set(run.epao_ids) <= admin_of:
        raise Http404("No such bulk run")
    return run
