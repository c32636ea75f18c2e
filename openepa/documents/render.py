"""The PDF of each document of a result, rendered from its template
(``templates/documents/pdf/``) through openepa.documents.markup.

These functions do not check who is asking: the download views go through
openepa.documents.access first, and the emails send a document only to the parties the
result is released to. Each raises ``NotApplicable`` for a result that does not have that
document (a record of achievement for a Fail, a fail letter for a Pass), and
``OverallResult.DoesNotExist`` for a missing id.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from openepa.documents import content
from openepa.documents.markup import to_pdf
from openepa.results.catalogue import Kind
from openepa.results.models import OverallResult


class NotApplicable(ValueError):
    """The result does not have this document (seed 000 §3: a record of achievement for a
    Pass or Distinction, next steps for a Fail)."""


def load(result_id: int) -> OverallResult:
    return OverallResult.objects.select_related(
        "enrolment__apprentice",
        "enrolment__epao",
        "enrolment__employer",
        "enrolment__provider",
        "enrolment__policy",
        "enrolment__standard",
        "released_by",
    ).get(pk=result_id)


def markup(kind: Kind, result: OverallResult) -> str:
    """The rendered template: the document's words, before they become a PDF."""
    if not kind.applies_to(result):
        raise NotApplicable(f"A {result.get_grade_display()} result has no {kind.title.lower()}.")
    return render_to_string(kind.template, content.context(result, kind.prefix))


def render(kind: Kind, result: OverallResult) -> bytes:
    return to_pdf(markup(kind, result))


def filename(kind: Kind, result: OverallResult) -> str:
    """The download's file name: the kind and the document reference, nothing a user typed."""
    return f"{kind.filename}-{content.reference(kind.prefix, result)}.pdf"
