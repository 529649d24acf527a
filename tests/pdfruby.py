"""Furigana read back from a PDF: each base text with its reading, where each is drawn.

The renderer draws a reading and its base inside one marked-content span whose /ActualText is
the base (so extraction gives the base once). To see the reading itself, the spans are taken
out of a copy of the file (pikepdf) and its text objects read in drawing order (pdfium): a
cluster is framed by two invisible characters (text mode 3); inside, the characters at the
base's size are the base, the smaller ones the reading.
"""

from __future__ import annotations

import ctypes
import io
from typing import NamedTuple


class Box(NamedTuple):
    left: float
    bottom: float
    right: float
    top: float


class Cluster(NamedTuple):
    page: int
    actual: str  # the span's /ActualText: the base text
    base: str
    reading: str
    base_box: Box
    reading_box: Box | None
    base_size: float
    reading_size: float


def without_actual_text(pdf: bytes, invisible: bool = True) -> tuple[bytes, list[list[str]]]:
    """The file with every /ActualText span unwrapped (its content kept, but for invisible text
    if `invisible` is false), and each page's ActualText values in order."""
    import pikepdf

    document = pikepdf.open(io.BytesIO(pdf))
    found: list[list[str]] = []
    for page in document.pages:
        texts, kept, stack = [], [], []
        mode = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "Tr":
                mode = int(operands[0])
            if not invisible and mode == 3 and name in ("Tj", "TJ", "'", '"'):
                continue
            if (
                name == "BDC"
                and isinstance(operands[1], pikepdf.Dictionary)
                and "/ActualText" in operands[1]
            ):
                texts.append(str(operands[1].ActualText))
                stack.append(False)
                continue
            if name in ("BDC", "BMC"):
                stack.append(True)
            elif name == "EMC" and not stack.pop():
                continue
            kept.append((operands, operator))
        page.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        found.append(texts)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), found


def text_objects(page):
    """(object, text, font size, invisible) of each text object of a page, in drawing order."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    for obj in page.get_objects():
        if obj.type != raw.FPDF_PAGEOBJ_TEXT:
            continue
        length = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buffer = (ctypes.c_ushort * max(length // 2, 1))()
        raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, length)
        text = bytes(buffer).decode("utf-16-le").rstrip("\x00")
        size = ctypes.c_float()
        raw.FPDFTextObj_GetFontSize(obj.raw, size)
        invisible = raw.FPDFTextObj_GetTextRenderMode(obj.raw) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
        yield obj, text, size.value, invisible


def _objects(page):
    """(text, box, size, invisible) of each text object of a page, in drawing order."""
    for obj, text, size, invisible in text_objects(page):
        yield text, Box(*obj.get_bounds()), size, invisible


def clusters(pdf: bytes) -> list[Cluster]:
    """Every furigana cluster of a document, in drawing order."""
    import pypdfium2 as pdfium

    plain, actual = without_actual_text(pdf)
    document = pdfium.PdfDocument(plain)
    found = []
    for number in range(len(document)):
        texts = iter(actual[number])
        inside: list | None = None
        for text, box, size, invisible in _objects(document[number]):
            if invisible:
                if inside is None:
                    inside = []
                    continue
                found.append(_cluster(number, next(texts), inside))
                inside = None
            elif inside is not None:
                inside.append((text, box, size))
    return found


def _cluster(page: int, actual: str, parts: list) -> Cluster:
    """One cluster from its objects. The base's text is the span's ActualText (pdfium reads a
    visible character drawn exactly over the invisible marker as a duplicate); its box is the
    union of the visible base-size objects'. The reading is the smaller characters' text
    (pdfium puts spaces between characters spread apart)."""
    base_size = max(size for _, _, size in parts)
    base = [(t, b) for t, b, s in parts if s == base_size]
    reading = [(t, b) for t, b, s in parts if s < base_size]
    reading_size = min(s for _, _, s in parts)

    def union(items):
        if not items:
            return None
        return Box(
            min(b.left for _, b in items),
            min(b.bottom for _, b in items),
            max(b.right for _, b in items),
            max(b.top for _, b in items),
        )

    return Cluster(
        page,
        actual,
        actual,
        "".join("".join(t.split()) for t, _ in reading),
        union(base),
        union(reading),
        base_size,
        reading_size,
    )


def rules(page) -> tuple[float, float]:
    """(bottom, top) of the body: the lowest and the highest line drawn across the whole text
    width (the footer's rule and the header's; ruled writing lines and boxes lie between)."""
    import pypdfium2.raw as raw

    width, _ = page.get_size()
    found = []
    for obj in page.get_objects():
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        if right - left > width * 0.8 and top - bottom < 3:
            found.append((bottom + top) / 2)
    return min(found), max(found)


def body(pdf) -> str:
    """The text between header and footer (their rules), page after page (page numbers
    aside), as pdfium extracts it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    found = ""
    for index in range(len(document)):
        page = document[index]
        width, _ = page.get_size()
        bottom, top = rules(page)
        found += page.get_textpage().get_text_bounded(0, bottom + 1, width, top - 1)
    return found
