from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from openepa.accounts.roles import roles_of
from openepa.organisations.queries import epaos
from openepa.policies.loader import all_policies
from openepa.reference.queries import policies, standards_with_counts
from openepa.standards.loader import all_standards
from openepa.web.dashboards import charts_for, figures_for, sections_for


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the role's home page of what needs attention. Otherwise: what OpenEPA is."""
    if request.user.is_authenticated:
        return render(
            request,
            "web/dashboard.html",
            {
                "roles": roles_of(request.user).names,
                "figures": figures_for(request.user),
                "charts": charts_for(request.user),
                "sections": sections_for(request.user),
            },
        )
    loaded_policies = all_policies()
    return render(
        request,
        "web/home.html",
        {
            "epaos": epaos(),
            "standards": standards_with_counts(),
            "standard_files": all_standards().values(),
            "policies": [(row, loaded_policies.get(row.code)) for row in policies()],
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
