"""Real evidence files with words in them, as an apprentice's side would upload."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def docx(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(
            "word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
        )
    return buffer.getvalue()


def pptx(*slides: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        for n, text in enumerate(slides, start=1):
            package.writestr(
                f"ppt/slides/slide{n}.xml",
                f'<p:sld xmlns:p="p" xmlns:a="{A}"><a:p><a:r><a:t>{escape(text)}</a:t></a:r></a:p></p:sld>',
            )
    return buffer.getvalue()


def pdf(*lines: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    y = 800
    for line in lines:
        canvas.drawString(40, y, line)
        y -= 20
    canvas.save()
    return buffer.getvalue()
