from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render

from openepa.accounts.downloads import SOURCES
from openepa.accounts.models import Role
from openepa.accounts.requests import AuthenticatedRequest
from openepa.accounts.roles import roles_of
from openepa.core import keyset
from openepa.core.kept import changed_at, recounted_every
from openepa.domain.search import MIN_WORD, parse
from openepa.organisations.queries import epaos
from openepa.policies.loader import all_policies
from openepa.reference.queries import policies, standards_with_counts
from openepa.standards.loader import all_standards
from openepa.web.audit import log_page
from openepa.web.dashboards import home_for
from openepa.web.forms import AuditFilterForm
from openepa.web.search import may_search, search


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the role's home page of what needs attention. Otherwise: what OpenEPA is."""
    if request.user.is_authenticated:
        page = home_for(request.user, changed_at(request))
        return render(
            request,
            "web/dashboard.html",
            {
                "roles": roles_of(request.user).names,
                "figures": page.figures,
                "charts": page.charts,
                "counted_at": page.counted_at,
                "recounted_every": recounted_every(),
                "sections": page.sections,
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


@login_required
def search_page(request: AuthenticatedRequest) -> HttpResponse:
    """The header search's results, grouped by kind (issue 17 §3): a GET form, so it works
    without JavaScript and every search is a link."""
    if not may_search(request.user):
        raise Http404("No such page")
    terms = parse(request.GET.get("q", "")[:200])
    return render(
        request,
        "web/search.html",
        {"results": search(request.user, terms), "terms": terms, "min_word": MIN_WORD},
    )


def _admin_only(request: AuthenticatedRequest) -> None:
    if not roles_of(request.user).has(Role.EPAO_ADMIN):
        raise Http404("No such page")


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """The EPAO's audit log for its admins: searchable, a page at a time (keyset)."""
    _admin_only(request)
    form = AuditFilterForm(request.GET)
    page = log_page(request.user, form.filters(), request.GET.get(keyset.AFTER))
    return render(request, "web/audit.html", {"form": form, "log": page})


@login_required
def audit_export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    """The audit log as filtered, every entry, as CSV or XLSX."""
    return SOURCES.download(request, request.user, "audit-log", fmt)
