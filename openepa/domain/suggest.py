"""Which criteria a piece of evidence most likely shows: a plain keyword ranking (Okapi BM25).

Each criterion is a small document made of its own wording, the outcome it belongs to, its
amplification and, optionally, its module's "what do I need to know / do / show" prompts
(the Highfield EPA kit's criteria and prompts, held in the standard's data file). A piece of evidence is
the query. BM25 is the ranking function of Robertson and Zaragoza, "The Probabilistic
Relevance Framework: BM25 and Beyond" (2009), §3.3, with the usual k1 = 1.2 and b = 0.75;
the inverse document frequency is the non-negative form log(1 + (N - n + 0.5) / (n + 0.5)).

These are suggestions only: a person confirms every tag (openepa.evidence)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from openepa.domain.standard import Criterion, Module

K1 = 1.2
B = 0.75

#: Words that carry no meaning about which criterion a text shows.
_STOPWORD_TEXT = """a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each
    either etc every few for from further had has have having he her here hers him his how
    i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours out over own per same she should so some such than that the
    their them then there these they this those through to too under until up upon us very
    was we were what when where which while who whom why will with would you your yours
    yourself e g ie eg"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A light English suffix stripper, enough that "complaints", "complaint" and
    "complained" meet: plural -s/-es/-ies, -ing, -ed, -ly. Short words are left alone."""
    if len(word) <= 3:
        return word
    for suffix, replacement in (
        ("ies", "y"),
        ("sses", "ss"),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "sses", "zes")):
                return word[:-1]  # "services" → "service", not "servic"
            return word[: len(word) - len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    """The text's words, lower-cased, stop words dropped, stemmed."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("'", "")) if w not in STOPWORDS]


def criterion_document(criterion: Criterion, module: Module | None = None) -> str:
    """What a criterion is matched on: its wording (every mode's), its outcome, its
    amplification and its module's prompts."""
    parts = [criterion.text, *criterion.wording_by_mode.values(), criterion.outcome]
    parts += [f"{a.term} {a.text}" for a in criterion.amplification]
    if module is not None:
        parts += [item for prompt in module.prompts for item in prompt.items]
    return " ".join(parts)


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float


@dataclass(frozen=True)
class KeywordIndex:
    """BM25 statistics of a fixed set of criteria, built once and used for every document."""

    codes: tuple[str, ...]
    frequencies: tuple[Counter[str], ...]
    lengths: tuple[int, ...]
    idf: dict[str, float]
    average_length: float

    @classmethod
    def build(cls, documents: Iterable[tuple[str, str]]) -> KeywordIndex:
        codes: list[str] = []
        frequencies: list[Counter[str]] = []
        for code, text in documents:
            codes.append(code)
            frequencies.append(Counter(terms(text)))
        n = len(codes)
        containing: Counter[str] = Counter()
        for counts in frequencies:
            containing.update(counts.keys())
        idf = {t: math.log(1 + (n - k + 0.5) / (k + 0.5)) for t, k in containing.items()}
        lengths = tuple(sum(c.values()) for c in frequencies)
        average = (sum(lengths) / n) if n else 0.0
        return cls(tuple(codes), tuple(frequencies), lengths, idf, average or 1.0)

    def rank(self, evidence: str, *, top: int | None = None) -> list[Suggestion]:
        """Criteria by BM25 score against `evidence`, best first; ties keep the standard's
        order; criteria sharing no word with the evidence are left out."""
        query = Counter(terms(evidence))
        scored: list[tuple[float, int]] = []
        for position, counts in enumerate(self.frequencies):
            norm = K1 * (1 - B + B * self.lengths[position] / self.average_length)
            score = 0.0
            for term, weight in query.items():
                tf = counts.get(term, 0)
                if tf:
                    # Repeated words in a long document count, but with diminishing returns.
                    score += self.idf[term] * (1 + math.log(weight)) * tf * (K1 + 1) / (tf + norm)
            if score > 0:
                scored.append((score, position))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        chosen = scored if top is None else scored[:top]
        return [Suggestion(self.codes[p], round(s, 4)) for s, p in chosen]
