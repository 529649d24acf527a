"""Where each furigana base ends and what follows it on its line, read back from a PDF.

pdfruby.clusters gives each cluster's base and reading by their ink; here the base's glyphs
are placed by their origins and advances (pdfium's text objects, the /ActualText spans taken
out), so a blank is measured between advance boxes, as a typesetter measures it: from the end
of the base's last character to the start of the next character drawn on the same baseline, and
from the end of the text drawn just before it on that baseline to the base's first character.
"""

from __future__ import annotations

import ctypes
from typing import NamedTuple

from pdfruby import text_objects, without_actual_text


class Base(NamedTuple):
    page: int
    text: str  # the base as drawn (its visible characters at the base's size)
    left: float  # the first base character's origin
    right: float  # the last base character's origin plus its advance
    size: float
    reading: str
    reading_left: float
    reading_right: float
    raised: float  # how far the reading's baseline stands above the base's
    following: str  # the next character drawn on the same baseline ("" at a line's end)
    following_left: float
    same_font: bool  # the next character is in the base's font (not a bold name's text)
    preceding: str = ""  # the character drawn just before the base on its baseline ("" first)
    preceding_right: float = 0.0  # its origin plus its advance
    preceding_same_font: bool = False  # in the base's font
    baseline: float = 0.0  # the base's baseline (y)


def _objects(page):
    """(text, origin x, baseline y, font name, size, invisible) of each text object."""
    import pypdfium2.raw as raw

    for obj, text, size, invisible in text_objects(page):
        matrix = obj.get_matrix()
        font = raw.FPDFTextObj_GetFont(obj.raw)
        name = ctypes.create_string_buffer(256)
        raw.FPDFFont_GetBaseFontName(font, name, 256)
        yield text, matrix.e, matrix.f, name.value, size * matrix.a, invisible


def bases(pdf: bytes, advance) -> list[Base]:
    """Every furigana base of a document with its reading and the character after it.
    `advance(text, size)`: a base text's advance width (the document's font)."""
    import pypdfium2 as pdfium

    plain, actual = without_actual_text(pdf)
    document = pdfium.PdfDocument(plain)
    found: list[Base] = []
    for number in range(len(document)):
        objects = list(_objects(document[number]))
        texts = iter(actual[number])
        index = 0
        while index < len(objects):
            if not objects[index][5]:
                index += 1
                continue
            end = index + 1
            while end < len(objects) and not objects[end][5]:
                end += 1
            inside = objects[index + 1 : end]
            opening = index
            index = end + 1
            text = next(texts)
            size = max(o[4] for o in inside)
            base = sorted((o for o in inside if abs(o[4] - size) < 0.01), key=lambda o: o[1])
            reading = [o for o in inside if o[4] < size - 0.01]
            if not reading:
                continue
            # pdfium drops a visible character drawn over the invisible one that opens the
            # span: the object that lost it gets it back from the span's text.
            missing, at = len(text) - sum(len(o[0]) for o in base), 0
            for number_, item in enumerate(base):
                chars = item[0]
                if missing > 0 and (not chars or not text.startswith(chars, at)):
                    chars, missing = text[at : at + missing] + chars, 0
                    base[number_] = (chars,) + item[1:]
                at += len(chars)
            baseline = base[0][2]
            last = base[-1]
            after = next((o for o in objects[end + 1 :] if not o[5] and o[0]), None)
            same_line = after is not None and abs(after[2] - baseline) < 0.5 and after[1] >= last[1]
            before = next((o for o in reversed(objects[:opening]) if not o[5] and o[0]), None)
            first = min(o[1] for o in base)
            before_line = (
                before is not None and abs(before[2] - baseline) < 0.5 and before[1] < first
            )
            found.append(
                Base(
                    number,
                    text,
                    min(o[1] for o in base),
                    last[1] + advance(last[0], size),
                    size,
                    "".join(o[0] for o in sorted(reading, key=lambda o: o[1])),
                    min(o[1] for o in reading),
                    max(o[1] + advance(o[0], o[4]) for o in reading),
                    min(o[2] for o in reading) - baseline,
                    after[0][:1] if same_line else "",
                    after[1] if same_line else 0.0,
                    same_line and after[3] == last[3],
                    before[0][-1:] if before_line else "",
                    before[1] + advance(before[0], before[4]) if before_line else 0.0,
                    before_line and before[3] == last[3],
                    baseline,
                )
            )
    return found
