"""A result's documents rendered once and reused (issue 15 §4): ``document_for`` renders the
document's words, and turns them into a PDF only when no PDF of those words is stored yet;
``read`` gives a stored PDF's bytes back. Emails (openepa.notifications) and downloads
(openepa.documents.views) both go through here, so releasing a result renders each of its
documents once, whatever the number of recipients and downloads.

Files go through Django's default storage (settings.STORAGES): a folder on this machine by
default, S3-compatible object storage when configured (docs/DEPLOY.md), so several web and
worker processes on different hosts share them. The file name is the key itself, and
rendering is deterministic (the same words give the same bytes), so two workers rendering
the same document at once write the same file and one row."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from openepa.documents import render
from openepa.documents.markup import to_pdf
from openepa.documents.models import StoredDocument
from openepa.results.catalogue import Kind
from openepa.results.models import OverallResult

FOLDER = "documents"


def version_of(words: str) -> str:
    """The content version: SHA-256 of the rendered words."""
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def file_name(result_id: int, kind: Kind, version: str) -> str:
    return f"{FOLDER}/{result_id}/{kind.code}-{version}.pdf"


def document_for(kind: Kind, result: OverallResult) -> StoredDocument:
    """The stored PDF of this document as the result now stands, rendered and stored first
    if its words changed since (or it was never rendered). Raises render.NotApplicable for
    a document the result does not have."""
    words = render.markup(kind, result)
    version = version_of(words)
    found = StoredDocument.objects.filter(result=result, kind=kind.code, version=version).first()
    if found is not None:
        return found
    pdf = to_pdf(words)
    name = file_name(result.pk, kind, version)
    if default_storage.exists(name) and default_storage.size(name) != len(pdf):
        default_storage.delete(name)  # a write cut short by a worker that died
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(pdf))
    try:
        with transaction.atomic():  # looked for just now: insert, no second look first
            return StoredDocument.objects.create(
                result=result, kind=kind.code, version=version, name=name, size=len(pdf)
            )
    except IntegrityError:  # another worker stored the same document meanwhile
        return StoredDocument.objects.get(result=result, kind=kind.code, version=version)


def read(document: StoredDocument) -> bytes:
    with default_storage.open(document.name, "rb") as stored:
        content: bytes = stored.read()
    return content
