"""Furigana drawn: each reading (ruby) above its base text, in one place.

Line breaking never splits a base from its reading: before a text is broken into lines, each
ruby cluster (a kanji run with its reading; a number with its counter, 30分) is replaced by one
private-use character, which every line breaker treats as one unbreakable character (kinsoku
still applies around it: 。 after it stays on its line). Measuring and drawing expand it again.

Copy and paste, screen readers and text extraction give the base text once, never base and
reading interleaved: each cluster is drawn inside a marked-content span whose /ActualText is
the base text (pdfium and poppler both honour it), marked at both ends of the cluster by
invisible characters so that the span stands where the base is, on its line. In a tagged
document each cluster is a Ruby element (ISO 32000-1 14.8.4.3.4; RubyStyle.tag_marks): its
RB owns that span (base and reading drawn, /ActualText the base), its RT has no content of
its own and says the reading in its /ActualText; the Ruby's /ActualText is the base, so the
structure tree reads the kanji once too.
"""

from __future__ import annotations

import re

from handouts.records import Record, record

PRIVATE_USE = 0xE000  # placeholders: U+E000 upwards (never in content: check refuses)
KANA_BESIDE = re.compile(r"[\u3041-\u309F\u30A0-\u30FF]")  # a long reading may reach over these
GAP = 0.06  # between the base's top and the reading, as a share of the size
# Readings over the first line under a border or rule (a box, the footer's rule) keep clear of
# it: the text starts lower by this share of a reading's size.
CLEARANCE = 0.4


@record(frozen=True, eq=False, repr=False)
class Cluster(Record):
    text: str  # the base text (with a number before a counter: 30分)
    rubies: tuple[tuple[int, int, str], ...]  # (start, end, reading) within `text`


class RubyText:
    """A text with its readings, ready for line breaking (placeholders), measuring and drawing
    in one text style (render.text.TextStyle)."""

    def __init__(self, text: str, rubies, style, size: float, reading_fonts=None):
        self.style, self.size = style, size  # size: of the readings, in points
        # The readings' fonts: the base's, or (a bilingual page's shared parts, set in the
        # first language's font) those of the language the readings are in.
        self.reading_fonts = reading_fonts or style.fonts
        self.clusters: dict[str, Cluster] = {}
        parts, at = [], 0
        for start, end, group in _clusters(text, rubies):
            parts.append(text[at:start])
            mark = chr(PRIVATE_USE + len(self.clusters))
            self.clusters[mark] = Cluster(text[start:end], group)
            parts.append(mark)
            at = end
        parts.append(text[at:])
        self.text = "".join(parts)  # what the line breaker sees
        # The characters beside each cluster in the text (a long reading may reach over kana):
        # the same whether the cluster is measured or drawn alone or with its neighbours.
        self.beside = {
            char: _beside(self.text, index)
            for index, char in enumerate(self.text)
            if char in self.clusters
        }
        self.tagged = False  # the structure tree marks each cluster (RubyStyle.tag_marks)
        self.private = False  # typed for one patient: its phrases are never cached

    def plain(self, line: str) -> str:
        """A line as the reader copies it: base text only."""
        return "".join(self.clusters[c].text if c in self.clusters else c for c in line)

    def width(self, text: str) -> float:
        """Width of a piece of text with placeholders (a cluster is as wide as its base or its
        reading, whichever is wider, less what the reading may reach over the kana beside)."""
        total, run = 0.0, ""
        for char in text:
            cluster = self.clusters.get(char)
            if cluster is None:
                run += char
                continue
            total += self.style.width(run) + self._layout(cluster, *self.beside[char])[0]
            run = ""
        return total + self.style.width(run)

    def _overhang(self, char: str | None) -> float:
        """How far a long reading may reach over the character beside its base: half a
        reading character over kana (JIS X 4051), nothing over kanji, another base or the
        line's edge."""
        return self.size / 2 if char is not None and KANA_BESIDE.match(char) else 0.0

    def _layout(self, cluster: Cluster, before: str | None = None, after: str | None = None):
        """(width, [(base chunk, x)], [(reading, x, character spacing)]) of a cluster, x from
        the cluster's start (a reading reaching over the kana before it starts below 0)."""
        style, x = self.style, 0.0
        bases, readings = [], []
        at = 0
        for number, (start, end, reading) in enumerate(cluster.rubies):
            if start > at:
                bases.append((cluster.text[at:start], x))
                x += style.width(cluster.text[at:start])
            base = cluster.text[start:end]
            base_width = style.width(base)
            reading_width = self._reading_width(reading)
            if reading_width > base_width:  # the base is spread under a long reading
                left = self._overhang(before) if start == 0 and number == 0 else 0.0
                right = self._overhang(after) if end == len(cluster.text) else 0.0
                excess = reading_width - base_width
                left, right = min(left, excess / 2), min(right, excess / 2)
                room = base_width + excess - left - right
                extra = (room - base_width) / len(base)
                for index, char in enumerate(base):
                    bases.append((char, x + extra / 2 + index * extra + style.width(base[:index])))
                readings.append((reading, x - left, 0.0))
                x += room
            else:  # the reading is spread over a long base
                spacing = (base_width - reading_width) / len(reading)
                readings.append((reading, x + spacing / 2, spacing))
                bases.append((base, x))
                x += base_width
            at = end
        if at < len(cluster.text):
            bases.append((cluster.text[at:], x))
            x += style.width(cluster.text[at:])
        return x, bases, readings

    def _reading_width(self, reading: str) -> float:
        return self.reading_fonts.width(reading, self.size, False)

    def draw(self, canvas, x: float, y: float, line: str) -> float:
        """Draw text with placeholders from (x, y), the base line's baseline; returns the
        width drawn."""
        style, run, start = self.style, "", x
        for char in line:
            cluster = self.clusters.get(char)
            if cluster is None:
                run += char
                continue
            if run:
                x += style.draw(canvas, x, y, run)
                run = ""
            x += self._draw_cluster(canvas, x, y, cluster, *self.beside[char])
        if run:
            x += style.draw(canvas, x, y, run)
        return x - start

    def _draw_cluster(
        self, canvas, x: float, y: float, cluster: Cluster, before: str | None, after: str | None
    ) -> float:
        style = self.style
        width, bases, readings = self._layout(cluster, before, after)
        primary = style.fonts.primary
        top = y + primary.ascent * style.size + GAP * style.size
        if not self.tagged:
            canvas.addLiteral(f"/Span <</ActualText {_pdf_text(cluster.text)}>> BDC")
        # The span must cover the cluster exactly, on the base line, however the base is
        # spread under its reading: text extraction places the ActualText where the span's
        # first text object is (pdfium) or between its first and last characters (poppler),
        # and puts a space where it finds a gap. So the span opens with the base's first
        # character drawn invisibly (text mode 3) and stretched over the whole cluster (one
        # glyph: one text object, whatever font subset the base's characters fall in), and
        # closes with its last character, invisibly, at the cluster's end.
        first, last = cluster.text[0], cluster.text[-1]
        _invisible(canvas, style, x, y, first, 100 * width / max(style.width(first), 0.01))
        for chunk, offset in bases:
            style.draw(canvas, x + offset, y, chunk)
        canvas.setFont(self.reading_fonts.primary.name(False), self.size)
        baseline = top + self.reading_fonts.primary.descent * self.size
        for reading, offset, spacing in readings:
            # Character by character: the last one ends inside the cluster (a spacing after
            # it would reach into the next word, and text extraction would break the line).
            for index, char in enumerate(reading):
                advance = self._reading_width(reading[:index]) + index * spacing
                canvas.drawString(x + offset + advance, baseline, char)
        _invisible(canvas, style, x + width - style.width(last), y, last)
        if not self.tagged:
            canvas.addLiteral("EMC")
        canvas.setFont(style.font_name, style.size)
        return width


def _beside(text: str, index: int) -> tuple[str | None, str | None]:
    """The characters before and after text[index] (None at the text's edges)."""
    return (text[index - 1] if index else None, text[index + 1] if index + 1 < len(text) else None)


def _invisible(canvas, style, x: float, y: float, chars: str, scale: float = 100) -> None:
    """Text in mode 3 (drawn invisibly), `scale` % wide; mode and scale reset after it."""
    text = canvas.beginText(x, y)
    text.setTextRenderMode(3)
    text.setHorizScale(scale)
    # The font of the chain that has the character (a bilingual page's shared parts are set
    # in the first language's font, which may have no kanji).
    font = next((name for name, _ in style.fonts.runs(chars, style.bold)), style.font_name)
    text.setFont(font, style.size)
    text.textOut(chars)
    text.setHorizScale(100)
    text.setTextRenderMode(0)
    canvas.drawText(text)


class RubyStyle:
    """A text style that draws and measures one text's placeholders as furigana clusters;
    everything else is its base style's (render.text.TextStyle)."""

    def __init__(self, base, ruby: RubyText):
        self.base, self.ruby = base, ruby
        self.fonts = _CheckedFonts(base.fonts, ruby)

    def tag_marks(self, text: str, owner=None) -> list:
        """`text` (with placeholders) as (piece, owner) pieces for tagging (render.text): each
        cluster a Ruby standing for its kanji (/ActualText) whose RB owns the drawn cluster and
        whose RT says the reading; the rest `owner`'s. The RB's marked content carries the
        ActualText, so the clusters draw none of their own."""
        from handouts.render.tagging import Inline

        self.ruby.tagged = True
        pieces: list = []
        for char in text:
            cluster = self.ruby.clusters.get(char)
            if cluster is not None:
                group = Inline("Ruby", within=owner, actual_text=cluster.text)
                reading = "".join(r for _, _, r in cluster.rubies)
                rt = Inline("RT", within=group, actual_text=reading)
                pieces.append(
                    (char, Inline("RB", within=group, actual_text=cluster.text, then=(rt,)))
                )
            elif pieces and pieces[-1][1] is owner:
                pieces[-1] = (pieces[-1][0] + char, owner)
            else:
                pieces.append((char, owner))
        return pieces

    def __getattr__(self, name):
        return getattr(self.base, name)

    def width(self, text: str) -> float:
        return self.ruby.width(text)

    def draw(self, canvas, x: float, y: float, text: str) -> float:
        return self.ruby.draw(canvas, x, y, text)


class _CheckedFonts:
    """A style's fonts, checking a text's base characters (not its placeholders)."""

    def __init__(self, fonts, ruby: RubyText):
        self._fonts, self._ruby = fonts, ruby

    def __getattr__(self, name):
        return getattr(self._fonts, name)

    def check(self, text: str, bold: bool) -> None:
        self._fonts.check(self._ruby.plain(text), bold)


def ruby_span(readings, text: str, style, share: float, keep: bool = False, private: bool = False):
    """A text span (text, style, keep whole) with its readings: the text with placeholders in
    a RubyStyle; the text as it is where it has no kanji to read. `private`: typed for one
    patient (a note), never kept in a cache."""
    rubies = readings(text)
    if not rubies:
        return (text, style, keep)
    ruby = RubyText(text, rubies, style, style.size * share)
    ruby.private = private
    return (ruby.text, RubyStyle(style, ruby), keep)


def ruby_texts(readings, texts, style, share: float, reading_fonts=None):
    """Short texts drawn alone in one style (captions, R/L labels, header and footer lines)
    with their readings: (their texts with placeholders, one style for all of them, its lines
    with room for the readings)."""
    texts = [str(t) for t in texts]
    roomy = with_room(style, share)
    joined = "\n".join(texts)
    ruby = RubyText(joined, readings(joined), roomy, style.size * share, reading_fonts)
    return ruby.text.split("\n"), RubyStyle(roomy, ruby)


def readings_of(doc):
    """(readings, share, their fonts) for what a document's languages share (header, footer,
    figure): its own language's furigana, else its second language's; (None, 0.0, None)
    without."""
    from handouts.render.text import font_chain

    for lang, typography in ((doc.lang, doc.typography), (doc.second, doc.second_typography)):
        if lang and doc.ruby.get(lang) is not None and typography and typography.ruby:
            return doc.ruby[lang], typography.ruby, font_chain(typography.font)
    return None, 0.0, None


def with_room(style, share: float):
    """`style` with room above each line for readings of `share` x its size (as it is if it
    has room already)."""
    from handouts.render.text import TextStyle

    if style.above or not share:
        return style
    room = ruby_room(style.fonts.primary, style.size, style.leading / style.size, share)
    return TextStyle(
        style.fonts, style.size, style.leading + room, style.rules, style.bold, style.color, room
    )


def ruby_room(fonts, size: float, leading: float, share: float) -> float:
    """Room to add at the top of each line for readings of `share` x `size` (`leading`: the
    line height as a multiple of the size): the readings sit in the line's own space above its
    characters and in this room, 1 pt clear of the line above."""
    if not share:
        return 0.0
    reading = (GAP + (fonts.ascent + fonts.descent) * share) * size
    free = (leading - fonts.ascent - fonts.descent) / 2 * size
    return max(0.0, reading - free + 1.0)


def _clusters(text: str, rubies):
    """(start, end, rubies relative to start) of each cluster: a ruby, with the digits of a
    number before it (30分: the counter's reading over 分 only, the number kept with it)."""
    found: list[tuple[int, int, tuple]] = []
    for ruby in rubies:
        start = ruby.start
        while start and text[start - 1].isdigit() and (not found or found[-1][1] < start):
            start -= 1
        found.append((start, ruby.end, ((ruby.start - start, ruby.end - start, ruby.text),)))
    return found


def _pdf_text(text: str) -> str:
    """A PDF text string (UTF-16BE with byte order mark, in hex): any script."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
