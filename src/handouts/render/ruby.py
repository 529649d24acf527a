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
# A long reading may reach over these beside its base: kana and punctuation (、。「」（）・),
# never kanji (JLREQ 3.3.8: the reading would seem to be theirs).
KANA_BESIDE = re.compile(
    r"[\u3001-\u3003\u3008-\u3011\u3014-\u301F\u3041-\u309F\u30A0-\u30FF\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]"
)
# Of those, punctuation: brackets, comma, full stop, middle dot, colon (not kana).
PUNCTUATION = re.compile(
    r"[\u3001-\u3003\u3008-\u3011\u3014-\u301F\u30FB\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF64]"
)
# Mid-line, the widest gap between the characters of a base spread under a longer reading, as a
# share of the base's size (an eighth of an em: wider, one word reads as several).
MAX_SPREAD = 0.125
# Mid-line, the most blank left beside kana after a base (a share of the size: a quarter em, the
# space JLREQ sets between Japanese and Latin text, reads as no break); more goes inside the
# base, between the words of a compound first, each at most WORDS apart.
QUARTER = 0.25
WORDS = 0.5
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
        # How far each cluster's reading may reach over the kana beside it, from the whole
        # text: the same whether the cluster is measured or drawn alone or with its neighbours.
        self.limits = {
            char: self._limits(index)
            for index, char in enumerate(self.text)
            if char in self.clusters
        }
        # Whether punctuation stands before and after each cluster (a word in brackets: its
        # blank shared 1:2:1 with the base, _layout).
        self.framed = {
            char: all(
                0 <= near < len(self.text) and PUNCTUATION.match(self.text[near])
                for near in (index - 1, index + 1)
            )
            for index, char in enumerate(self.text)
            if char in self.clusters
        }
        # The clusters that start and end the line being drawn (line_edges): their readings
        # keep inside the line, never reaching over the line's edge.
        self.edges: tuple[str, str] = ("", "")
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
            total += (
                self.style.width(run)
                + self._layout(cluster, *self.limits[char], framed=self.framed[char])[0]
            )
            run = ""
        return total + self.style.width(run)

    def edge_overhang(self, text: str) -> tuple[float, float]:
        """(extra width at a line's start, at its end) of `text` (RubyStyle.edge_overhang)."""
        extra = []
        for char, side in ((text[:1], 0), (text[-1:], 1)):
            limits = self.limits.get(char)
            if limits is None:
                extra.append(0.0)
                continue
            cluster = self.clusters[char]
            edges = (side == 0, side == 1)
            framed = self.framed[char]
            extra.append(
                max(
                    0.0,
                    self._layout(cluster, *limits, edges, framed)[0]
                    - self._layout(cluster, *limits, framed=framed)[0],
                )
            )
        return extra[0], extra[1]

    def _limits(self, index: int) -> tuple[float, float]:
        """How far a long reading may reach over the characters before and after the cluster
        at self.text[index] (JLREQ 3.3.8 a, JIS X 4051: over kana and punctuation only, never
        over kanji, Latin letters, digits, another cluster or the text's edge; up to one
        reading character and no further than the character is wide; over one that stands
        between two clusters, so little that their readings stay half a reading character
        apart (a narrow （ between 症状 and 体), the two sharing it half and half where both
        readings reach out (服用中、出血: neither reached over the 、, and 服用中 stood 0.42 em
        from it)).

        Punctuation (brackets, comma, full stop, middle dot: PUNCTUATION): JLREQ lets a reading
        overhang only a mark's blank half, and a proportional font's marks have none; but a
        reading above a bracket cannot be taken for that bracket's reading (why overhang over
        kanji is forbidden), and it stands above the em box, clear of the mark's ink. So a
        reading reaches over a mark like over kana: up to one reading character, no further
        than the mark is wide (BIZ UDPGothic: brackets and ・ 0.5 em, 、。 0.6 em; a reading
        character is 0.56 em), never past it onto the character beyond (a kanji there would
        seem to own the reading; at a line's edge it would stand in the margin)."""

        def limit(near: int, far: int) -> float:
            if not 0 <= near < len(self.text) or not KANA_BESIDE.match(self.text[near]):
                return 0.0
            wide = self.style.width(self.text[near])
            if 0 <= far < len(self.text) and self.text[far] in self.clusters:
                # the readings half a reading character apart at least; where the other one
                # reaches out too, each may take half of what is between them
                inner = self._inner(self.clusters[self.text[far]], far < near)
                room = wide + max(0.0, inner) - self.size / 2
                return max(0.0, min(self.size, wide, max(room + min(0.0, inner), room / 2)))
            return min(self.size, wide)

        return limit(index - 1, index - 2), limit(index + 1, index + 2)

    def _inner(self, cluster: Cluster, end: bool) -> float:
        """The blank between a cluster's start (`end`: its end) and its first (last) reading;
        below 0 as far as that reading may reach out on that side (longer than its base: as
        far as it is longer, at most a reading character; the cluster beyond the kana
        between takes as much less)."""
        groups = _groups(cluster.rubies)
        start, stop, reading = groups[-1] if end else groups[0]
        base = self.style.width(cluster.text[start:stop])
        wide = self._reading_width(reading)
        if wide > base:
            return -min(self.size, wide - base)
        spacing = (base - wide) / len(reading) / 2
        outside = self.style.width(cluster.text[stop:] if end else cluster.text[:start])
        return outside + spacing

    def _layout(
        self,
        cluster: Cluster,
        left_limit: float = 0.0,
        right_limit: float = 0.0,
        edges: tuple[bool, bool] = (False, False),
        framed: bool = False,
    ):
        """(width, [(base chunk, x)], [(reading, x, character spacing)]) of a cluster, x from
        the cluster's start (a reading reaching over the kana before it starts below 0).

        A reading longer than its base (JLREQ 3.3.6 group ruby, 3.3.8) first reaches over the
        kana beside the cluster (`left_limit`, `right_limit`), centred where both sides allow.
        What is still too long is left blank:
        - a cluster that starts a line (`edges`: starts, ends it) has its reading and its base
          flush with the line's start; the reading reaches over the kana or punctuation after
          it as mid-line, and what is left is kept after the base up to QUARTER of an em, the
          rest spreads the base like mid-line (its words, then its kanji by at most
          MAX_SPREAD), any more after the base. JLREQ 3.3.8 c's 1:1 (the blank shared between
          the base's characters and its end) drew 救 急 車 を and 糖 尿 病 が, which Japanese
          readers took for typos; 糖尿病が is now 0.125 em between kanji, 0.29 em before が.
          One that ends a line has its reading flush with the line's end and its base beside
          the character before it, the reading running on past the base's end: lines are
          never stretched to the column's edge, so nothing needs the base there, and a blank
          before it read as a space (主な 症状, 1〜2 週間, 受付の時間: 準備中).
        - mid-line the base is not spread (one word would read as several: 症 状): the blank
          goes where the reading may not reach (a kanji, another reading), the kana beside
          (a particle, okurigana) kept close to their word; half on each side where both are
          alike. Only where that leaves more than QUARTER of an em beside kana does the rest
          go inside the base: between the words of a compound (東京 消防庁, up to WORDS), last
          between its kanji (up to MAX_SPREAD).
        - mid-line between punctuation on both sides (`framed`: a word in brackets or quotes,
          between commas), the blank is shared 1:2:1 between the base's characters and its two
          sides (JLREQ 3.3.6 b), where that spreads the kanji by at most MAX_SPREAD: the
          reading has reached over both punctuation marks as far as it may, and what is left
          beside them read as spaces inside the brackets (（ 脊柱管狭窄症 ）, a quarter em on each
          side, the words of the compound a quarter em apart too)."""
        style, x = self.style, 0.0
        bases, readings = [], []
        at = 0
        splits = {start for start, _, _ in cluster.rubies}
        for number, (start, end, reading) in enumerate(_groups(cluster.rubies)):
            if start > at:
                bases.append((cluster.text[at:start], x))
                x += style.width(cluster.text[at:start])
            base = cluster.text[start:end]
            base_width = style.width(base)
            reading_width = self._reading_width(reading)
            if reading_width > base_width:  # the reading reaches over, the base may spread
                excess = reading_width - base_width
                head = edges[0] and start == 0 and number == 0
                tail = edges[1] and end == len(cluster.text)
                may_left = left_limit if start == 0 and number == 0 and not head else 0.0
                may_right = right_limit if end == len(cluster.text) and not tail else 0.0
                # Over the kana beside: centred where both sides allow, else as far as each
                # side allows.
                half_left, half_right = min(may_left, excess / 2), min(may_right, excess / 2)
                left = min(may_left, excess - half_right)
                right = min(may_right, excess - half_left)
                room = reading_width - left - right
                blank = room - base_width  # what the kana beside cannot take
                if tail and not head:
                    # At a line's end (lines are never stretched to the column's edge: 主な症状,
                    # 1〜2週間): the reading flush with it, the base beside the character
                    # before it, the reading running on past the base's end into the line's
                    # empty rest. A blank before the base read as a space (主な 症状).
                    gap, first = 0.0, 0.0
                elif head and not tail:
                    # At a line's start: reading and base flush with the line's edge, the
                    # reading reaching over the kana or punctuation after the base (its
                    # right limit, as mid-line); what is left stays after the base up to
                    # QUARTER of an em, the rest goes between the words of a compound, last
                    # between its kanji (MAX_SPREAD): 救急車を was drawn 救 急 車 を, JLREQ's
                    # 1:1 spread, which readers took for typos.
                    kana = 1.0 if may_right > 0.0 else 0.0
                    over = max(0.0, blank - QUARTER * style.size) * kana
                    cuts = [cut - start for cut in splits if start < cut < end]
                    apart = min(over / len(cuts), WORDS * style.size) if cuts else 0.0
                    over -= apart * len(cuts)
                    gap = (
                        min(over / (len(base) - 1), MAX_SPREAD * style.size)
                        if len(base) > 1
                        else 0.0
                    )
                    self._place(bases, base, x, gap, apart, cuts)
                    readings.append((reading, x - left, 0.0))
                    x += room
                    at = end
                    continue
                elif head:  # alone on its line: 1:2:1 (JLREQ 3.3.6 b)
                    gap = blank / len(base)
                    first = gap / 2
                else:
                    # Mid-line, the blank goes where the reading may not reach (a kanji,
                    # another reading: JLREQ 3.3.8 a), the kana beside (a particle,
                    # okurigana) kept close to their word; half and half where both sides
                    # are alike. Where that leaves more than a quarter em beside kana, the
                    # words of a compound part (東京 消防庁), then, last, the kanji spread
                    # by at most MAX_SPREAD: one word spread reads as several.
                    if framed and may_left > 0.0 and may_right > 0.0 and len(base) > 1:
                        gap = blank / len(base)
                        if gap <= MAX_SPREAD * style.size:
                            self._place(bases, base, x + gap / 2, gap, 0.0, [])
                            readings.append((reading, x - left, 0.0))
                            x += room
                            at = end
                            continue
                    if (may_left > 0.0) == (may_right > 0.0):
                        share = (0.5, 0.5)
                    else:
                        share = (1.0, 0.0) if may_right > 0.0 else (0.0, 1.0)
                    # the largest share of the blank beside kana
                    kana = max(
                        (part for part, may in zip(share, (may_left, may_right)) if may > 0.0),
                        default=0.0,
                    )
                    over = max(0.0, blank * kana - QUARTER * style.size) / kana if kana else 0.0
                    cuts = [cut - start for cut in splits if start < cut < end]
                    apart = min(over / len(cuts), WORDS * style.size) if cuts else 0.0
                    over -= apart * len(cuts)
                    gap = 0.0
                    if len(base) > 1:
                        gap = min(over / (len(base) - 1), MAX_SPREAD * style.size)
                    spread = base_width + apart * len(cuts) + gap * (len(base) - 1)
                    first = (room - spread) * share[0]
                    self._place(bases, base, x + first, gap, apart, cuts)
                    readings.append((reading, x - left, 0.0))
                    x += room
                    at = end
                    continue
                for index, char in enumerate(base):
                    bases.append((char, x + first + index * gap + style.width(base[:index])))
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

    def _place(self, bases, base: str, x: float, gap: float, apart: float, cuts) -> None:
        """The characters of `base` from x, `gap` between each, `apart` more at each cut."""
        style = self.style
        for index, char in enumerate(base):
            extra = apart * sum(1 for cut in cuts if cut <= index)
            bases.append((char, x + index * gap + extra + style.width(base[:index])))

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
            edges = (char == self.edges[0], char == self.edges[1])
            x += self._draw_cluster(
                canvas, x, y, cluster, *self.limits[char], edges, self.framed[char]
            )
        if run:
            x += style.draw(canvas, x, y, run)
        return x - start

    def _draw_cluster(
        self,
        canvas,
        x: float,
        y: float,
        cluster: Cluster,
        left: float,
        right: float,
        edges: tuple[bool, bool],
        framed: bool = False,
    ) -> float:
        style = self.style
        width, bases, readings = self._layout(cluster, left, right, edges, framed)
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
        # closes with its last character, invisibly, at the cluster's end. The stretched
        # character is the first one under a reading, a kanji: pdfium shares the ActualText's
        # character boxes out over that glyph's ink, and a digit's ink (the 1 of 119番) is a
        # narrow bar in the middle of its advance: stretched, it left a gap of an em between
        # the cluster's boxes and the next character, read as a new line.
        first, last = cluster.text[cluster.rubies[0][0]], cluster.text[-1]
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

    def edge_overhang(self, text: str) -> tuple[float, float]:
        """How much wider `text` is when it starts a line and when it ends one: a cluster's
        reading does not reach over the line's edge (render.linebreak)."""
        return self.ruby.edge_overhang(text)

    def line_edges(self, first: str, last: str) -> None:
        """The first and last characters of the line about to be drawn."""
        self.ruby.edges = (first, last)

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
    number before it (30分: the counter's reading over 分 only, the number kept with it).
    Readings of kanji that touch (服用 and 中, two words to the analyser) make one cluster,
    laid out as one group (服用中 ふくようちゅう): apart, the second's reading could not reach
    over the first's kanji and 中 stood alone, 服用 中."""
    found: list[tuple[int, int, tuple]] = []
    for ruby in rubies:
        if found and found[-1][1] == ruby.start and _kanji_meet(text, ruby.start):
            start, _, group = found[-1]
            group += ((ruby.start - start, ruby.end - start, ruby.text),)
            found[-1] = (start, ruby.end, group)
            continue
        start = ruby.start
        while start and text[start - 1].isdigit() and (not found or found[-1][1] < start):
            start -= 1
        found.append((start, ruby.end, ((ruby.start - start, ruby.end - start, ruby.text),)))
    return found


def _kanji_meet(text: str, at: int) -> bool:
    """Two kanji meet at text[at] (not a date's 年 and 4月, its reading over the number too)."""
    return 0 < at < len(text) and not (text[at - 1].isdigit() or text[at].isdigit())


def _groups(rubies):
    """The readings of a cluster, those of kanji that touch joined: one group each."""
    found: list[tuple[int, int, str]] = []
    for start, end, reading in rubies:
        if found and found[-1][1] == start:
            found[-1] = (found[-1][0], end, found[-1][2] + reading)
        else:
            found.append((start, end, reading))
    return found


def _pdf_text(text: str) -> str:
    """A PDF text string (UTF-16BE with byte order mark, in hex): any script."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"
