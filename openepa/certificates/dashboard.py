"""Home-page section of the certificates context: how many released results wait to be
exported as certificate requests or EPA records, for the EPAO's admins."""

from __future__ import annotations

from django.urls import reverse

from openepa.accounts.models import Role, User
from openepa.accounts.roles import roles_of
from openepa.certificates.models import ExportKind
from openepa.certificates.queries import more_than_cap, ready_counts_for
from openepa.core.figures import Figure
from openepa.core.paging import CAP
from openepa.core.sections import Section


def sections(user: User) -> list[Section]:
    if not roles_of(user).has(Role.EPAO_ADMIN):
        return []
    counts = ready_counts_for(user)
    if not any(counts.values()):
        return []
    return [
        {
            "title": "Certificates to request",
            "template": "certificates/dashboard_ready.html",
            "context": {
                "certificates": counts[ExportKind.CERTIFICATE],
                "epa_records": counts[ExportKind.EPA],
                "more_than": CAP if more_than_cap(counts) else None,
            },
            "empty": "",
        }
    ]


def figures(user: User) -> list[Figure]:
    """The admin's figure: released results whose certificate is ready to request."""
    if not roles_of(user).has(Role.EPAO_ADMIN):
        return []
    counts = ready_counts_for(user)
    epa = counts[ExportKind.EPA]
    detail = f"and {epa} EPA record{'' if epa == 1 else 's'} to send" if epa else ""
    return [
        Figure(
            "certificates ready to request",
            counts[ExportKind.CERTIFICATE],
            reverse("certificates:list"),
            detail,
        )
    ]
