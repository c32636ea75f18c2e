"""Reading the words of uploaded evidence (openepa.evidence.text)."""

from __future__ import annotations

import io

import pytest

from openepa.evidence.text import MAX_CHARS, extract_text
from tests.evidence.files import docx, pdf, pptx


@pytest.mark.parametrize(
    ("content", "kind", "expected"),
    [
        (
            docx("Complaint log", "I resolved a complaint"),
            "docx",
            "Complaint log I resolved a complaint",
        ),
        (pptx("Our brand promise", "Core values"), "pptx", "Our brand promise Core values"),
        (
            pdf("Health and safety at work", "Risk assessment"),
            "pdf",
            "Health and safety at work Risk assessment",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "png", ""),
        (b"%PDF-1.7 broken", "pdf", ""),  # unreadable: no text, no error
        (b"PK\x03\x04 not a zip", "docx", ""),
    ],
)
def test_text_of_each_kind(content, kind, expected):
    stream = io.BytesIO(content)
    assert extract_text(stream, kind) == expected
    assert stream.tell() == 0  # left ready to be stored


def test_text_is_capped():
    text = extract_text(io.BytesIO(docx("word " * 10_000)), "docx")
    assert len(text) == MAX_CHARS
