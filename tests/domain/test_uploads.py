"""Uploads judged by content: the accepted kinds by their signatures, and every refusal."""

from __future__ import annotations

import pytest

from openepa.domain.uploads import kind_for, upload_problems

MB = 1_000_000


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("report.pdf", b"%PDF-1.7\n", "pdf"),
        ("REPORT.PDF", b"%PDF-1.4\n", "pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00", "png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0", "jpeg"),
        ("photo.jpeg", b"\xff\xd8\xff\xe1", "jpeg"),
        ("log.docx", b"PK\x03\x04\x14\x00", "docx"),
        ("talk.pptx", b"PK\x03\x04\x14\x00", "pptx"),
        ("report.pdf", b"MZ\x90\x00", None),  # an executable named .pdf
        ("photo.png", b"%PDF-1.7", None),  # a PDF named .png
        ("script.html", b"<html>", None),
        ("noextension", b"%PDF-1.7", None),
        (".pdf", b"%PDF-1.7", None),  # a dot-file has no extension
    ],
)
def test_kind_by_name_and_signature(name, head, kind):
    found = kind_for(name, head)
    assert (found.code if found else None) == kind


@pytest.mark.parametrize(
    ("size", "held", "limit", "expected"),
    [
        (1 * MB, 0, 20, []),
        (0, 0, 20, ["The file is empty."]),
        (11 * MB, 0, 20, ["The file is 11.0 MB; the largest file accepted is 10 MB."]),
        (1 * MB, 19, 20, []),
        (1 * MB, 20, 20, ["already holds 20 pieces"]),
        (1 * MB, 500, None, []),  # the policy sets no limit
    ],
)
def test_size_and_portfolio_limits(size, held, limit, expected):
    problems = upload_problems(
        name="a.pdf", size=size, head=b"%PDF-", max_bytes=10 * MB, held=held, max_files=limit
    )
    assert len(problems) == len(expected)
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem


def test_every_problem_is_reported_at_once():
    problems = upload_problems(
        name="a.exe", size=20 * MB, head=b"MZ", max_bytes=10 * MB, held=20, max_files=20
    )
    assert len(problems) == 3
