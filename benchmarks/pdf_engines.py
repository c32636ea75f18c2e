"""What each way of making OpenEPA's documents costs, by measurement: ReportLab's PDF (what
is served; untagged), the accessible HTML version served beside it, and WeasyPrint's PDF,
plain and tagged (PDF/UA-1), the alternative considered for a PDF a screen reader can read.

Renders each document (statement of results, record of achievement, fail letter, feedback
report: the real templates, rendered by Django, with sample data: no database) N times with
each and prints milliseconds per document and the size of the output. WeasyPrint reads the
very same markup as HTML, so every engine lays out identical words. WeasyPrint is measured
only when it can be imported (it is not a project dependency: it needs Pango from the
system); to measure it without touching the project's environment, install it beside:

    .venv/bin/pip install --target /tmp/weasyprint-site weasyprint
    PYTHONPATH=/tmp/weasyprint-site .venv/bin/python -m benchmarks.pdf_engines --runs 10

Run from the project root: ``.venv/bin/python -m benchmarks.pdf_engines``.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any


def _context(grade: str) -> dict[str, Any]:
    """A typical result's document context, as openepa.documents.content builds it."""
    from openepa.documents.content import Development, MethodLine

    missed = [
        Development(
            "S8.1",
            "Greets the customer and establishes their needs using questioning skills",
            "pass",
            "Not met",
            "Did not introduce themselves; moved to the query before greeting.",
        )
    ]

    def line(name: str, day: int, method_grade: str) -> MethodLine:
        return MethodLine(
            name,
            method_grade,
            "First attempt",
            1,
            date(2026, 3, day),
            "Summarise the customer's request before acting.\nClose every call with a recap.",
            missed if method_grade == "Fail" else [],
            [] if method_grade == "Distinction" else missed,
        )

    method_grade = "Fail" if grade == "fail" else "Distinction"
    return {
        "reference": "SOR-1-000042",
        "result": SimpleNamespace(
            pk=42,
            grade=grade,
            capped=False,
            first_component_on=date(2026, 3, 2),
            last_component_on=date(2026, 3, 4),
        ),
        "grade": grade.capitalize(),
        "apprentice": SimpleNamespace(
            name="Åsa O'Brien & <Sons>", given_name="Åsa", uln="1000079197"
        ),
        "enrolment": SimpleNamespace(further_learning_before_resit=None, funded_attempts=2),
        "standard": SimpleNamespace(
            reference="ST0072", title="Customer Service Practitioner", level=2, version="1.1"
        ),
        "epao": SimpleNamespace(name="Northern EPAO"),
        "employer": SimpleNamespace(name="Harbour Bank"),
        "provider": SimpleNamespace(name="Coastal Training"),
        "policy": SimpleNamespace(name="Highfield Assessment"),
        "methods": [
            line("Apprentice showcase", 2, "Distinction"),
            line("Practical observation", 3, method_grade),
            line("Professional discussion", 4, "Distinction"),
        ],
        "cap_statement": "",
        "issued_on": date(2026, 3, 16),
        "computed_on": date(2026, 3, 5),
        "contact": SimpleNamespace(full_name="Amina Admin", email="admin@northern.example"),
        "next_step": None,
    }


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    import django

    django.setup()


def document_markups() -> dict[str, str]:
    """Each document's template rendered with sample data: the statement of results, record
    of achievement and feedback report of a Distinction, the fail letter of a Fail."""
    setup_django()
    from django.template.loader import render_to_string

    from openepa.results.catalogue import FAIL_LETTER, FEEDBACK, RECORD, STATEMENT

    return {
        kind.title: render_to_string(
            kind.template, _context("fail" if kind is FAIL_LETTER else "distinction")
        )
        for kind in (STATEMENT, RECORD, FAIL_LETTER, FEEDBACK)
    }


def statement_markup() -> str:
    """The statement of results' template, rendered with a typical Distinction."""
    return document_markups()["Statement of results"]


def reportlab_engine() -> Callable[[str], bytes]:
    from openepa.documents.markup import to_pdf

    return to_pdf


def html_version() -> Callable[[str], bytes]:
    """The accessible HTML version served beside the PDF: the markup in GOV.UK components,
    in the service's page (openepa.documents.accessible and documents/html.html)."""
    from django.template.loader import render_to_string

    from openepa.documents.accessible import to_html
    from openepa.results.catalogue import STATEMENT

    def render(markup: str) -> bytes:
        page = render_to_string(
            "documents/html.html",
            {
                "document": to_html(markup),
                "result": SimpleNamespace(pk=42),
                "kind": STATEMENT,
                "pdf_url": "/documents/results/42/statement-of-results.pdf",
            },
        )
        return page.encode()

    return render


def weasyprint_engine(variant: str | None = None) -> Callable[[str], bytes] | None:
    # Its progress log ("Step 1 - Fetching and parsing HTML") would drown the figures.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    try:
        import weasyprint  # type: ignore[import-not-found, unused-ignore]
    except (ImportError, OSError) as problem:  # OSError: Pango's libraries are missing
        print(f"WeasyPrint: not measured ({type(problem).__name__}: {problem})")
        return None

    def render(markup: str) -> bytes:
        # PDF/UA needs the document's language to tag it.
        page = markup.replace("<html>", '<html lang="en-GB">', 1)
        return bytes(weasyprint.HTML(string=page).write_pdf(pdf_variant=variant))

    return render


def measure(name: str, render: Callable[[str], bytes], markup: str, runs: int) -> None:
    """Median wall-clock and CPU milliseconds per document: CPU time is the steadier figure
    on a shared machine, wall-clock what a user waits."""
    render(markup)  # warm up: imports, font loading
    wall, cpu = [], []
    size = 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        size = len(render(markup))
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    print(
        f"  {name:<25} {statistics.median(wall):7.1f} ms wall  {statistics.median(cpu):7.1f} ms CPU "
        f"(medians)  {size:>7,} bytes  ({runs} runs)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    markups = document_markups()
    print(f"started {datetime.now():%Y-%m-%d %H:%M}")
    engines: list[tuple[str, Callable[[str], bytes]]] = [
        ("ReportLab PDF (untagged)", reportlab_engine()),
        ("HTML version", html_version()),
    ]
    for label, variant in (("WeasyPrint PDF", None), ("WeasyPrint PDF/UA-1", "pdf/ua-1")):
        weasy = weasyprint_engine(variant)
        if weasy is not None:
            engines.append((label, weasy))
    for title, markup in markups.items():
        print(f"\n{title}, {len(markup):,} characters of markup")
        for label, render in engines:
            measure(label, render, markup, args.runs)


if __name__ == "__main__":
    main()
