"""A document's rendered template → the accessible HTML version served beside its PDF.

ReportLab's PDFs carry no tags (PDF/UA), so a screen reader gets their words without their
structure. The HTML version is made from the very same rendered template as the PDF
(openepa.documents.markup's subset, see there), so both say the same thing, and keeps its
structure in the markup a screen reader knows: headings, tables with column headers, a
summary list for the facts, in a page of the service (its language, title and landmarks).
Each element of the subset becomes the GOV.UK Frontend component that shows it; a table
stacks its rows on a phone (each cell labelled with its column's heading).

The text is read by the XML parser (unescaped) and written back by ElementTree (escaped
again), so nothing a user typed becomes markup, as in the PDF."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from openepa.documents.markup import BLOCKS, HEADINGS, INLINE, PARAGRAPH_CLASSES, MarkupError

HEADING_CLASSES = {"h1": "govuk-heading-l", "h2": "govuk-heading-m", "h3": "govuk-heading-s"}


@dataclass
class HtmlDocument:
    """The title, the metadata (author, subject, footer) and the body as safe HTML."""

    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    body: SafeString = field(default_factory=lambda: mark_safe(""))


def _inline(source: ET.Element, target: ET.Element) -> None:
    """Copy the inline content (text, b/strong, i/em, br) of source into target."""
    target.text = source.text
    for child in source:
        if child.tag == "br":
            made = ET.SubElement(target, "br")
        elif child.tag in INLINE:
            made = ET.SubElement(target, "strong" if INLINE[child.tag] == "b" else "em")
            _inline(child, made)
        else:
            raise MarkupError(f"<{child.tag}> is not allowed inside <{source.tag}>")
        made.tail = child.tail


def _elements(source: ET.Element) -> list[ET.Element]:
    if (source.text or "").strip() or any((c.tail or "").strip() for c in source):
        raise MarkupError(f"text directly inside <{source.tag}> must be in a child element")
    return list(source)


def _table(source: ET.Element) -> ET.Element:
    table = ET.Element("table", {"class": "govuk-table app-table--stack"})
    headings: list[str] = []
    for part in _elements(source):
        rows = [part] if part.tag == "tr" else _elements(part)
        if part.tag not in ("thead", "tbody", "tr"):
            raise MarkupError(f"<{part.tag}> is not allowed inside <table>")
        section = table
        if part.tag != "tr":
            kind = "head" if part.tag == "thead" else "body"
            section = ET.SubElement(table, part.tag, {"class": f"govuk-table__{kind}"})
        for row in rows:
            tr = ET.SubElement(section, "tr", {"class": "govuk-table__row"})
            for index, cell in enumerate(_elements(row)):
                if cell.tag == "th":
                    scope = "col" if part.tag == "thead" else "row"
                    made = ET.SubElement(tr, "th", {"class": "govuk-table__header", "scope": scope})
                    if part.tag == "thead":
                        headings.append(" ".join("".join(cell.itertext()).split()))
                elif cell.tag == "td":
                    made = ET.SubElement(tr, "td", {"class": "govuk-table__cell"})
                    if index < len(headings):
                        made.set("data-label", headings[index])
                else:
                    raise MarkupError(f"<{cell.tag}> is not allowed inside <tr>")
                _inline(cell, made)
    return table


def _summary(source: ET.Element) -> ET.Element:
    """<dl>: a GOV.UK summary list, a row for each <dt> with its <dd>s."""
    summary = ET.Element("dl", {"class": "govuk-summary-list"})
    row: ET.Element | None = None
    for child in _elements(source):
        if child.tag == "dt":
            row = ET.SubElement(summary, "div", {"class": "govuk-summary-list__row"})
            made = ET.SubElement(row, "dt", {"class": "govuk-summary-list__key"})
        elif child.tag == "dd" and row is not None:
            made = ET.SubElement(row, "dd", {"class": "govuk-summary-list__value"})
        else:
            raise MarkupError(f"<{child.tag}> must follow a <dt> in a <dl>")
        _inline(child, made)
    return summary


def _block(source: ET.Element) -> ET.Element:
    tag = source.tag
    if tag in HEADINGS:
        made = ET.Element(tag, {"class": HEADING_CLASSES[tag]})
    elif tag == "p":
        kind = source.get("class", "")
        if kind not in PARAGRAPH_CLASSES:
            raise MarkupError(f'<p class="{kind}"> is not a known paragraph style')
        made = ET.Element(
            "p",
            {
                "class": {"": "govuk-body", "small": "govuk-body-s", "notice": "govuk-inset-text"}[
                    kind
                ]
            },
        )
    elif tag == "ul":
        made = ET.Element("ul", {"class": "govuk-list govuk-list--bullet"})
        for item in _elements(source):
            if item.tag != "li":
                raise MarkupError(f"<{item.tag}> is not allowed inside <ul>")
            _inline(item, ET.SubElement(made, "li"))
        return made
    elif tag == "table":
        return _table(source)
    elif tag == "dl":
        return _summary(source)
    elif tag == "hr":
        return ET.Element("hr", {"class": "govuk-section-break govuk-section-break--visible"})
    else:
        raise MarkupError(f"<{tag}> is not a supported block")
    _inline(source, made)
    return made


def to_html(markup: str) -> HtmlDocument:
    """The accessible HTML of the rendered template; MarkupError outside the subset."""
    try:
        root = ET.fromstring(markup.strip())
    except ET.ParseError as problem:
        raise MarkupError(f"the rendered template is not well-formed: {problem}") from None
    document = HtmlDocument()
    blocks: list[str] = []
    for part in _elements(root):
        if part.tag == "head":
            for item in _elements(part):
                if item.tag == "title":
                    document.title = " ".join((item.text or "").split())
                else:
                    document.meta[item.get("name", "")] = item.get("content", "")
        elif part.tag == "body":
            for block in _elements(part):
                if block.tag not in BLOCKS:
                    raise MarkupError(f"<{block.tag}> is not a supported block")
                blocks.append(ET.tostring(_block(block), encoding="unicode", method="html"))
    document.body = mark_safe("\n".join(blocks))  # built by ElementTree: text escaped
    return document
