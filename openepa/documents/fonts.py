"""The typeface of the documents. ReportLab's built-in Helvetica only has the Latin-1
characters, so a name like "Łukasz Żółć" would print as black boxes; DejaVu Sans (Debian's
``fonts-dejavu-core``, embedded as a subset) covers Latin Extended, Greek and Cyrillic.
Where it is not installed the documents fall back to Helvetica rather than fail."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

FAMILY = "OpenEPASans"
#: File names in the font folder, by (bold, italic); the italics are in fonts-dejavu-extra
#: and fall back to the upright faces.
FACES = {
    (False, False): "DejaVuSans.ttf",
    (True, False): "DejaVuSans-Bold.ttf",
    (False, True): "DejaVuSans-Oblique.ttf",
    (True, True): "DejaVuSans-BoldOblique.ttf",
}


@dataclass(frozen=True)
class Family:
    regular: str
    bold: str


HELVETICA = Family("Helvetica", "Helvetica-Bold")


#: The font subsets kept per face: a document's subset is the characters it uses in the
#: order it first uses them, so documents of one kind (their headings come first) mostly
#: share a handful.
SUBSETS_KEPT = 64


def keep_subsets(face: TTFontFace) -> None:
    """Make each distinct subset of the face once per process. ReportLab builds the embedded
    font file of every PDF again from the whole TrueType file (about an eighth of a
    document's rendering); the same characters in the same order give the same bytes, so
    the PDFs do not change (tests/documents compare them)."""
    make = face.makeSubset

    @functools.lru_cache(maxsize=SUBSETS_KEPT)
    def made(subset: tuple[int, ...]) -> bytes:
        content: bytes = make(list(subset))
        return content

    def makeSubset(subset: Sequence[int]) -> bytes:
        return made(tuple(subset))

    face.makeSubset = makeSubset  # type: ignore[method-assign]


@functools.cache
def family(directory: str) -> Family:
    """Register DejaVu Sans from `directory` once; Helvetica when its upright faces are
    missing."""
    folder = Path(directory)
    regular, bold = (folder / FACES[(False, False)], folder / FACES[(True, False)])
    if not (regular.is_file() and bold.is_file()):
        return HELVETICA
    names = {}
    for (is_bold, is_italic), file in FACES.items():
        path = folder / file
        if not path.is_file():  # no italic face: the upright one stands in
            path = bold if is_bold else regular
        name = f"{FAMILY}-{int(is_bold)}{int(is_italic)}"
        font = TTFont(name, str(path))
        keep_subsets(font.face)
        pdfmetrics.registerFont(font)
        addMapping(FAMILY, 1 if is_bold else 0, 1 if is_italic else 0, name)
        names[(is_bold, is_italic)] = name
    return Family(names[(False, False)], names[(True, False)])
