"""Register each font family with reportlab once per process (parsed faces come from the font
cache, render/fontcache.py)."""

from __future__ import annotations

import functools

from reportlab.pdfbase import pdfmetrics

from handouts.content.fontfiles import font_path
from handouts.records import Record, record
from handouts.render.fontcache import load_font


@record(frozen=True, eq=False, repr=False)
class FontPair(Record):
    regular: str
    bold: str
    ascent: float  # fraction of the font size above the baseline
    descent: float  # fraction below (positive)

    def name(self, bold: bool = False) -> str:
        return self.bold if bold else self.regular

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return pdfmetrics.stringWidth(text, self.name(bold), size)


def family(name: str) -> FontPair:
    """Load a family's regular and bold TrueType files (subset and embedded in every PDF)."""
    return _family(str(name))  # a str subclass (content Text) would miss the cache


@functools.cache
def _family(name: str) -> FontPair:
    names, fonts = [], []
    for weight in ("regular", "bold"):
        font_name = f"{name}-{weight.capitalize()}"
        fonts.append(load_font(font_name, font_path(name, weight)))
        pdfmetrics.registerFont(fonts[-1])
        names.append(font_name)
    pdfmetrics.registerFontFamily(
        name, normal=names[0], bold=names[1], italic=names[0], boldItalic=names[1]
    )
    face = fonts[0].face
    return FontPair(names[0], names[1], face.ascent / 1000, -face.descent / 1000)
