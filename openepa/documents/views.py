"""Downloads of a result's documents as PDF attachments, served from the stored PDF
(openepa.documents.store: rendered at the first download or email, reused after), and the
accessible HTML version of each, from the same access check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render as render_page
from django.urls import reverse

from openepa.accounts.requests import AuthenticatedRequest
from openepa.documents import render, store
from openepa.documents.access import access_document
from openepa.documents.accessible import to_html
from openepa.results.catalogue import FAIL_LETTER, FEEDBACK, RECORD, STATEMENT, Kind


def _download(request: AuthenticatedRequest, result_id: int, kind: Kind) -> HttpResponse:
    result = access_document(request.user, result_id, kind)
    document = store.document_for(kind, result)
    response = HttpResponse(store.read(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{render.filename(kind, result)}"'
    # A result may be amended until released: never serve a stale copy from a cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def statement(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _download(request, result_id, STATEMENT)


@login_required
def record(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _download(request, result_id, RECORD)


@login_required
def fail_letter(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _download(request, result_id, FAIL_LETTER)


@login_required
def feedback(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _download(request, result_id, FEEDBACK)


def _html(request: AuthenticatedRequest, result_id: int, kind: Kind) -> HttpResponse:
    """The document as a page: the same rendered template as its PDF, in accessible HTML."""
    result = access_document(request.user, result_id, kind)
    document = to_html(render.markup(kind, result))
    response = render_page(
        request,
        "documents/html.html",
        {
            "document": document,
            "result": result,
            "kind": kind,
            "pdf_url": reverse(kind.url_name, kwargs={"result_id": result.pk}),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def statement_html(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _html(request, result_id, STATEMENT)


@login_required
def record_html(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _html(request, result_id, RECORD)


@login_required
def fail_letter_html(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _html(request, result_id, FAIL_LETTER)


@login_required
def feedback_html(request: AuthenticatedRequest, result_id: int) -> HttpResponse:
    return _html(request, result_id, FEEDBACK)
