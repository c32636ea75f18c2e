"""A document's rendered template (a small, strict subset of XHTML) → a PDF with ReportLab.

The wording of every document lives in a Django template (``documents/pdf/*.html``); the
template is rendered with autoescaping, so user data (a name with ``&`` or ``<``) arrives
here escaped, is read back as plain text by the XML parser and escaped again for
ReportLab's paragraph markup. Nothing a user typed can become markup.

The subset, and nothing else (anything else is a ``MarkupError``, so a template mistake
fails loudly in the tests rather than silently dropping words):

- ``<html><head>`` with ``<title>`` (the PDF's title) and ``<meta name="author|subject|
  footer" content="..."/>``; the footer is printed at the foot of every page with its number.
- blocks in ``<body>``: ``h1`` ``h2`` ``h3`` ``p`` (``class="small"`` or ``"notice"``),
  ``ul``/``li``, ``table`` (``thead``/``tbody`` optional, ``tr``, ``th``, ``td``; header
  rows repeat on each page), ``dl`` (``dt``/``dd`` pairs, laid out as a two-column table),
  ``hr``; ``<table widths="1,4,2">`` sets the columns' proportions (equal by default).
- inline, inside any of those: ``b``/``strong``, ``i``/``em``, ``br``.

Rendering is deterministic: ReportLab's ``invariant`` mode fixes the creation date and the
document id, so the same markup always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    ListFlowable,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _ReportLabParagraph

from openepa.documents.fonts import HELVETICA, Family, family


class MarkupError(ValueError):
    """The rendered template uses something outside the supported subset."""


#: Inline tags and the ReportLab paragraph tag each becomes.
INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}
PARAGRAPH_CLASSES = {"", "small", "notice"}
META_NAMES = {"author", "subject", "footer"}
MARGIN = 18 * mm


@dataclass
class Document:
    """What the markup says: metadata and the flowables of the body."""

    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    flowables: list[Flowable] = field(default_factory=list)


class Paragraph(_ReportLabParagraph):
    """ReportLab's paragraph, its lines broken once per width. A table wraps each cell's
    paragraph to size its rows, and again to draw them: 117 line breakings a document
    where 45 give the same lines (wrap depends on the width alone). The PDF's bytes are
    unchanged (tests/documents compare them)."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        # The lines, width and height that wrap set stand, unless split dropped the lines.
        if self._wrapped is not None and self._wrapped[0] == availWidth and hasattr(self, "blPara"):
            return self._wrapped[1]
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


@functools.cache
def styles(fonts: Family) -> StyleSheet1:
    """The documents' styles, made once per typeface (ReportLab only reads them)."""
    sheet = getSampleStyleSheet()
    for name in ("Normal", "BodyText", "Title", "Heading1", "Heading2", "Heading3"):
        bold = name.startswith(("Heading", "Title"))
        sheet[name].fontName = fonts.bold if bold else fonts.regular
    for heading in ("Heading1", "Heading2", "Heading3"):
        sheet[heading].keepWithNext = 1  # never a heading alone at the foot of a page
    sheet.add(ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8.5, leading=11))
    sheet.add(
        ParagraphStyle(
            "notice",
            parent=sheet["BodyText"],
            fontName=fonts.bold,
            borderColor=colors.black,
            borderWidth=1,
            borderPadding=6,
            spaceBefore=8,
            spaceAfter=12,
        )
    )
    sheet.add(ParagraphStyle("cell", parent=sheet["BodyText"], alignment=TA_LEFT, spaceAfter=0))
    sheet.add(ParagraphStyle("cell_head", parent=sheet["cell"], fontName=fonts.bold))
    return sheet


def inline(element: ET.Element) -> str:
    """The element's content as ReportLab paragraph markup: text escaped, only the inline
    subset kept."""
    parts = [escape(element.text or "")]
    for child in element:
        if child.tag == "br":
            if len(child) or (child.text or "").strip():
                raise MarkupError("<br/> must be empty")
            parts.append("<br/>")
        elif child.tag in INLINE:
            tag = INLINE[child.tag]
            parts.append(f"<{tag}>{inline(child)}</{tag}>")
        else:
            raise MarkupError(f"<{child.tag}> is not allowed inside <{element.tag}>")
        parts.append(escape(child.tail or ""))
    return " ".join("".join(parts).split())


def _no_text(element: ET.Element) -> None:
    """Container elements hold only elements; stray text would be lost, so refuse it."""
    stray = [element.text or ""] + [child.tail or "" for child in element]
    if any(s.strip() for s in stray):
        raise MarkupError(f"text directly inside <{element.tag}> must be in a child element")


def _children(element: ET.Element, *allowed: str) -> Iterator[ET.Element]:
    _no_text(element)
    for child in element:
        if child.tag not in allowed:
            raise MarkupError(
                f"<{child.tag}> is not allowed inside <{element.tag}> (only "
                + ", ".join(f"<{a}>" for a in allowed)
                + ")"
            )
        yield child


def _rows(table: ET.Element) -> tuple[list[ET.Element], int]:
    """The table's rows in order and how many of them are header rows (repeated on each
    page): the rows of <thead>, else none."""
    rows: list[ET.Element] = []
    header = 0
    for part in _children(table, "thead", "tbody", "tr"):
        if part.tag == "tr":
            rows.append(part)
            continue
        found = list(_children(part, "tr"))
        if part.tag == "thead":
            header += len(found)
        rows.extend(found)
    return rows, header


def _table(element: ET.Element, sheet: StyleSheet1) -> Flowable:
    rows, header = _rows(element)
    if not rows:
        raise MarkupError("<table> needs at least one <tr>")
    data: list[list[Paragraph]] = []
    head_cells: list[tuple[int, int]] = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(_children(row, "th", "td")):
            if cell.tag == "th":
                head_cells.append((c, r))
            style = sheet["cell_head"] if cell.tag == "th" else sheet["cell"]
            cells.append(Paragraph(inline(cell), style))
        data.append(cells)
    width = max(len(r) for r in data)
    if any(len(r) != width for r in data):
        raise MarkupError("every <tr> of a <table> needs the same number of cells")
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    commands += [("BACKGROUND", cell, cell, colors.Color(0.93, 0.93, 0.93)) for cell in head_cells]
    return Table(
        data,
        colWidths=_widths(element, width),
        repeatRows=header,
        style=TableStyle(commands),
        hAlign="LEFT",
        spaceBefore=4,
        spaceAfter=10,
    )


def _widths(table: ET.Element, columns: int) -> list[float]:
    """Column widths across the page: equal, or in the proportions of ``widths="1,4,2"``."""
    available = A4[0] - 2 * MARGIN
    given = table.get("widths")
    if given is None:
        return [available / columns] * columns
    try:
        weights = [float(w) for w in given.split(",")]
    except ValueError:
        raise MarkupError(f'<table widths="{given}"> must be numbers separated by commas') from None
    if len(weights) != columns or any(w <= 0 for w in weights):
        raise MarkupError(f'<table widths="{given}"> needs {columns} positive numbers')
    return [available * w / sum(weights) for w in weights]


def _definitions(element: ET.Element, sheet: StyleSheet1) -> Flowable:
    """<dl>: each <dt> starts a row; its <dd>s share the row's second column."""
    pairs: list[tuple[str, list[str]]] = []
    for child in _children(element, "dt", "dd"):
        if child.tag == "dt":
            pairs.append((inline(child), []))
        elif not pairs:
            raise MarkupError("<dd> must follow a <dt>")
        else:
            pairs[-1][1].append(inline(child))
    if not pairs or any(not dds for _, dds in pairs):
        raise MarkupError("every <dt> of a <dl> needs a <dd>")
    rows = [
        [Paragraph(dt, sheet["cell_head"]), Paragraph("<br/>".join(dds), sheet["cell"])]
        for dt, dds in pairs
    ]
    available = A4[0] - 2 * MARGIN
    return Table(
        rows,
        colWidths=[available * 0.32, available * 0.68],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.lightgrey),
            ]
        ),
        hAlign="LEFT",
        spaceBefore=4,
        spaceAfter=10,
    )


def _list(element: ET.Element, sheet: StyleSheet1) -> Flowable:
    items = [Paragraph(inline(li), sheet["BodyText"]) for li in _children(element, "li")]
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=12)


HEADINGS = {"h1": "Heading1", "h2": "Heading2", "h3": "Heading3"}


def _block(element: ET.Element, sheet: StyleSheet1) -> Flowable:
    tag = element.tag
    if tag in HEADINGS:
        return Paragraph(inline(element), sheet[HEADINGS[tag]])
    if tag == "p":
        kind = element.get("class", "")
        if kind not in PARAGRAPH_CLASSES:
            raise MarkupError(f'<p class="{kind}"> is not a known paragraph style')
        return Paragraph(inline(element), sheet[kind or "BodyText"])
    if tag == "ul":
        return _list(element, sheet)
    if tag == "table":
        return _table(element, sheet)
    if tag == "dl":
        return _definitions(element, sheet)
    if tag == "hr":
        return HRFlowable(width="100%", thickness=0.5, color=colors.grey, spaceAfter=6)
    raise MarkupError(f"<{tag}> is not a supported block")


def parse(markup: str, fonts: Family = HELVETICA) -> Document:
    """Read the rendered template into a Document; MarkupError outside the subset."""
    try:
        root = ET.fromstring(markup.strip())
    except ET.ParseError as problem:
        raise MarkupError(f"the rendered template is not well-formed: {problem}") from None
    if root.tag != "html":
        raise MarkupError("the document must be one <html> element")
    document = Document()
    sheet = styles(fonts)
    for part in _children(root, "head", "body"):
        if part.tag == "head":
            for item in _children(part, "title", "meta"):
                if item.tag == "title":
                    document.title = " ".join((item.text or "").split())
                    continue
                name = item.get("name", "")
                if name not in META_NAMES:
                    raise MarkupError(f'<meta name="{name}"> is not supported')
                document.meta[name] = item.get("content", "")
        else:
            document.flowables = [_block(block, sheet) for block in _children(part, *BLOCKS)]
    return document


BLOCKS = (*HEADINGS, "p", "ul", "table", "dl", "hr")


def to_pdf(markup: str) -> bytes:
    """The PDF of the rendered template: A4, with the footer and page number on each page.
    The same markup gives the same bytes (ReportLab's invariant mode)."""
    fonts = family(settings.OPENEPA_PDF_FONT_DIR)
    document = parse(markup, fonts)
    footer = document.meta.get("footer", "")

    def decorate(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=document.title,
        author=document.meta.get("author", ""),
        subject=document.meta.get("subject", ""),
        creator="OpenEPA",
        invariant=1,
    ).build(
        document.flowables or [Spacer(1, 1)],
        onFirstPage=decorate,
        onLaterPages=decorate,
    )
    return out.getvalue()
