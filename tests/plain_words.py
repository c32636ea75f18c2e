"""What a person must never read on a page, in a PDF, an email or a CSV (issue 11 §2): a seed
or file reference, a line number, a code in snake_case, an IQA draw. `leaks(text)` lists
each one found with a little of the text around it.

A "§" is allowed only right after a published document the standard and policy files cite
(`published_source`), e.g. "Gateway Qualifications EPA specification v1.1 — §2.2"."""

from __future__ import annotations

import html
import re
from functools import cache

from openepa.policies.loader import all_policies
from openepa.standards.loader import all_standards

PATTERNS = {
    "seed reference": re.compile(r"\bseeds? \d{3}\b", re.IGNORECASE),
    # "Address line 1" is a field a person fills in, not a file line.
    "line number": re.compile(r"(?<!address )\b(?:line|lines|l\.) ?\d+", re.IGNORECASE),
    "IQA draw": re.compile(r"\bdraw \d+ of\b", re.IGNORECASE),
    "snake_case code": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "section sign": re.compile(r"§"),
}
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"(?:https?://|mailto:|/)[^\s<>\"']*")


def visible_text(page: str) -> str:
    """The words of an HTML page a person reads: scripts, tags and attribute values gone."""
    return html.unescape(_TAG.sub(" ", _SCRIPT.sub(" ", page)))


@cache
def published_documents() -> tuple[str, ...]:
    """Every published document the data files cite (the part before " — "), longest first:
    a "§" may follow one of them, and nothing else."""
    found: set[str] = set()
    for policy in all_policies().values():
        found.update(policy.published_sources.values())
    for standard in all_standards().values():
        found.update(standard.published_sources.values())
    documents = {part.split(" — ")[0] for citation in found for part in citation.split("; ")}
    return tuple(sorted(documents, key=len, reverse=True))


def leaks(text: str) -> list[str]:
    """Each forbidden token in `text` (plain text, not HTML) with its neighbourhood."""
    text = " ".join(_URL.sub(" ", text).split())
    for document in published_documents():
        text = re.sub(re.escape(document) + r" — §[\d.]+((, | and )§[\d.]+)*", " ", text)
    found = []
    for label, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 40), match.end() + 40
            context = " ".join(text[start:end].split())
            found.append(f"{label} {match.group(0)!r} in …{context}…")
    return found
