"""The typeface of the documents. ReportLab's built-in Helvetica only has the Latin-1
characters, so a name like "Łukasz Żółć" would print as black boxes; DejaVu Sans (Debian's
``fonts-dejavu-core``, embedded as a subset) covers Latin Extended, Greek and Cyrillic.
Where it is not installed the documents fall back to Helvetica rather than fail."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

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
        pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(FAMILY, 1 if is_bold else 0, 1 if is_italic else 0, name)
        names[(is_bold, is_italic)] = name
    return Family(names[(False, False)], names[(True, False)])
