"""Text flowables laid out by handouts.render.linebreak, set in a font that has every glyph.

A text style names the language's font family; characters that family lacks are set, run by
run, in the first other bundled family that has them (a Japanese patient's name on an English
sheet). A character no bundled font has stops the document with its place in the content.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from reportlab.lib.colors import Color, black
from reportlab.platypus import Flowable

from handouts.compose.document import source_of
from handouts.content.fontfiles import charset, font_families
from handouts.errors import HandoutsError
from handouts.render.fonts import FontPair, family
from handouts.render.linebreak import BreakRules, Line, fill, pieces_of
from handouts.render.tagging import LAYOUT, Inline, Marking, TextTags

if TYPE_CHECKING:
    from collections.abc import Callable

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
        return family(self.names[0])  # registered once per process (render.fonts)

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
                    f"no bundled font ({', '.join(self.names)}); remove or replace it"
                )

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
                name = next(
                    (n for n in self.names[1:] if ord(char) in self.covers(n, bold)), self.names[0]
                )
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

    def __init__(
        self,
        fonts: FontChain,
        size: float,
        leading: float,
        rules: BreakRules,
        bold: bool = False,
        color: Color = black,
        above: float = 0.0,
    ):
        self.fonts, self.size, self.leading, self.rules = fonts, size, leading, rules
        self.bold, self.color = bold, color
        self.above = above  # room at the top of each line for furigana (in `leading`)
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
        return (
            line_top
            - self.above
            - (self.leading - self.above - glyph_height) / 2
            - pair.ascent * self.size
        )

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


Span = tuple[str, TextStyle, bool]  # text, style, keep whole (a kana reading, a code)


class TextBlock(Flowable):
    """A paragraph (optionally with a bullet) of one or more styled spans, wrapped by our own
    line breaker. `lang` is the language of the text when it differs from the document's
    (a fallback). `tags` says which structure elements own its text (render.tagging): it is
    marked as it is drawn, on a canvas that has a structure tree."""

    # A list item: what stands atop it where it begins a column or page (its section's
    # heading "(continued)"), unless it `opens` the list (its heading stands right above it).
    heading_again: Callable[[], Flowable] | None = None
    opens = False

    def __init__(
        self,
        spans: str | list[Span],
        style: TextStyle,
        bullet: str | None = None,
        space_before: float = 0,
        space_after: float = 0,
        lang: str | None = None,
        lines: list[Line] | None = None,
        tags: TextTags | None = None,
    ):
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
        self.tags = tags
        self._owners = _owner_ends(self.spans, tags) if tags and lines is None else None
        self._ink = 0  # characters drawn before this part (a split block's tail)

    @property
    def text(self) -> str:
        return "".join(text for text, _, _ in self.spans)

    def lines(self, width: float) -> list[Line]:
        if self._wrapped_for != width and self._wrapped_for != -1:
            rules = self.style.rules
            pieces = pieces_of(self.spans, rules, measure)
            self._lines = fill(pieces, width - self.indent, rules, measure, self.style.size)
            self._wrapped_for = width
        assert self._lines is not None  # given, or wrapped just now
        return self._lines

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = len(self.lines(avail_width)) * self.style.leading
        return avail_width, self.height

    def split(self, avail_width, avail_height):
        lines = self.lines(avail_width)
        fit = int(avail_height // self.style.leading)
        if len(lines) < 4 or fit < 2 or fit > len(lines) - 2:
            return []  # keep short paragraphs whole; no single orphan or widow lines
        head = TextBlock(
            self.spans,
            self.style,
            self.bullet,
            self.spaceBefore,
            0,
            self.lang,
            lines[:fit],
            self.tags,
        )
        tail = TextBlock(
            self.spans, self.style, None, 0, self.spaceAfter, self.lang, lines[fit:], self.tags
        )
        tail.indent = self.indent
        head._owners = tail._owners = self._owners
        head.heading_again = tail.heading_again = self.heading_again
        head.opens = self.opens  # the tail continues the list
        head._ink = self._ink
        tail._ink = self._ink + sum(_ink(line.text) for line in lines[:fit])
        return [head, tail]

    def draw(self):
        style, canvas = self.style, self.canv
        if getattr(canvas, "draft", False):
            return  # the draft layout needs sizes only
        owners = _Owners(canvas, self.tags, self._owners, self._ink) if self.tags else None
        for index, line in enumerate(self._lines):
            y = style.baseline(self.height - index * style.leading)
            if index == 0 and self.bullet:
                if owners:
                    owners.marking.switch(self.tags.label or LAYOUT)
                style.draw(canvas, 0, y, self.bullet)
            draw_line(canvas, line, self.indent, y, style.rules, owners)
        if owners:
            owners.marking.end()


def continues(flowable: Flowable) -> Callable[[], Flowable] | None:
    """What must stand atop `flowable` where it begins a column or page: its section's heading
    "(continued)" when it continues a list (render.pdf); else None."""
    made = getattr(flowable, "heading_again", None)
    return None if made is None or getattr(flowable, "opens", False) else made


def _ink(text: str) -> int:
    """Characters that are drawn as glyphs: what tags are counted in (the line breaker turns
    spaces into gaps, and keeps every other character in order)."""
    return len(text) - sum(map(str.isspace, text))


def _owner_ends(spans: list[Span], tags: TextTags) -> list[tuple[int, object]] | None:
    """Where each owner's text ends, counted in ink characters: [(end, mark)], or None when
    the block's element owns all of it. Text in another language than the element's (a
    fallback) is an inline Span with its /Lang; a block all in one other language gets the
    /Lang on its element instead."""
    furigana = [hasattr(style, "tag_marks") for _, style, _ in spans]
    if (
        tags.marks is None
        and not any(getattr(text, "lang", None) for text, _, _ in spans)
        and not any(furigana)
    ):
        return None  # the common case
    marks = tags.marks or [None] * len(spans)
    pieces: list[tuple[str, object]] = []
    for (text, style, _), mark, ruby in zip(spans, marks, furigana):
        if ruby and not isinstance(mark, list):  # each furigana cluster its own Span
            pieces += style.tag_marks(text, mark)  # type: ignore[attr-defined]  # RubyStyle
        elif isinstance(mark, list):
            if "".join(part for part, _ in mark) != text:
                raise ValueError(f"tag marks {mark!r} do not make up the text {text!r}")
            pieces += mark
        elif mark is None and (lang := getattr(text, "lang", None)) and lang != tags.element.lang:
            pieces.append((text, Inline("Span", lang=lang)))
        else:
            pieces.append((text, mark))
    inked = [mark for text, mark in pieces if _ink(text)]
    langs = {getattr(mark, "lang", None) for mark in inked}
    if (
        inked
        and tags.element.lang is None
        and len(langs) == 1
        and None not in langs
        and all(isinstance(m, Inline) and m.role == "Span" for m in inked)
    ):
        tags.element.lang = langs.pop()
        return None
    if all(mark is None for _, mark in pieces):
        return None
    ends: list[tuple[int, object]] = []
    total = 0
    for text, mark in pieces:
        total += _ink(text)
        if ends and ends[-1][1] is mark:
            ends[-1] = (total, mark)
        elif _ink(text):
            ends.append((total, mark))
    return ends or None


class _Owners:
    """While a text block is drawn: which element owns each piece of its text, and the
    marked content that follows (render.tagging.Marking)."""

    __slots__ = ("ends", "index", "ink", "marking", "tags")

    def __init__(self, canvas, tags: TextTags, ends, ink: int):
        self.marking, self.tags, self.ends = Marking(canvas), tags, ends
        self.ink, self.index = ink, 0

    def split(self, text: str) -> list[tuple[str, object]]:
        """`text` in pieces, each with the mark of its owner (see TextTags)."""
        ends = self.ends
        count = _ink(text)
        while self.index < len(ends) - 1 and self.ink >= ends[self.index][0]:
            self.index += 1
        if self.ink + count <= ends[self.index][0]:  # one owner: the common case
            self.ink += count
            return [(text, ends[self.index][1])]
        pieces: list[tuple[str, object]] = []
        start = 0
        mark = ends[self.index][1]
        for position, char in enumerate(text):
            if char.isspace():
                continue
            while self.index < len(ends) - 1 and self.ink >= ends[self.index][0]:
                self.index += 1
            if ends[self.index][1] is not mark:
                if position > start:
                    pieces.append((text[start:position], mark))
                start, mark = position, ends[self.index][1]
            self.ink += 1
        pieces.append((text[start:], mark))
        return pieces

    def enter(self, mark) -> None:
        """Drawing `mark`'s text now: its element is made when first drawn (an Inline)."""
        self.marking.switch(self.tags.owner(mark))


def draw_line(
    canvas, line: Line, x: float, y: float, rules: BreakRules, owners: _Owners | None = None
) -> None:
    """Draw a laid-out line: pieces of one style merged into runs; in a squeezed (tight)
    line, the blank half of each squeezable punctuation mark is taken out. With `owners`, a
    run also ends where the text's structure element changes, and each is marked as its
    element's content."""
    chunk, chunk_owner = "", None
    chunk_style: TextStyle | None = None  # set with the chunk's first text
    if owners and owners.ends is None:  # one owner for the whole block: no splitting
        owners.enter(None)
        owners = None
    _line_edges(line)
    for index, piece in enumerate(line.pieces):
        space = " " if piece.space and index else ""
        for text, owner in owners.split(piece.text) if owners else ((piece.text, None),):
            if (piece.style is not chunk_style or owner is not chunk_owner) and chunk:
                assert chunk_style is not None
                if space and piece.style is chunk_style:
                    # The space drawn, ending the run before (only its owner changes): text
                    # extraction reads a space where one is drawn, not always from a gap.
                    chunk += space
                    space = ""
                x += _draw_chunk(
                    canvas, chunk, chunk_style, x, y, line.tight, rules, owners, chunk_owner
                )
                chunk = ""
                if space:
                    x += piece.style.width(" ")
                    space = ""
            chunk_style, chunk_owner = piece.style, owner
            chunk += space + text
            space = ""
    if chunk:
        assert chunk_style is not None
        _draw_chunk(canvas, chunk, chunk_style, x, y, line.tight, rules, owners, chunk_owner)


def _line_edges(line: Line) -> None:
    """Tell the styles with furigana which characters start and end this line (render.ruby:
    a reading keeps inside the line there)."""
    if not line.pieces:
        return
    styles = {id(p.style): p.style for p in line.pieces if hasattr(p.style, "line_edges")}
    first, last = line.pieces[0], line.pieces[-1]
    for key, style in styles.items():
        style.line_edges(
            first.text[:1] if id(first.style) == key else "",
            last.text[-1:] if id(last.style) == key else "",
        )


def _draw_chunk(
    canvas,
    text: str,
    style: TextStyle,
    x: float,
    y: float,
    tight: bool,
    rules: BreakRules,
    owners: _Owners | None = None,
    owner=None,
) -> float:
    if owners:
        owners.enter(owner)
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


def draw_owned_line(canvas, line: Line, x: float, y: float, rules: BreakRules, element) -> None:
    """A line drawn on its own (a footer line, a code's caption) as `element`'s content; its
    furigana clusters each a Ruby in it (render.ruby)."""
    from handouts.render.tagging import TextTags

    spans = [(piece.text, piece.style, False) for piece in line.pieces]
    tags = TextTags(element)
    owners = _Owners(canvas, tags, _owner_ends(spans, tags), 0)
    draw_line(canvas, line, x, y, rules, owners)
    owners.marking.end()
