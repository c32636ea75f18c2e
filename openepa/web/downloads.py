"""The audit log's download source (openepa.core.downloads): the log as filtered, every
entry, newest first, merged from its four tables as `audit.every_entry` reads it; counted
table by table up to the limit."""

from __future__ import annotations

from django.http import Http404, QueryDict

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.core.downloads import Listing
from openepa.web.audit import COLUMNS, merged_sources
from openepa.web.forms import AuditFilterForm


@SOURCES.register("audit-log")
def audit_log(user: User, params: QueryDict) -> Listing:
    if not roles_of(user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")
    entries, tables = merged_sources(user, AuditFilterForm(params).filters())
    return Listing(
        filename="audit-log", title="Audit log", columns=COLUMNS, rows=entries, counted=tables
    )
