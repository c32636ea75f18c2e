"""Suggested criteria for a piece of showcase evidence: the showcase criteria ranked against
the evidence's text. The keyword ranking (openepa.domain.suggest, BM25) always works; when
the optional `embeddings` extra is installed (`pip install .[embeddings]`: wordllama, whose
small model ships inside its wheel, numpy and tokenizers, no torch) a sentence-embedding
ranking is used instead. Nothing is downloaded at run time.

Only suggestions: the upload page shows them first, a person ticks every tag."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from openepa.domain.standard import Criterion, InteractionMode, Method, Standard
from openepa.domain.suggest import KeywordIndex, Suggestion, criterion_document

#: How many criteria a piece of evidence is suggested for.
TOP = 3


class Ranker(Protocol):
    name: str

    def rank(self, evidence: str, *, top: int | None = None) -> list[Suggestion]: ...


def showcase_criteria(standard: Standard) -> tuple[Criterion, ...]:
    """Every showcase criterion (whatever the apprentice's interaction modes)."""
    return standard.criteria_for(Method.SHOWCASE, frozenset(InteractionMode))


#: Whether each criterion's document also holds its module's prompts. They are shared by
#: every criterion of a module, so they blur the difference between neighbours: on the
#: labelled set (benchmarks/criterion_suggestions.py) both rankings do better without them.
WITH_PROMPTS = False


def documents(standard: Standard, *, prompts: bool = WITH_PROMPTS) -> list[tuple[str, str]]:
    modules = {m.code: m for m in standard.modules}
    return [
        (c.code, criterion_document(c, modules.get(c.module) if prompts else None))
        for c in showcase_criteria(standard)
    ]


class KeywordRanker:
    name = "keyword ranking (BM25)"

    def __init__(self, standard: Standard, *, prompts: bool = WITH_PROMPTS) -> None:
        self.index = KeywordIndex.build(documents(standard, prompts=prompts))

    def rank(self, evidence: str, *, top: int | None = None) -> list[Suggestion]:
        return self.index.rank(evidence, top=top)


class EmbeddingRanker:
    """Cosine similarity between the evidence and each criterion's document, embedded by
    wordllama's bundled model (a static word-embedding model distilled from a large
    language model's token embeddings; its weights are a file inside the package)."""

    name = "sentence embeddings (wordllama)"

    def __init__(self, standard: Standard, *, prompts: bool = WITH_PROMPTS) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import wordllama
        from wordllama import WordLlama

        # The weights and the tokenizer are files inside the package; downloads are refused.
        # (wordllama 0.4 looks for its bundled tokenizer under a "tokenizer" folder but ships
        # it in "tokenizers", which is where it looks in a cache folder: so the package's own
        # folder is given as the cache.)
        self.model: Any = WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent, disable_download=True
        )
        docs = documents(standard, prompts=prompts)
        self.codes = [code for code, _ in docs]
        self.vectors: Any = self.model.embed([text for _, text in docs], norm=True)

    def rank(self, evidence: str, *, top: int | None = None) -> list[Suggestion]:
        if not evidence.strip():
            return []
        query: Any = self.model.embed([evidence], norm=True)
        scores = (self.vectors @ query[0]).tolist()
        order = sorted(range(len(self.codes)), key=lambda i: (-scores[i], i))
        chosen = order if top is None else order[:top]
        return [Suggestion(self.codes[i], round(float(scores[i]), 4)) for i in chosen]


def embeddings_available() -> bool:
    try:
        import wordllama  # noqa: F401
    except ImportError:
        return False
    return True


_RANKERS: dict[tuple[str, str, bool], Ranker] = {}


def ranker_for(standard: Standard, *, model: bool = True) -> Ranker:
    """The embedding ranker when the extra is installed (and `model`), else the keyword one;
    built once per standard version (the data files never change while running)."""
    use_model = model and embeddings_available()
    key = (standard.reference, standard.version, use_model)
    if key not in _RANKERS:
        _RANKERS[key] = EmbeddingRanker(standard) if use_model else KeywordRanker(standard)
    return _RANKERS[key]


def suggest(standard: Standard, text: str) -> list[str]:
    """The codes of the criteria `text` most likely shows, best first (at most TOP)."""
    if not text.strip():
        return []
    return [s.code for s in ranker_for(standard).rank(text, top=TOP)]


def order_by_suggestion(
    criteria: Sequence[Criterion], suggested: Sequence[str]
) -> list[tuple[Criterion, bool]]:
    """The suggested criteria first (best first), then the rest in the standard's order;
    each with whether it was suggested."""
    by_code = {c.code: c for c in criteria}
    first = [by_code[code] for code in suggested if code in by_code]
    rest = [c for c in criteria if c.code not in set(suggested)]
    return [(c, True) for c in first] + [(c, False) for c in rest]
