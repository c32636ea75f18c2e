from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from openepa.organisations.queries import epaos
from openepa.policies.loader import all_policies
from openepa.reference.queries import policies, standards_with_counts
from openepa.standards.loader import all_standards


def home(request: HttpRequest) -> HttpResponse:
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
