"""The converter from a rendered template to a PDF: the subset it accepts, what it refuses
by name, user text kept as text, and the same bytes for the same markup."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph as ReportLabParagraph

from openepa.documents.fonts import HELVETICA, family
from openepa.documents.markup import MarkupError, parse, to_pdf
from tests.documents.journeys import pdf_text


def page(body: str, head: str = "<title>A document</title>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_headings_paragraphs_lists_tables_and_definitions_come_out_as_text():
    markup = page(
        "<h1>Statement</h1><h2>Grades</h2><h3>Detail</h3>"
        "<p>Plain <b>bold</b> <strong>strong</strong> <i>italic</i> <em>em</em><br/>next line</p>"
        '<p class="small">Small print</p><p class="notice">Not the certificate</p>'
        "<ul><li>First item</li><li>Second item</li></ul>"
        '<table widths="1,3"><thead><tr><th>Method</th><th>Grade</th></tr></thead>'
        "<tbody><tr><td>Showcase</td><td>Distinction</td></tr></tbody></table>"
        "<dl><dt>ULN</dt><dd>1234567890</dd><dt>Dates</dt><dd>1 May</dd><dd>2 May</dd></dl><hr/>"
    )
    text = pdf_text(to_pdf(markup))
    for words in (
        "Statement",
        "Grades",
        "Detail",
        "Plain bold strong italic em next line",
        "Small print",
        "Not the certificate",
        "First item",
        "Second item",
        "Method Grade Showcase Distinction",
        "ULN 1234567890",
        "Dates 1 May 2 May",
    ):
        assert words in text, words


def test_user_text_with_markup_characters_is_printed_as_written():
    # As Django's autoescaping hands it over: the parser reads it back as text.
    name = "Zoë &amp; &lt;b&gt;Sons&lt;/b&gt; O&#x27;Neil &quot;Jr&quot;"
    text = pdf_text(to_pdf(page(f"<p>{name}</p><table><tr><td>{name}</td></tr></table>")))
    assert text.count('Zoë & <b>Sons</b> O\'Neil "Jr"') == 2


def test_the_title_author_and_footer_come_from_the_head():
    markup = page(
        "<p>Body</p>",
        '<title>Statement of results: Ada</title><meta name="author" content="Northern EPAO"/>'
        '<meta name="subject" content="ST0072"/><meta name="footer" content="REF-1 footer"/>',
    )
    content = to_pdf(markup)
    meta = PdfReader(io.BytesIO(content)).metadata
    assert meta is not None
    assert (meta.title, meta.author, meta.subject) == (
        "Statement of results: Ada",
        "Northern EPAO",
        "ST0072",
    )
    assert "REF-1 footer" in pdf_text(content)
    assert "Page 1" in pdf_text(content)


def test_every_page_has_the_footer_and_its_number():
    long = "".join(f"<p>Paragraph {n} of a long letter.</p>" for n in range(150))
    content = to_pdf(page(long, '<title>Long</title><meta name="footer" content="REF-9"/>'))
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    for number, each in enumerate(reader.pages, start=1):
        text = each.extract_text()
        assert "REF-9" in text
        assert f"Page {number}" in text


def test_the_same_markup_gives_the_same_bytes():
    markup = page(
        "<h1>Statement</h1><p>Grade: Pass</p>", '<title>T</title><meta name="footer" content="F"/>'
    )
    assert to_pdf(markup) == to_pdf(markup)


def test_laying_out_once_and_keeping_font_subsets_change_no_byte(settings, monkeypatch):
    """The paragraphs' lines broken once per width and each font subset made once
    (openepa.documents.markup.Paragraph, fonts.keep_subsets) give the bytes ReportLab gives
    without them, on pages that split paragraphs and tables, in DejaVu Sans and Helvetica."""
    cells = "".join(
        f"<tr><td>Criterion {n}</td><td>{'A long explanation of the judgement. ' * (n % 7 + 1)}"
        "</td></tr>"
        for n in range(60)
    )
    letter = "".join(f"<p>{'Łukasz wrote a long paragraph. ' * 40} {n}</p>" for n in range(6))
    markup = page(
        f"<h1>Feedback</h1><table widths='1,3'>{cells}</table>{letter}<ul><li>Last</li></ul>",
        '<title>Long</title><meta name="footer" content="REF-9"/>',
    )
    ours = [to_pdf(markup), to_pdf(markup)]  # the second with the subsets kept by the first
    fonts = family(settings.OPENEPA_PDF_FONT_DIR)
    assert fonts != HELVETICA  # the test image has DejaVu Sans
    monkeypatch.setattr("openepa.documents.markup.Paragraph", ReportLabParagraph)
    for name in {fonts.regular, fonts.bold}:
        font = pdfmetrics.getFont(name)
        assert isinstance(font, TTFont)
        face = font.face
        monkeypatch.setattr(face, "makeSubset", type(face).makeSubset.__get__(face))
    reportlab = to_pdf(markup)
    assert len(PdfReader(io.BytesIO(reportlab)).pages) >= 3
    assert ours == [reportlab, reportlab]


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("<html><body><p>unclosed</body></html>", "not well-formed"),
        ("<body><p>x</p></body>", "one <html> element"),
        (page('<script>alert("x")</script>'), "<script> is not allowed inside <body>"),
        (page('<p>a <a href="x">link</a></p>'), "<a> is not allowed inside <p>"),
        (page('<p class="fancy">x</p>'), '<p class="fancy"> is not a known paragraph style'),
        (page("<ul>loose text<li>x</li></ul>"), "text directly inside <ul>"),
        (page("<ul><p>x</p></ul>"), "<p> is not allowed inside <ul> (only <li>)"),
        (page("<table></table>"), "<table> needs at least one <tr>"),
        (
            page("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "the same number of cells",
        ),
        (
            page('<table widths="1"><tr><td>a</td><td>b</td></tr></table>'),
            "needs 2 positive numbers",
        ),
        (page('<table widths="a,b"><tr><td>a</td><td>b</td></tr></table>'), "must be numbers"),
        (page("<dl><dd>x</dd></dl>"), "<dd> must follow a <dt>"),
        (page("<dl><dt>x</dt></dl>"), "every <dt> of a <dl> needs a <dd>"),
        (page("<p>a<br>b</br></p>"), "<br/> must be empty"),
        (
            page("<p>x</p>", '<meta name="keywords" content="x"/>'),
            '<meta name="keywords"> is not supported',
        ),
    ],
)
def test_anything_outside_the_subset_is_refused_by_name(markup, message):
    with pytest.raises(MarkupError, match=re.escape(message)):
        parse(markup)


def test_names_beyond_latin_1_print_as_written_with_dejavu_sans(settings):
    if family(settings.OPENEPA_PDF_FONT_DIR) == HELVETICA:
        pytest.skip(
            f"DejaVu Sans is not in {settings.OPENEPA_PDF_FONT_DIR} (apt-get install fonts-dejavu-core)"
        )
    markup = page("<p>Łukasz Żółć, Ștefan Țăran and Åsa Øvre</p><p><b>Łucja</b> <i>Ćwik</i></p>")
    content = to_pdf(markup)
    assert "Łukasz Żółć, Ștefan Țăran and Åsa Øvre Łucja Ćwik" in pdf_text(content)
    assert to_pdf(markup) == content


def test_without_dejavu_sans_the_documents_fall_back_to_helvetica(settings, tmp_path):
    assert family(str(tmp_path)) == HELVETICA
    settings.OPENEPA_PDF_FONT_DIR = str(tmp_path)
    assert "Åsa Zoë" in pdf_text(to_pdf(page("<p>Åsa Zoë</p>")))
