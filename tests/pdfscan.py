"""Read what a PDF page really draws: every path and every run of text, in page coordinates,
with the marked-content tags around it (/View, /Badge, /Leader, /QRCode, /QRCaption).

A small content-stream interpreter over pikepdf: it tracks the graphics state (q/Q, cm, w,
colours), text state (Tf, Tm, Td, TL, T*) and marked content (BDC/BMC/EMC). Text widths come
from the fonts' own /Widths in the file; glyphs from the embedded font programs (fontTools).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF order: a point p maps to p*m*n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def scale_of(m: Matrix) -> float:
    a, b, c, d, _, _ = m
    return math.sqrt(abs(a * d - b * c))


@dataclass
class Paint:
    tags: tuple
    points: list  # page coordinates of every path point
    segments: list  # straight pieces (for leader lines)
    stroke: bool
    fill: bool
    line_width: float  # on paper, points
    stroke_gray: float
    fill_gray: float = 0.0


@dataclass
class Text:
    tags: tuple
    font: str  # resource name, e.g. /F1+0
    size: float  # on paper, points
    codes: bytes
    box: tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass
class Page:
    paints: list[Paint] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    fonts: dict = field(default_factory=dict)  # resource name -> font dictionary

    def tagged(self, name: str) -> list:
        return [
            item for item in self.paints + self.texts if any(tag == name for tag, _ in item.tags)
        ]


def _tag_props(operands) -> tuple[str, dict]:
    name = str(operands[0])
    props = {}
    if len(operands) > 1 and isinstance(operands[1], pikepdf.Dictionary):
        props = {
            str(k): (
                str(v)
                if isinstance(v, pikepdf.String)
                else int(v)
                if isinstance(v, int) or str(v).lstrip("-").isdigit()
                else str(v)
            )
            for k, v in operands[1].items()
        }
    return name, props


def _widths(font) -> tuple[int, list[float]]:
    first = int(font.get("/FirstChar", 0))
    return first, [float(w) for w in font.get("/Widths", [])]


def read_page(page: pikepdf.Page) -> Page:
    result = Page()
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    fonts = resources.get("/Font", pikepdf.Dictionary())
    result.fonts = {str(k): v for k, v in fonts.items()}
    ctm, stack = IDENTITY, []
    width, gray, fill_gray = 1.0, 0.0, 0.0
    tags: list = []
    path: list = []
    segments: list = []
    current = start = None
    tm = tlm = IDENTITY
    font, size, leading = None, 0.0, 0.0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append((ctm, width, gray, fill_gray))
        elif op == "Q":
            ctm, width, gray, fill_gray = stack.pop()
        elif op == "cm":
            ctm = multiply(tuple(float(v) for v in operands), ctm)
        elif op == "w":
            width = float(operands[0])
        elif op == "RG":
            gray = sum(float(v) for v in operands) / 3
        elif op == "G":
            gray = float(operands[0])
        elif op == "rg":
            fill_gray = sum(float(v) for v in operands) / 3
        elif op == "g":
            fill_gray = float(operands[0])
        elif op in ("BDC", "BMC"):
            tags.append(_tag_props(operands))
        elif op == "EMC":
            tags.pop()
        elif op == "m":
            current = start = apply(ctm, float(operands[0]), float(operands[1]))
            path.append(current)
        elif op == "l":
            point = apply(ctm, float(operands[0]), float(operands[1]))
            segments.append((current, point))
            path.append(point)
            current = point
        elif op in ("c", "v", "y"):
            values = [float(v) for v in operands]
            points = [apply(ctm, values[i], values[i + 1]) for i in range(0, len(values), 2)]
            path.extend(points)
            current = points[-1]
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            path.extend(
                apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))
            )
        elif op == "h":
            if current is not None and start is not None:
                segments.append((current, start))
        elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
            if op != "n" and path:
                result.paints.append(
                    Paint(
                        tuple(tags),
                        path,
                        segments,
                        op in ("S", "s", "B", "B*", "b", "b*"),
                        op not in ("S", "s"),
                        width * scale_of(ctm),
                        gray,
                        fill_gray,
                    )
                )
            path, segments, current = [], [], None
        elif op == "BT":
            tm = tlm = IDENTITY
        elif op == "Tf":
            font, size = str(operands[0]), float(operands[1])
        elif op == "TL":
            leading = float(operands[0])
        elif op == "Tm":
            tm = tlm = tuple(float(v) for v in operands)
        elif op in ("Td", "TD"):
            tx, ty = float(operands[0]), float(operands[1])
            tm = tlm = multiply((1, 0, 0, 1, tx, ty), tlm)
            if op == "TD":
                leading = -ty
        elif op == "T*":
            tm = tlm = multiply((1, 0, 0, 1, 0, -leading), tlm)
        elif op in ("Tj", "TJ", "'", '"'):
            if op in ("'", '"'):
                tm = tlm = multiply((1, 0, 0, 1, 0, -leading), tlm)
            items = operands[-1] if op == "TJ" else [operands[-1]]
            for item in items:
                if isinstance(item, pikepdf.String):
                    codes = bytes(item)
                    first, widths = _widths(result.fonts[font])
                    advance = (
                        sum(widths[c - first] if 0 <= c - first < len(widths) else 0 for c in codes)
                        / 1000
                        * size
                    )
                    full = multiply(tm, ctm)
                    x0, y0 = apply(full, 0, -0.22 * size)
                    x1, y1 = apply(full, advance, 0.78 * size)
                    result.texts.append(
                        Text(
                            tuple(tags),
                            font,
                            size * scale_of(full),
                            codes,
                            (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                        )
                    )
                    tm = multiply((1, 0, 0, 1, advance, 0), tm)
                else:
                    tm = multiply((1, 0, 0, 1, -float(item) / 1000 * size, 0), tm)
    return result


def read(pdf) -> list[Page]:
    with pikepdf.open(pdf if not isinstance(pdf, bytes) else io.BytesIO(pdf)) as document:
        return [read_page(page) for page in document.pages]


def bbox(points) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def missing_glyphs(pdf) -> list[str]:
    """Every character drawn with a glyph its embedded font does not have (an empty .notdef
    stand-in), named by the Unicode value the file gives it: read from the PDF alone."""
    from fontTools.ttLib import TTFont

    problems = []
    with pikepdf.open(pdf if not isinstance(pdf, bytes) else io.BytesIO(pdf)) as document:
        programs: dict = {}
        for number, page in enumerate(document.pages, start=1):
            scanned = read_page(page)
            for text in scanned.texts:
                font = scanned.fonts[text.font]
                key = font.objgen
                if key not in programs:
                    programs[key] = _program(font, TTFont)
                cmap, glyphs, unicode = programs[key]
                for code in text.codes:
                    char = unicode.get(code, "")
                    glyph = cmap.get(code)
                    empty = (
                        glyph is None
                        or glyph == ".notdef"
                        or (glyphs.get(glyph, 0) == 0 and not char.isspace())
                    )
                    if empty or code == 0:
                        problems.append(
                            f"page {number}: {text.font} code {code} ({char!r}) has no glyph"
                        )
    return problems


def _program(font, TTFont):
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == "/Type0" or descriptor is None or "/FontFile2" not in descriptor:
        raise AssertionError(f"{font.get('/BaseFont')}: not an embedded simple TrueType font")
    program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
    table = next(t for t in program["cmap"].tables)
    glyf = program["glyf"]
    contours = {name: glyf[name].numberOfContours for name in program.getGlyphOrder()}
    unicode = {}
    if "/ToUnicode" in font:
        import re

        cmap_text = font.ToUnicode.read_bytes().decode("latin-1")
        for src, dst in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", cmap_text):
            unicode[int(src, 16)] = chr(int(dst, 16))
    return dict(table.cmap), contours, unicode


def read_page_boxes(pdf, index: int) -> list[tuple[float, float, float, float]]:
    """The boxes of the QR codes on one page (the footer's tallest part)."""
    with pikepdf.open(pdf) as document:
        page = read_page(document.pages[index])
    return [bbox(p.points) for p in page.tagged("/QRCode")]
