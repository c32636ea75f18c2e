"""Downloads prepared in the background (openepa.core.downloads): asking for one (a POST
from the page a long list's download answers with), its page, its file, and the user's
recent downloads. Each is its requester's alone: anyone else gets a 404."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openepa.accounts.requests import AuthenticatedRequest
from openepa.core.downloads import FORMAT_WORDS
from openepa.core.exports import content_type
from openepa.core.refusals import ActionRefused
from openepa.notifications import actions, queries
from openepa.notifications.access import access_download
from openepa.notifications.models import PreparedDownload


@login_required
@require_POST
def prepare(request: AuthenticatedRequest) -> HttpResponse:
    try:
        download = actions.do_prepare_download(
            actor=request.user,
            source=request.POST.get("source", ""),
            fmt=request.POST.get("fmt", ""),
            query=request.POST.get("query", ""),
        )
    except ActionRefused as refused:
        return render(request, "notifications/download_refused.html", {"refused": refused})
    return redirect("notifications:download", download_id=download.pk)


@login_required
def downloads(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "notifications/downloads.html",
        {
            "downloads": list(queries.recent_downloads(request.user)),
            "shown_up_to": queries.RECENT_DOWNLOADS,
            "keep_days": settings.OPENEPA_DOWNLOAD_KEEP_DAYS,
        },
    )


@login_required
def download(request: AuthenticatedRequest, download_id: int) -> HttpResponse:
    found = access_download(request.user, download_id)
    keep = timedelta(days=settings.OPENEPA_DOWNLOAD_KEEP_DAYS)
    return render(
        request,
        "notifications/download.html",
        {
            "download": found,
            "keep_days": settings.OPENEPA_DOWNLOAD_KEEP_DAYS,
            "expires_at": found.ready_at + keep if found.ready_at else None,
            "State": PreparedDownload.State,
            "format_words": FORMAT_WORDS.get(found.fmt, found.fmt),
        },
    )


@login_required
def download_file(request: AuthenticatedRequest, download_id: int) -> HttpResponseBase:
    """The file, streamed from the default storage; a download not ready (or deleted
    after its time) goes to its page, which says why."""
    found = access_download(request.user, download_id)
    if found.state != PreparedDownload.State.READY or not found.name:
        return redirect("notifications:download", download_id=found.pk)
    return FileResponse(
        default_storage.open(found.name, "rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=content_type(found.fmt),
    )
