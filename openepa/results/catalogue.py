"""The documents a result has, by grade (seed 000 §3): every result has a statement of
results and an EPA feedback report (seed 002); a Pass or Distinction a record of
achievement; a Fail a letter with the next steps. One table, read by the downloads, the
result and enrolment pages and the emails that link the documents.

It lives with the results, which every page listing documents already knows; the documents
context (openepa.documents) renders each kind from its template and serves its download."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from openepa.results.models import OverallResult

PASSED = frozenset({"pass", "distinction"})
FAILED = frozenset({"fail"})


@dataclass(frozen=True)
class Kind:
    code: str
    #: What the download link and the email call it.
    title: str
    #: The URL name of its download, taking ``result_id``.
    url_name: str
    #: Prefix of the document reference and the file name.
    prefix: str
    template: str
    filename: str
    #: The overall grades it exists for; None for every result.
    grades: frozenset[str] | None = None

    @property
    def html_url_name(self) -> str:
        """The URL name of its accessible HTML version, beside the PDF."""
        return f"{self.url_name}_html"

    def applies_to(self, result: OverallResult) -> bool:
        return self.grades is None or result.grade in self.grades


#: Each method's grade and the overall grade, to the apprentice, employer and provider.
STATEMENT = Kind(
    "statement",
    "Statement of results",
    "documents:statement",
    "SOR",
    "documents/pdf/statement.html",
    "statement-of-results",
)
#: For a Pass or Distinction only; says plainly it is not the certificate.
RECORD = Kind(
    "record",
    "Record of achievement",
    "documents:record",
    "ROA",
    "documents/pdf/record.html",
    "record-of-achievement",
    PASSED,
)
#: For a Fail only: the methods to resit or retake, the deadlines of the policy and the
#: grade cap (seed 000 §3, §4; seed 002; seed 004).
FAIL_LETTER = Kind(
    "fail_letter",
    "Fail letter: next steps and deadlines",
    "documents:fail_letter",
    "FAL",
    "documents/pdf/fail_letter.html",
    "fail-letter",
    FAILED,
)
#: Areas for development per method, from the assessors' feedback and the criteria not
#: achieved at the attempt that counts (seed 002: "The EPA Report will contain feedback on
#: areas for development and resit or retake guidance").
FEEDBACK = Kind(
    "feedback",
    "EPA feedback report",
    "documents:feedback",
    "FBR",
    "documents/pdf/feedback.html",
    "epa-feedback-report",
)
KINDS = (STATEMENT, RECORD, FAIL_LETTER, FEEDBACK)


def kinds_for(result: OverallResult) -> list[Kind]:
    """The documents this result has, in the order they are listed."""
    return [kind for kind in KINDS if kind.applies_to(result)]


def documents_of(result: OverallResult) -> list[tuple[str, str]]:
    """(title, URL name) of each document of the result, for the enrolment page's links
    (openepa.enrolments.links)."""
    return [(kind.title, kind.url_name) for kind in kinds_for(result)]


@dataclass(frozen=True)
class DocumentLink:
    title: str
    pdf_url: str
    #: The accessible HTML version of the same document, for the same people.
    html_url: str


def links_for(result: OverallResult) -> list[DocumentLink]:
    """The links to each document of the result. Whoever may see the result may download
    its documents (openepa.documents.access)."""
    ids = {"result_id": result.pk}
    return [
        DocumentLink(
            kind.title,
            reverse(kind.url_name, kwargs=ids),
            reverse(kind.html_url_name, kwargs=ids),
        )
        for kind in kinds_for(result)
    ]
