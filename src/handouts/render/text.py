"""Text flowables laid out by handouts.linebreak, set in a font that has every glyph.

A text style names the language's font family; characters that family lacks are set, run by
run, in the first other bundled family that has them (a Japanese patient's name on an English
sheet). A character no bundled font has stops the document with its place in the content.
"""

from __future__ import annotations

import functools

from reportlab.lib.colors import Color, black
from reportlab.platypus import Flowable

from handouts.document import source_of
from handouts.errors import HandoutsError
from handouts.fontfiles import charset, font_families
from handouts.linebreak import BreakRules, Line, fill, pieces_of
from handouts.render.fonts import FontPair, family

INVISIBLE = frozenset(" \t\n\u00a0")


class MissingGlyph(HandoutsError):
    """A character that no bundled font can draw: the document is refused, not printed blank."""


class FontChain:
    """The language's family first, then every other bundled family, in fonts.yaml order."""

    def __init__(self, primary: str):
        self.names = (str(primary), *[n for n in font_families() if n != str(primary)])
        self._runs: dict[tuple[str, bool], list[tuple[str, str]]] = {}

    @property
    def primary(self) -> FontPair:
        return family(self.names[0])        # registered once per process (render.fonts)

    def covers(self, name: str, bold: bool) -> frozenset[int]:
        return charset(name, "bold" if bold else "regular")

    def check(self, text: str, bold: bool) -> None:
        """Refuse a text with a character no bundled family has (naming it and its place)."""
        primary = self.covers(self.names[0], bold)
        for index, char in enumerate(text):
            if char in INVISIBLE or ord(char) in primary:
                continue
            if not any(ord(char) in self.covers(name, bold) for name in self.names[1:]):
                raise MissingGlyph(
                    f"character {char!r} (U+{ord(char):04X}) in {source_of(text, index)} is in "
                    f"no bundled font ({', '.join(self.names)}); remove or replace it")

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """(reportlab font name, text) runs, each in the first family that has its glyphs."""
        key = (text, bold)
        found = self._runs.get(key)
        if found is None:
            found = self._runs[key] = self._split(text, bold)
        return found

    def _split(self, text: str, bold: bool) -> list[tuple[str, str]]:
        primary = self.covers(self.names[0], bold)
        if all(ord(c) in primary or c in INVISIBLE for c in text):
            return [(self.primary.name(bold), text)]
        runs: list[tuple[str, str]] = []
        for char in text:
            name = self.names[0]
            if ord(char) not in primary and char not in INVISIBLE:
                name = next((n for n in self.names[1:] if ord(char) in self.covers(n, bold)),
                            self.names[0])
            font = family(name).name(bold)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def width(self, text: str, size: float, bold: bool) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return sum(stringWidth(part, font, size) for font, part in self.runs(text, bold))


@functools.cache
def font_chain(primary: str) -> FontChain:
    return FontChain(str(primary))


class TextStyle:
    """Font, size, leading and colour of one kind of text (a plain value object)."""

    def __init__(self, fonts: FontChain, size: float, leading: float, rules: BreakRules,
                 bold: bool = False, color: Color = black, above: float = 0.0):
        self.fonts, self.size, self.leading, self.rules = fonts, size, leading, rules
        self.bold, self.color = bold, color
        self.above = above          # room at the top of each line for furigana (in `leading`)
        self.font_name = fonts.primary.name(bold)
        self._widths: dict[str, float] = {}

    def width(self, text: str) -> float:
        width = self._widths.get(text)
        if width is None:
            width = self._widths[text] = self.fonts.width(text, self.size, self.bold)
        return width

    def baseline(self, line_top: float) -> float:
        """Baseline of a line whose box starts at `line_top`, text centred in the leading."""
        pair = self.fonts.primary
        glyph_height = (pair.ascent + pair.descent) * self.size
        return (line_top - self.above - (self.leading - self.above - glyph_height) / 2
                - pair.ascent * self.size)

    def draw(self, canvas, x: float, y: float, text: str) -> float:
        """Draw `text` from (x, y) in runs of the right fonts; returns the width drawn."""
        start = x
        canvas.setFillColor(self.color)
        for font, part in self.fonts.runs(text, self.bold):
            canvas.setFont(font, self.size)
            canvas.drawString(x, y, part)
            x += canvas.stringWidth(part, font, self.size)
        return x - start


def measure(style: TextStyle, text: str) -> float:
    return style.width(text)


Span = tuple[str, TextStyle, bool]      # text, style, keep whole (a kana reading, a code)


class TextBlock(Flowable):
    """A paragraph (optionally with a bullet) of one or more styled spans, wrapped by our own
    line breaker. `lang` is the language of the text when it differs from the document's
    (a fallback), kept for tagging."""

    def __init__(self, spans: str | list[Span], style: TextStyle, bullet: str | None = None,
                 space_before: float = 0, space_after: float = 0, lang: str | None = None,
                 lines: list[Line] | None = None):
        super().__init__()
        self.spans = [(spans, style, False)] if isinstance(spans, str) else list(spans)
        self.style, self.bullet, self.lang = style, bullet, lang
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.indent = style.size * 1.1 if bullet else 0
        if lines is None:
            for text, span_style, _ in self.spans:
                span_style.fonts.check(text, span_style.bold)
        self._lines = lines
        self._wrapped_for: float | None = None if lines is None else -1

    @property
    def text(self) -> str:
        return "".join(text for text, _, _ in self.spans)

    def lines(self, width: float) -> list[Line]:
        if self._wrapped_for != width and self._wrapped_for != -1:
            rules = self.style.rules
            pieces = pieces_of(self.spans, rules, measure)
            self._lines = fill(pieces, width - self.indent, rules, measure, self.style.size)
            self._wrapped_for = width
        return self._lines

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = len(self.lines(avail_width)) * self.style.leading
        return avail_width, self.height

    def split(self, avail_width, avail_height):
        lines = self.lines(avail_width)
        fit = int(avail_height // self.style.leading)
        if len(lines) < 4 or fit < 2 or fit > len(lines) - 2:
            return []   # keep short paragraphs whole; no single orphan or widow lines
        head = TextBlock(self.spans, self.style, self.bullet, self.spaceBefore, 0, self.lang,
                         lines[:fit])
        tail = TextBlock(self.spans, self.style, None, 0, self.spaceAfter, self.lang,
                         lines[fit:])
        tail.indent = self.indent
        return [head, tail]

    def draw(self):
        style, canvas = self.style, self.canv
        if getattr(canvas, "draft", False):
            return                  # the draft layout needs sizes only
        for index, line in enumerate(self._lines):
            y = style.baseline(self.height - index * style.leading)
            if index == 0 and self.bullet:
                style.draw(canvas, 0, y, self.bullet)
            draw_line(canvas, line, self.indent, y, style.rules)


def draw_line(canvas, line: Line, x: float, y: float, rules: BreakRules) -> None:
    """Draw a laid-out line: pieces of one style merged into runs; in a squeezed (tight)
    line, the blank half of each squeezable punctuation mark is taken out."""
    chunk, chunk_style = "", None
    for index, piece in enumerate(line.pieces):
        space = " " if piece.space and index else ""
        if piece.style is not chunk_style and chunk:
            x += _draw_chunk(canvas, chunk, chunk_style, x, y, line.tight, rules)
            chunk = ""
            if space:
                x += piece.style.width(" ")
                space = ""
        chunk_style = piece.style
        chunk += space + piece.text
    if chunk:
        _draw_chunk(canvas, chunk, chunk_style, x, y, line.tight, rules)


def _draw_chunk(canvas, text: str, style: TextStyle, x: float, y: float, tight: bool,
                rules: BreakRules) -> float:
    if not tight or not any(rules.squeezable(c) for c in text):
        return style.draw(canvas, x, y, text)
    start, part = x, ""
    for char in text:
        part += char
        squeeze = rules.squeezable(char)
        if squeeze:
            x += style.draw(canvas, x, y, part) - squeeze * style.size
            part = ""
    if part:
        x += style.draw(canvas, x, y, part)
    return x - start
