"""Uploaded files, the same for every context that takes them (showcase evidence, gateway
documents): the checks (size, type by content, a Word or PowerPoint package that opens),
where they live and the access-checked download's response.

Files live in Django's default storage (settings.STORAGES): by default OPENEPA_UPLOAD_ROOT, a
folder outside the static files and the web root; an S3-compatible bucket when configured
(docs/DEPLOY.md). Either way they are reached only through a view that checks access first."""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from openepa.core.refusals import ActionRefused
from openepa.domain.uploads import FileKind, kind_for, upload_problems

#: Enough of the file to recognise every accepted signature.
HEAD_BYTES = 16


def storage() -> Storage:
    # Never served by a web server directly: the files have no public URL.
    return default_storage


def head_of(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    head: bytes = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def is_office_package(upload: UploadedFile[bytes]) -> bool:
    """A .docx/.pptx is a ZIP package with a [Content_Types].xml part (ECMA-376 Part 2)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            return "[Content_Types].xml" in package.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def checked_kind(
    upload: UploadedFile[bytes], *, held: int = 0, max_files: int | None = None
) -> FileKind:
    """The kind of an acceptable upload; else ActionRefused on the field "file" naming every
    problem (empty, too large, not what its name says, a broken Office package, too many)."""
    name = upload.name or ""
    head = head_of(upload)
    problems = upload_problems(
        name=name,
        size=upload.size or 0,
        head=head,
        max_bytes=settings.OPENEPA_UPLOAD_MAX_BYTES,
        held=held,
        max_files=max_files,
    )
    kind = kind_for(name, head)
    if kind is not None and kind.signature.startswith(b"PK") and not is_office_package(upload):
        problems.append(f"{name!r} is not a Word or PowerPoint file: its package is broken.")
    if problems or kind is None:
        raise ActionRefused(" ".join(problems), field="file")
    return kind


@dataclass(frozen=True)
class Stored:
    name: str
    sha256: str


def store(upload: UploadedFile[bytes], kind: FileKind) -> Stored:
    """Write the upload under a random name (never the user's) and hash it."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    token = secrets.token_hex(16)
    name = storage().save(f"{token[:2]}/{token}{kind.extensions[0]}", upload)
    return Stored(name, digest.hexdigest())


def discard(name: str) -> None:
    storage().delete(name)


def download(stored_name: str, filename: str, content_type: str) -> FileResponse:
    """The file as an attachment: never rendered inline, never sniffed into something
    else, never cached by a proxy. Call it only after the access check."""
    response = FileResponse(
        storage().open(stored_name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
