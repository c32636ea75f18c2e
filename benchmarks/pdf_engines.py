"""Which PDF engine renders OpenEPA's documents: ReportLab or WeasyPrint, by measurement.

Renders the same statement of results (the real template, rendered by Django, with sample
data: no database) N times with each engine and prints milliseconds per document and the
size of the output. WeasyPrint reads the very same markup as HTML, so both engines lay out
identical words. WeasyPrint is measured only when it can be imported (it is not a project
dependency: it needs Pango from the system); to measure it, install it in a throwaway
virtual environment together with this project:

    python -m venv /tmp/bench && /tmp/bench/bin/pip install -e . weasyprint
    /tmp/bench/bin/python -m benchmarks.pdf_engines --runs 50

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


def statement_markup() -> str:
    """The statement of results' template, rendered with a typical Distinction."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openepa.settings")
    import django

    django.setup()
    from django.template.loader import render_to_string

    from openepa.documents.content import MethodLine
    from openepa.results.catalogue import STATEMENT

    def line(name: str, day: int) -> MethodLine:
        return MethodLine(name, "Distinction", "First attempt", 1, date(2026, 3, day), "", [], [])

    context: dict[str, Any] = {
        "reference": "SOR-1-000042",
        "result": SimpleNamespace(
            grade="distinction",
            capped=False,
            first_component_on=date(2026, 3, 2),
            last_component_on=date(2026, 3, 4),
        ),
        "grade": "Distinction",
        "apprentice": SimpleNamespace(
            name="Åsa O'Brien & <Sons>", given_name="Åsa", uln="1000079197"
        ),
        "standard": SimpleNamespace(
            reference="ST0072", title="Customer Service Practitioner", level=2, version="1.1"
        ),
        "epao": SimpleNamespace(name="Northern EPAO"),
        "employer": SimpleNamespace(name="Harbour Bank"),
        "provider": SimpleNamespace(name="Coastal Training"),
        "policy": SimpleNamespace(name="Highfield Assessment"),
        "methods": [
            line("Apprentice showcase", 2),
            line("Practical observation", 3),
            line("Professional discussion", 4),
        ],
        "cap_statement": "",
        "issued_on": date(2026, 3, 16),
        "computed_on": date(2026, 3, 5),
        "contact": SimpleNamespace(full_name="Amina Admin", email="admin@northern.example"),
        "next_step": None,
    }
    return render_to_string(STATEMENT.template, context)


def reportlab_engine() -> Callable[[str], bytes]:
    from openepa.documents.markup import to_pdf

    return to_pdf


def weasyprint_engine() -> Callable[[str], bytes] | None:
    # Its progress log ("Step 1 - Fetching and parsing HTML") would drown the figures.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    try:
        import weasyprint  # type: ignore[import-not-found, unused-ignore]
    except (ImportError, OSError) as problem:  # OSError: Pango's libraries are missing
        print(f"WeasyPrint: not measured ({type(problem).__name__}: {problem})")
        return None

    def render(markup: str) -> bytes:
        return bytes(weasyprint.HTML(string=markup).write_pdf())

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
        f"{name:<11} {statistics.median(wall):7.1f} ms wall  {statistics.median(cpu):7.1f} ms CPU "
        f"(medians)  {size:>7,} bytes  ({runs} runs)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    markup = statement_markup()
    print(
        f"statement of results, {len(markup):,} characters of markup; started {datetime.now():%Y-%m-%d %H:%M}"
    )
    measure("ReportLab", reportlab_engine(), markup, args.runs)
    weasy = weasyprint_engine()
    if weasy is not None:
        measure("WeasyPrint", weasy, markup, args.runs)


if __name__ == "__main__":
    main()
