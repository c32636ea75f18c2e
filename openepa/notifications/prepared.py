"""Downloads prepared in the background (openepa.core.downloads): the worker's writing of
the file, the notice that it is ready, and the daily deletion of old files.

`prepare` runs as the task `prepare_download` and may run twice with one effect: a
download already ready (or expired) is left alone; one marked "preparing" by a worker that
died is written again. Each run writes its own file (`downloads/<id>/<run>-<name>`), so two
runs at once never write into one file; the first to finish records its file and the other
deletes its own. The rows are rebuilt from the recorded source and query string as the
user who asked, so the file holds what that user may see when it runs; a user who may no
longer see the list gets a failed download, not the rows."""

from __future__ import annotations

import logging
import tempfile
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from openepa.accounts.downloads import SOURCES
from openepa.core.downloads import FORMAT_WORDS
from openepa.notifications.models import PreparedDownload
from openepa.notifications.notices import add_own_notice

logger = logging.getLogger(__name__)

FOLDER = "downloads"
#: Files up to this size are written in memory before they are stored; larger ones in a
#: temporary file on disk (the whole audit log at 100,000 apprentices is some 173 MB).
IN_MEMORY = 8 * 1024 * 1024

State = PreparedDownload.State

NOT_PERMITTED = (
    "You may no longer see this list (your role changed after you asked for it), "
    "so nothing was written."
)
BROKEN = "Something went wrong while it was prepared. Ask for it again; if it fails again, "
BROKEN += "tell your administrator (the worker's log records the error)."


def folder(download_id: int) -> str:
    return f"{FOLDER}/{download_id}"


def page_of(download_id: int) -> str:
    return reverse("notifications:download", kwargs={"download_id": download_id})


def prepare(download_id: int) -> str:
    """Write the download's file unless it is ready already; the state it ends in."""
    with transaction.atomic():
        download = (
            PreparedDownload.objects.select_for_update()
            .select_related("user")
            .filter(pk=download_id)
            .first()
        )
        if download is None:
            return "gone"
        if download.state in (State.READY, State.EXPIRED):
            return download.state
        download.state, download.started_at = State.PREPARING, timezone.now()
        download.save(update_fields=["state", "started_at"])
    try:
        listing = SOURCES.build(download.source, download.user, QueryDict(download.query))
        name = f"{folder(download.pk)}/{uuid.uuid4().hex[:8]}-{listing.file_name(download.fmt)}"
        with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY) as spool:
            for piece in listing.pieces(download.fmt):
                spool.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
            size = spool.tell()
            spool.seek(0)
            name = default_storage.save(name, File(spool, name=name))
    except Http404:
        return _finish_failed(download.pk, NOT_PERMITTED)
    except Exception:
        logger.exception("Download %s (%s) could not be prepared", download.pk, download.source)
        _finish_failed(download.pk, BROKEN)
        raise
    return _finish_ready(download.pk, name, rows=listing.rows_read, size=size)


def _finish_ready(download_id: int, name: str, *, rows: int, size: int) -> str:
    with transaction.atomic():
        download = PreparedDownload.objects.select_for_update().get(pk=download_id)
        if download.state != State.PREPARING:
            # Another run finished first (or it expired meanwhile): its file stands.
            transaction.on_commit(lambda: default_storage.delete(name))
            return download.state
        download.state, download.name = State.READY, name
        download.rows, download.size, download.error = rows, size, ""
        download.ready_at = timezone.now()
        if download.notice_id is None:
            words = FORMAT_WORDS.get(download.fmt, download.fmt)
            download.notice = add_own_notice(
                download.user_id,
                kind="download_ready",
                title=f"Your download is ready: {download.title} ({words}, {rows:,} rows)",
                url=page_of(download.pk),
            )
        download.save()
    return State.READY


def _finish_failed(download_id: int, error: str) -> str:
    with transaction.atomic():
        download = PreparedDownload.objects.select_for_update().get(pk=download_id)
        if download.state != State.PREPARING:
            return download.state
        download.state, download.error = State.FAILED, error
        if download.notice_id is None:
            download.notice = add_own_notice(
                download.user_id,
                kind="download_failed",
                title=f"Your download could not be prepared: {download.title}",
                url=page_of(download.pk),
            )
        download.save(update_fields=["state", "error", "notice"])
    return State.FAILED


def delete_files(download_id: int) -> None:
    """Every file a run of this download wrote (a run that died leaves its own)."""
    try:
        _folders, files = default_storage.listdir(folder(download_id))
    except FileNotFoundError:
        return
    for file in files:
        default_storage.delete(f"{folder(download_id)}/{file}")


def expire(now: datetime) -> int:
    """Delete the files ready longer than OPENEPA_DOWNLOAD_KEEP_DAYS ago (the daily work);
    their rows stay, "expired", so their pages say so. How many were deleted."""
    cutoff = now - timedelta(days=settings.OPENEPA_DOWNLOAD_KEEP_DAYS)
    old = PreparedDownload.objects.filter(state=State.READY, ready_at__lt=cutoff)
    done = 0
    for download_id in old.values_list("pk", flat=True).iterator():
        delete_files(download_id)
        PreparedDownload.objects.filter(pk=download_id, state=State.READY).update(
            state=State.EXPIRED, name=""
        )
        done += 1
    return done
