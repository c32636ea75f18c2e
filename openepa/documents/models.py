"""StoredDocument: a result's document rendered once and kept in the file store (Django's
default storage: a folder on disk, or S3-compatible object storage when configured), so that
every recipient's email and every download reuses the same PDF (issue 15 §4).

A document is keyed by its result, its kind and its content version: the SHA-256 of the
document's rendered words (openepa.documents.render.markup). Whatever changes the words — an
amendment re-grading the result, the release that dates it, a corrected name, a new
template — gives a new version and so a new PDF; nothing else does. Earlier versions stay
stored: an email that carried one still names it."""

from __future__ import annotations

from django.db import models

from openepa.results.models import OverallResult


class StoredDocument(models.Model):
    result = models.ForeignKey(
        OverallResult, on_delete=models.PROTECT, related_name="stored_documents"
    )
    #: The catalogue's kind code (openepa.results.catalogue: statement, record, ...).
    kind = models.CharField(max_length=20)
    #: SHA-256 (hex) of the rendered words the PDF was made from.
    version = models.CharField(max_length=64)
    #: The file's name in the default storage; derived from the key, never from user input.
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["result", "kind", "version"], name="one_stored_document_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of result {self.result_id} ({self.version[:12]})"
