"""Where uploaded files live: Django's default storage (settings.STORAGES) — by default
OPENEPA_UPLOAD_ROOT, a folder outside the static files and the web root; an S3-compatible
bucket when configured (docs/DEPLOY.md) — reached only through the access-checked download
view."""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from dataclasses import dataclass

from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile

from openepa.domain.uploads import FileKind

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
