"""The words in an uploaded piece of evidence, for suggesting the criteria it shows.

PDF through pypdf; Word and PowerPoint (Office Open XML, ECMA-376) straight from the ZIP
package's XML parts with the standard library: the text runs are <w:t> (WordprocessingML,
Part 1 §17.3.3.31) and <a:t> (DrawingML, Part 1 §21.1.2.3.11). Images carry no text here.
Reading is bounded (pages, parts, bytes, characters) so a hostile file cannot make it slow;
anything unreadable gives no text, never an error: the suggestions are only a help."""

from __future__ import annotations

import logging
import re
import zipfile
from typing import IO
from xml.etree import ElementTree

logger = logging.getLogger(__name__)

#: Enough text to judge a piece of evidence by; the rest adds time, not meaning.
MAX_CHARS = 20_000
MAX_PDF_PAGES = 30
MAX_PART_BYTES = 5_000_000
MAX_PARTS = 60

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")


def extract_text(stream: IO[bytes], kind_code: str) -> str:
    """The document's text (at most MAX_CHARS), or "" for images and unreadable files."""
    try:
        if kind_code == "pdf":
            text = _pdf(stream)
        elif kind_code in ("docx", "pptx"):
            text = _office(stream, kind_code)
        else:
            return ""
    except Exception:  # a broken file gives no suggestions; the upload itself was checked
        logger.info("No text could be read from an uploaded %s", kind_code, exc_info=True)
        return ""
    finally:
        stream.seek(0)
    return " ".join(text.split())[:MAX_CHARS]


def _pdf(stream: IO[bytes]) -> str:
    from pypdf import PdfReader

    stream.seek(0)
    reader = PdfReader(stream)
    found: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        chunk = page.extract_text() or ""
        found.append(chunk)
        size += len(chunk)
        if size >= MAX_CHARS:
            break
    return "\n".join(found)


def _office(stream: IO[bytes], kind_code: str) -> str:
    stream.seek(0)
    with zipfile.ZipFile(stream) as package:
        names = package.namelist()
        if kind_code == "docx":
            parts = [n for n in ("word/document.xml",) if n in names]
            tag = _W + "t"
        else:
            slides = [(int(m.group(1)), n) for n in names if (m := _SLIDE.fullmatch(n))]
            parts = [n for _, n in sorted(slides)]
            tag = _A + "t"
        found: list[str] = []
        size = 0
        for name in parts[:MAX_PARTS]:
            if package.getinfo(name).file_size > MAX_PART_BYTES:
                continue
            root = ElementTree.fromstring(package.read(name))
            for paragraph in root.iter(_W + "p" if kind_code == "docx" else _A + "p"):
                line = "".join(node.text or "" for node in paragraph.iter(tag))
                found.append(line)
                size += len(line)
            if size >= MAX_CHARS:
                break
    return "\n".join(found)
