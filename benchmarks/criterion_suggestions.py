"""How good the criterion suggestions are, measured on a labelled set.

`benchmarks/data/showcase-evidence-labelled.yaml` holds short pieces of showcase evidence
written in an apprentice's words, each with the ST0072 showcase criteria it shows. Each
ranker orders the 40 showcase criteria for every text (as the upload page does); a text
counts for top-1 when the first suggestion is one of its criteria, and for top-3 when any of
the first three is. Prints one row per ranker: the keyword ranking (BM25, always present)
and the sentence-embedding model (wordllama, only when the `embeddings` extra is installed:
`pip install -e '.[embeddings]'`), with the milliseconds per document (the model's loading
is timed apart).

Run from the project root: ``.venv/bin/python -m benchmarks.criterion_suggestions``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data" / "showcase-evidence-labelled.yaml"


def load(path: Path = DATA) -> list[tuple[str, set[str]]]:
    rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(row["text"], set(row["criteria"])) for row in rows]


def as_files(texts: list[str]) -> dict[str, list[bytes]]:
    """Each text as a one-page PDF and as a Word file, as they would be uploaded."""
    import io
    import textwrap
    import zipfile
    from xml.sax.saxutils import escape

    from reportlab.pdfgen.canvas import Canvas

    main = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    pdfs: list[bytes] = []
    words: list[bytes] = []
    for text in texts:
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        for n, line in enumerate(textwrap.wrap(text, 80)):
            canvas.drawString(40, 800 - 16 * n, line)
        canvas.save()
        pdfs.append(buffer.getvalue())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as package:
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr(
                "word/document.xml",
                f'<w:document xmlns:w="{main}"><w:body><w:p><w:r><w:t>{escape(text)}</w:t>'
                "</w:r></w:p></w:body></w:document>",
            )
        words.append(buffer.getvalue())
    return {"pdf": pdfs, "docx": words}


def per_file_ms(ranker: Any, files: list[bytes], kind: str) -> float:
    """Milliseconds to read a file's words and rank the criteria, as an upload does."""
    import io

    from openepa.evidence.text import extract_text

    started = time.perf_counter()
    for content in files:
        ranker.rank(extract_text(io.BytesIO(content), kind), top=3)
    return 1000 * (time.perf_counter() - started) / len(files)


def measure(ranker: Any, labelled: list[tuple[str, set[str]]], repeat: int) -> dict[str, float]:
    top1 = top3 = 0
    started = time.perf_counter()
    for _ in range(repeat):
        for text, wanted in labelled:
            ranked = [s.code for s in ranker.rank(text, top=3)]
            top1 += bool(ranked[:1] and ranked[0] in wanted)
            top3 += bool(wanted & set(ranked))
    elapsed = time.perf_counter() - started
    n = len(labelled) * repeat
    return {"top1": top1 / n, "top3": top3 / n, "ms": 1000 * elapsed / n}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the set, for timing")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from openepa.evidence.suggestions import (
        WITH_PROMPTS,
        EmbeddingRanker,
        KeywordRanker,
        embeddings_available,
        showcase_criteria,
    )
    from openepa.standards.loader import get_standard

    standard = get_standard("ST0072")
    assert standard is not None
    labelled = load()
    known = {c.code for c in showcase_criteria(standard)}
    unknown = {code for _, wanted in labelled for code in wanted} - known
    assert not unknown, f"labels that are not showcase criteria: {sorted(unknown)}"
    print(
        f"{len(labelled)} labelled texts, {len(known)} showcase criteria; "
        f"chance of a right top-1 guess about {1 / len(known):.1%}"
    )
    files = as_files([text for text, _ in labelled])
    print(
        "| ranker | top-1 | top-3 | ms per text (rank) | ms per PDF (read + rank) "
        "| ms per Word file (read + rank) | load (s) |\n|---|---|---|---|---|---|---|"
    )
    rankers: list[tuple[str, Any]] = [("keyword", KeywordRanker)]
    if embeddings_available():
        rankers.append(("model", EmbeddingRanker))
    else:
        print("(the embeddings extra is not installed: only the keyword ranking is measured)")
    for _, build in rankers:
        for prompts in (False, True):
            started = time.perf_counter()
            ranker = build(standard, prompts=prompts)
            loaded = time.perf_counter() - started
            found = measure(ranker, labelled, args.repeat)
            what = "with" if prompts else "without"
            used = " (used)" if prompts == WITH_PROMPTS else ""
            pdf_ms = per_file_ms(ranker, files["pdf"], "pdf")
            docx_ms = per_file_ms(ranker, files["docx"], "docx")
            print(
                f"| {ranker.name}, {what} module prompts{used} | {found['top1']:.1%} | "
                f"{found['top3']:.1%} | {found['ms']:.2f} | {pdf_ms:.2f} | {docx_ms:.2f} "
                f"| {loaded:.2f} |"
            )


if __name__ == "__main__":
    main()
