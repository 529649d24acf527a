"""Line breaking for every language: words (English) or characters with kinsoku rules (Japanese).

reportlab's own CJK wrapping lets closing punctuation start a line in some cases and splits
codes such as BL40; this module decides every break itself (JIS X 4051 basics):
- no line starts with a character from `no_line_start` (、。」）ー small kana ...);
- no line ends with a character from `no_line_end` (（「『【 ...);
- Latin words, point codes (BL40) and numbers with their units (20〜30分, 30 minutes) never
  split, nor the runs the language keeps together (`keep`: katakana words in Japanese); only a
  word longer than a whole line breaks: after a hyphen if it has one, else anywhere (never
  before a no-line-start character);
- with `phrases` (an analyser's name), lines break only between phrases (bunsetsu: a word with
  the particles, auxiliaries and punctuation after it; furigana.phrase_starts), a phrase longer
  than a line between characters;
- a line does not start where `avoid` says (a lone particle 場合／は, a word's ending 使／います;
  with the analyser loaded, inside any of its words): the line before ends at its last phrase
  start (word start with the analyser) instead where it stays `avoid_fill` full;
- no paragraph ends with a runt, a last line shorter than `min_last_line` characters: as JIS
  X 4051 does, the runt is first pulled back into the line before it by squeezing the blank
  half of that line's punctuation (`squeeze`), else characters are pushed down to join it.

Text may be several spans in different styles (a bold lead-in, a fallback label); a span may
be kept whole (a kana reading). The caller measures: this module never touches fonts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from handouts.records import Record, record


@record(frozen=True, eq=False, repr=False)
class BreakRules(Record):
    words: bool
    no_line_start: frozenset[str] = frozenset()
    no_line_end: frozenset[str] = frozenset()
    units: tuple[str, ...] = ()
    min_last_line: int = 0  # 0: runts allowed
    squeeze: tuple[tuple[str, float], ...] = ()  # (punctuation, squeezable share of the size)
    keep: tuple[str, ...] = ()  # runs never broken inside (regular expressions)
    phrases: str | None = None  # break only between phrases found by this analyser
    # Columns at most this many characters (ems) wide: a line that would break inside a word
    # breaks at its last phrase start instead, if it stays `phrase_fill` full (0: never).
    prefer_phrases: float = 0.0
    phrase_fill: float = 0.7
    soft_analyser: str | None = None  # the phrases' analyser (loaded for furigana), else kana
    # Where a line should not start when a better break is near (a lone particle: 場合／は),
    # as regular expressions matched at the break (in the base text of furigana).
    avoid: tuple[str, ...] = ()
    avoid_fill: float = 0.7  # how full a line stays when it ends early for that

    def pattern(self) -> re.Pattern:
        return _pattern(self.units, self.keep)

    def squeezable(self, char: str) -> float:
        return dict(self.squeeze).get(char, 0.0)


@dataclass
class Piece:
    """An unbreakable piece of text in one style; `space`: a space comes before it."""

    text: str
    space: bool
    style: Any = None
    width: float = 0.0
    # How much wider the piece is when it starts a line and when it ends one (a furigana
    # reading that reaches over the kana beside its base keeps inside the line there).
    lead: float = 0.0
    trail: float = 0.0
    phrase: bool = True  # a phrase starts here (prefer_phrases: a good place for a break)
    weak: bool = False  # a poor place for a line to start (inside a word, a lone particle)

    def edges(self) -> Piece:
        """The piece with its lead and trail measured (its style's edge_overhang)."""
        overhang = getattr(self.style, "edge_overhang", None)
        self.lead, self.trail = overhang(self.text) if overhang else (0.0, 0.0)
        return self


@dataclass
class Line:
    pieces: list[Piece] = field(default_factory=list)
    tight: bool = False  # punctuation squeezed (JIS X 4051 oikomi)

    @property
    def text(self) -> str:
        return "".join((" " if p.space and i else "") + p.text for i, p in enumerate(self.pieces))

    def characters(self) -> int:
        return sum(len(p.text) for p in self.pieces)


Measure = Callable[[Any, str], float]  # (style, text) -> width

_NUMBER = r"\d+(?:[.,:]\d+)*"
_patterns: dict[tuple[tuple[str, ...], tuple[str, ...]], re.Pattern] = {}


def _pattern(units: tuple[str, ...], keep: tuple[str, ...] = ()) -> re.Pattern:
    """Unbreakable runs: a number range with its unit, a Latin word / code like BL40, or a run
    the language keeps together."""
    if (units, keep) not in _patterns:
        unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
        number = rf"{_NUMBER}(?:\s?[〜~～\-–]\s?{_NUMBER})?"
        if unit:
            # A Latin unit must end there (30 minutes, not 30 min|utes of "minutesx").
            number += rf"(?:[ \u00a0]?(?:{unit})(?![A-Za-z]))?"
        word = r"[A-Za-z0-9\u00C0-\u024F'’]+(?:[-./'’][A-Za-z0-9\u00C0-\u024F]+)*"
        kept = "".join(f"(?:{run})|" for run in keep)
        _patterns[(units, keep)] = re.compile(rf"[^\S\u00a0]+|{number}|{word}|{kept}.", re.DOTALL)
    return _patterns[(units, keep)]


def segments(
    text: str, rules: BreakRules, breaks: frozenset[int] | None = None
) -> list[tuple[str, bool]]:
    """Split text into unbreakable pieces: (piece, a space comes before it). `breaks`: where
    a line may break at all (phrase starts, as indices of `text`), None: anywhere."""
    pieces: list[tuple[str, bool]] = []
    space = False
    glue_next = False
    for match in rules.pattern().finditer(text):
        piece = match.group()
        if piece.isspace() and "\u00a0" not in piece:
            space = bool(pieces)
            glue_next = False
            continue
        glue = (
            pieces
            and not space
            and (
                rules.words
                or glue_next
                or piece[0] in rules.no_line_start
                or piece[0] == "\u00a0"
                or pieces[-1][0][-1] == "\u00a0"
                or (breaks is not None and match.start() not in breaks)
            )
        )
        if glue:
            pieces[-1] = (pieces[-1][0] + piece, pieces[-1][1])
        else:
            pieces.append((piece, space))
        glue_next = piece[-1] in rules.no_line_end
        space = False
    return pieces


def pieces_of(
    spans: Iterable[tuple[str, Any, bool]], rules: BreakRules, measure: Measure
) -> list[Piece]:
    """Pieces of styled spans (text, style, keep whole). Spans join without a break between
    them unless there is a space (in the text, or a span of spaces). Each span is broken by
    its own style's rules when it has them (English fallback text in a Japanese document)."""
    result: list[Piece] = []
    pending = False  # a space ends the span before
    for text, style, keep in spans:
        if not text.strip():
            pending = pending or bool(text)
            continue
        own = getattr(style, "rules", None) or rules
        # Breaking only between phrases, a line may still break between the words of one
        # phrase (妊娠して|いるかもしれない) rather than stay less than `phrase_fill` full.
        breaks = _phrases(text, style, own, finder="words")
        if breaks is None and not keep:
            breaks = _kept(text, style, own)
        parts = [(text.strip(), False)] if keep else segments(text, own, breaks)
        soft = None
        if not keep and (own.prefer_phrases or own.phrases):
            soft = _soft_starts(text, style, own)
        weak = _weak_starts(text, style, own) if not keep else frozenset()
        lead = pending or text[:1].isspace()
        at = 0  # where the piece stands in `text`
        for index, (piece, space) in enumerate(parts):
            at = text.find(piece, at) if piece in text[at:] else at
            starts = soft is None or index == 0 or at in soft
            is_weak = index > 0 and at in weak
            at += len(piece)
            piece = piece.replace("\u00a0", " ")  # a no-break space prints as a space
            space = space or (index == 0 and lead)
            if index == 0 and result and not space and _joins(result[-1].text, piece, own):
                last = result[-1]
                if last.style is style:
                    last.text += piece
                    last.width = measure(style, last.text)
                    last.edges()
                    continue
            made = Piece(piece, space and bool(result), style, measure(style, piece))
            made.phrase = starts or space
            made.weak = is_weak and not space
            result.append(made.edges())
        pending = text[-1:].isspace()
    return result


def _phrases(
    text: str, style: Any, rules: BreakRules, analyser: str | None = None, finder: str = ""
) -> frozenset[int] | None:
    """Where `text` may break when its rules break between phrases only: the indices of its
    phrases' starts (a furigana cluster's placeholder stands for its base text); `finder`
    "words": where its words start (furigana.word_starts)."""
    analyser = analyser or rules.phrases
    if not analyser:
        return None
    from handouts.content.furigana import phrase_starts, phrase_starts_fresh, word_starts

    ruby = getattr(style, "ruby", None)
    whole, at = _base_text(text, style)  # where each character of text starts in `whole`
    from handouts.compose.document import Given

    private = getattr(ruby, "private", False) or isinstance(text, Given)  # a typed note
    if finder == "words":
        found = phrase_starts_fresh(whole, analyser, True) if private else word_starts(whole)
    else:
        found = (phrase_starts_fresh if private else phrase_starts)(whole, analyser)
    starts = set(found)
    for run in rules.keep:  # a run kept together (指4本分) is one piece here too
        for match in re.finditer(run, whole):
            starts -= set(range(match.start() + 1, match.end()))
    return frozenset(index for index, start in enumerate(at) if start in starts)


def _base_text(text: str, style: Any) -> tuple[str, list[int]]:
    """The text as read (a furigana cluster's placeholder replaced by its kanji), and where in
    it each character of `text` begins."""
    clusters = getattr(getattr(style, "ruby", None), "clusters", None) or {}
    plain, at = [], []
    length = 0
    for char in text:
        at.append(length)
        base = clusters[char].text if char in clusters else char
        plain.append(base)
        length += len(base)
    return "".join(plain), at


def _weak_starts(text: str, style: Any, rules: BreakRules) -> frozenset[int]:
    """Where a line should not start if a better break is near: where an `avoid` pattern
    matches (a lone particle after its word), and inside the analyser's words where it is
    loaded (こむ|ら返り, 使|います)."""
    if not rules.avoid and not (rules.phrases or rules.soft_analyser):
        return frozenset()
    whole, at = _base_text(text, style)
    weak: set[int] = set()
    for pattern in rules.avoid:
        compiled = re.compile(pattern)
        weak.update(index for index in range(1, len(whole)) if compiled.match(whole, index))
    found = {index for index, start in enumerate(at) if start in weak}
    analyser = rules.phrases or rules.soft_analyser
    words = _phrases(text, style, rules, analyser, finder="words") if analyser else None
    if words is not None:
        found.update(index for index in range(1, len(text)) if index not in words)
    return frozenset(found)


def _kept(text: str, style: Any, rules: BreakRules) -> frozenset[int] | None:
    """Where a text may break outside its runs kept together (`keep`: 1日か2日, read in the
    base text: a furigana cluster's placeholder stands for its kanji and number; a run the
    number pattern would cut short, 1日 of 1日か2日, kept whole too); None: anywhere."""
    if not rules.keep:
        return None
    whole, at = _base_text(text, style)
    inside: set[int] = set()
    for run in rules.keep:
        for match in re.finditer(run, whole):
            inside.update(range(match.start() + 1, match.end()))
    return frozenset(index for index, start in enumerate(at) if index and start not in inside)


_ENDS_PHRASE = "、。，．！？）」』】〕］｝〉》：；"
_OPENING_BRACKETS = "（「『【〔［｛〈《"
_PARTICLES_BEFORE_KANA = "のやを"


# (Range tests, not a regex class: compiling wide character ranges costs ms at every start.)
def _is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f"


def _opens_phrase(char: str) -> bool:
    """A kanji, katakana, Latin letter or digit, a ruby cluster's placeholder, or an opening
    bracket."""
    return (
        "\u3400" <= char <= "\u9fff"
        or "\uf900" <= char <= "\ufaff"
        or "\u30a0" <= char <= "\u30ff"
        or "\ue000" <= char <= "\uf8ff"
        or (char.isascii() and char.isalnum())
        or char in _OPENING_BRACKETS
    )


def _soft_starts(text: str, style: Any, rules: BreakRules) -> frozenset[int]:
    """Where a phrase starts in `text` (prefer_phrases): the analyser's phrases where it is
    loaded, else after punctuation or a space, and where hiragana (a particle, an ending)
    meets a kanji, katakana, Latin word or bracket (足を|高くし: not 足を高|くし)."""
    if rules.soft_analyser:
        found = _phrases(text, style, rules, rules.soft_analyser)
        if found is not None:
            return found
    return frozenset(
        index
        for index in range(1, len(text))
        if text[index - 1] in _ENDS_PHRASE
        or text[index - 1].isspace()
        or (_is_hiragana(text[index - 1]) and _opens_phrase(text[index]))
        or (
            # A kana word after の, や or を that follows a kanji (筋肉の|こわばり, 足を|もむ),
            # or after や and を that follow a kana (痛みや|こわばり; not しや|すい, はや|めて).
            index >= 2
            and _is_hiragana(text[index])
            and (
                (
                    text[index - 1] in _PARTICLES_BEFORE_KANA
                    and _opens_phrase(text[index - 2])
                    and text[index - 2] not in _OPENING_BRACKETS
                )
                or (
                    text[index - 1] in "やを"
                    and _is_hiragana(text[index - 2])
                    and text[index - 2] != "は"
                    and text[index] != "す"
                )
            )
        )
    )


def _phrase_cut(line: Line, width: float, rules: BreakRules, measure: Measure, em: float) -> int:
    """prefer_phrases: where to cut `line` (which would end inside a word) so that it ends
    before its last phrase start, still `phrase_fill` full; 0: keep it as it is."""
    least = rules.phrase_fill * width
    return _last_cut(line, lambda piece: piece.phrase, least, rules, measure, em)


def _strong_cut(line: Line, width: float, rules: BreakRules, measure: Measure, em: float) -> int:
    """Where to cut `line` (the next line would start weakly: 場合|は, 使|います) so that
    it ends at its last better break, still `avoid_fill` full; 0: keep it as it is. A
    better break is a phrase start, or a word start where the analyser knows the words
    (without it, a break between two kanji may be inside a word: 軽い場|合は)."""
    words = bool(rules.phrases or rules.soft_analyser)

    def better(piece) -> bool:
        return not piece.weak and (piece.phrase or words)

    return _last_cut(line, better, rules.avoid_fill * width, rules, measure, em)


def _last_cut(line: Line, good, least: float, rules: BreakRules, measure: Measure, em) -> int:
    """The last piece of `line` before which `good` says a line may end, if the line ending
    there is at least `least` wide; 0: none."""
    for cut in range(len(line.pieces) - 1, 0, -1):
        if not good(line.pieces[cut]):
            continue
        head = Line(line.pieces[:cut])
        return cut if _line_width(head, measure, em, rules, tight=False) >= least else 0
    return 0


def _joins(before: str, after: str, rules: BreakRules) -> bool:
    """No break allowed between two spans that touch (words, or kinsoku)."""
    return (rules.words and before[-1:].isalnum() and after[:1].isalnum()) or (
        after[:1] in rules.no_line_start or before[-1:] in rules.no_line_end
    )


def fill(
    pieces: list[Piece], width: float, rules: BreakRules, measure: Measure, em: float = 0.0
) -> list[Line]:
    """Greedy line filling, then the runt rule; `em` is the size squeeze shares apply to.
    prefer_phrases: lines end between phrases where they would end inside a word, unless the
    paragraph would take more lines so (a page budget is never the price)."""
    narrow = bool(rules.prefer_phrases) and em > 0 and width <= rules.prefer_phrases * em
    if rules.phrases:
        # Between phrases only where the line stays phrase_fill full, else between words.
        lines = _fill(pieces, width, rules, measure, em, prefer=True, careful=True)
    else:
        lines = _fill(pieces, width, rules, measure, em)
        if narrow or (em > 0 and any(piece.weak for piece in pieces)):
            lines = _fill(
                pieces, width, rules, measure, em, budget=len(lines), prefer=narrow, careful=True
            )
    if rules.min_last_line and len(lines) >= 2:
        _fix_runt(lines, width, rules, measure, em)
    return lines


def _fill(
    pieces: list[Piece],
    width: float,
    rules: BreakRules,
    measure: Measure,
    em: float,
    budget: int | None = None,
    prefer: bool = False,
    careful: bool = False,
) -> list[Line]:
    """Greedy filling; `careful`: a line that would end inside a word ends at its last phrase
    start instead (`prefer`), or one that would leave a weak start to the next line at its
    last better break, where it stays phrase_fill full and the rest still fits in the
    `budget` of lines (None: any number)."""
    lines: list[Line] = []
    line, used = Line(), 0.0
    queue = list(reversed(pieces))  # a stack: the next piece is at the end
    while queue:
        piece = queue.pop()
        gap = _space(piece, measure) if (piece.space and line.pieces) else 0.0
        lead = 0.0 if line.pieces else piece.lead
        if used + lead + gap + piece.width + piece.trail <= width:
            line.pieces.append(piece)
            used += lead + gap + piece.width
            continue
        if not line.pieces:
            # Wider than a whole line (a long name or URL): break it where it can break.
            head, tail = _split_long(piece, width, rules, measure)
            line.pieces.append(head)
            used = head.lead + head.width
            if tail is not None:
                queue.append(tail)
            continue
        queue.append(piece)  # to the next line; its `space` is ignored there
        cut = 0
        if careful and prefer and not piece.phrase:
            cut = _phrase_cut(line, width, rules, measure, em)
            if cut and not _within(budget, lines, line, cut, queue, width, rules, measure, em):
                cut = 0  # the paragraph would take a line more
        if careful and not cut and piece.weak:
            # (A paragraph may take a line more: a line starting 軽い場合／は reads badly.)
            cut = _strong_cut(line, width, rules, measure, em)
        if cut:  # the line ends at its last phrase start instead of inside a word
            queue.extend(reversed(line.pieces[cut:]))
            del line.pieces[cut:]
        lines.append(line)
        line, used = Line(), 0.0
    if line.pieces:
        lines.append(line)
    return lines


def _within(budget, lines, line, cut, queue, width, rules, measure, em) -> bool:
    """Does the paragraph still take at most `budget` lines if `line` is cut at `cut`?"""
    if budget is None:
        return True
    rest = line.pieces[cut:] + list(reversed(queue))
    return len(lines) + 1 + len(_fill(rest, width, rules, measure, em)) <= budget


def _space(piece: Piece, measure: Measure) -> float:
    return measure(piece.style, " ")


def _line_width(line: Line, measure: Measure, em: float, rules: BreakRules, tight: bool) -> float:
    total = 0.0
    for index, piece in enumerate(line.pieces):
        if piece.space and index:
            total += _space(piece, measure)
        total += piece.width
        if tight:
            total -= sum(rules.squeezable(c) for c in piece.text) * _size(piece, em)
    if line.pieces:
        total += line.pieces[0].lead + line.pieces[-1].trail
    return total


def _size(piece: Piece, em: float) -> float:
    return getattr(piece.style, "size", em) or em


def _fix_runt(
    lines: list[Line], width: float, rules: BreakRules, measure: Measure, em: float
) -> None:
    last, before = lines[-1], lines[-2]
    if last.characters() >= rules.min_last_line:
        return
    # 1. Pull the runt back: both lines on one line with their punctuation squeezed.
    joined = Line([*before.pieces, *last.pieces], tight=True)
    if _line_width(joined, measure, em, rules, tight=True) <= width:
        lines[-2:] = [joined]
        return
    # 2. Push pieces down from the line before until the last line is long enough, and
    # does not start weakly (使|います: the whole word goes down, if it fits).
    while (last.characters() < rules.min_last_line or last.pieces[0].weak) and len(
        before.pieces
    ) > 1:
        last.pieces.insert(0, before.pieces.pop())
        if _line_width(last, measure, em, rules, tight=False) > width:
            before.pieces.append(last.pieces.pop(0))
            break


def _hyphen_split(piece: Piece, room: float, measure: Measure):
    """(head ending in a hyphen that fits in `room`, rest) or (None, None)."""
    text = piece.text
    for index in range(len(text) - 2, 0, -1):
        if text[index] == "-" and text[index - 1].isalpha() and text[index + 1].isalpha():
            head = text[: index + 1]
            width = measure(piece.style, head)
            if width <= room:
                rest = text[index + 1 :]
                return (
                    Piece(head, piece.space, piece.style, width).edges(),
                    Piece(rest, False, piece.style, measure(piece.style, rest)).edges(),
                )
    return None, None


def _split_long(piece: Piece, room: float, rules: BreakRules, measure: Measure):
    """A piece wider than a whole line (a long name or URL): break it after a hyphen if
    possible, else where it must break (never before a no-line-start character)."""
    head, tail = _hyphen_split(piece, room, measure)
    if head is not None:
        return head, tail
    text, current = piece.text, ""
    if rules.phrases:
        # A phrase longer than the line: between its smaller unbreakable pieces first (a
        # katakana word, a number with its unit stay whole).
        parts = [part for part, _ in segments(text, rules)]
        if len(parts) > 1 and "".join(parts) == text:
            for count in range(len(parts) - 1, 0, -1):
                head_text = "".join(parts[:count])
                width = measure(piece.style, head_text)
                if width <= room:
                    rest = text[len(head_text) :]
                    return (
                        Piece(head_text, piece.space, piece.style, width).edges(),
                        Piece(rest, False, piece.style, measure(piece.style, rest)).edges(),
                    )
    for index, char in enumerate(text):
        if (
            current
            and measure(piece.style, current + char) > room
            and char not in rules.no_line_start
        ):
            rest = text[index:]
            return (
                Piece(current, piece.space, piece.style, measure(piece.style, current)).edges(),
                Piece(rest, False, piece.style, measure(piece.style, rest)).edges(),
            )
        current += char
    return piece, None


def wrap(
    text: str, width: float, measure: Callable[[str], float], rules: BreakRules, em: float = 0.0
) -> list[str]:
    """Plain text in one style, wrapped: the lines as strings."""

    def styled(_style, value):
        return measure(value)

    pieces = pieces_of([(text, None, False)], rules, styled)
    return [line.text for line in fill(pieces, width, rules, styled, em)]
