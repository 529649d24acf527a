"""Line breaking for every language: words (English) or characters with kinsoku rules (Japanese).

reportlab's own CJK wrapping lets closing punctuation start a line in some cases and splits
codes such as BL40; this module decides every break itself (JIS X 4051 basics):
- no line starts with a character from `no_line_start` (、。」）ー small kana ...);
- no line ends with a character from `no_line_end` (（「『【 ...);
- Latin words, point codes (BL40) and numbers with their units (20〜30分, 3 cm) never split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class BreakRules:
    words: bool
    no_line_start: frozenset[str] = frozenset()
    no_line_end: frozenset[str] = frozenset()
    units: tuple[str, ...] = ()

    def pattern(self) -> re.Pattern:
        return _pattern(self.units)


_NUMBER = r"\d+(?:[.,:]\d+)*"
_patterns: dict[tuple[str, ...], re.Pattern] = {}


def _pattern(units: tuple[str, ...]) -> re.Pattern:
    """Unbreakable runs: a number range with its unit, or a Latin word / code like BL40."""
    if units not in _patterns:
        unit = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
        number = rf"{_NUMBER}(?:\s?[〜~～\-–]\s?{_NUMBER})?"
        if unit:
            number += rf"(?:\s?(?:{unit}))?"
        word = r"[A-Za-z0-9\u00C0-\u024F'’]+(?:[-./'’][A-Za-z0-9\u00C0-\u024F]+)*"
        _patterns[units] = re.compile(rf"\s+|{number}|{word}|.", re.DOTALL)
    return _patterns[units]


def segments(text: str, rules: BreakRules) -> list[tuple[str, bool]]:
    """Split text into unbreakable pieces: (piece, a space comes before it)."""
    pieces: list[tuple[str, bool]] = []
    space = False
    glue_next = False
    for match in rules.pattern().finditer(text):
        piece = match.group()
        if piece.isspace():
            space = bool(pieces)
            glue_next = False
            continue
        glue = (
            pieces
            and not space
            and (rules.words or glue_next or piece[0] in rules.no_line_start)
        )
        if glue:
            pieces[-1] = (pieces[-1][0] + piece, pieces[-1][1])
        else:
            pieces.append((piece, space))
        glue_next = piece[-1] in rules.no_line_end
        space = False
    return pieces


def wrap(text: str, width: float, measure: Callable[[str], float], rules: BreakRules,
         first_indent: float = 0.0) -> list[str]:
    """Greedy line filling: as many pieces per line as fit in `width`.

    `first_indent` is room taken on the first line by a lead-in drawn before the text.
    """
    lines: list[str] = []
    space_width = measure(" ")
    line, used = "", first_indent
    for piece, space_before in segments(text, rules):
        piece_width = measure(piece)
        gap = space_width if (space_before and line) else 0.0
        if (line or used) and used + gap + piece_width > width:
            lines.append(line)   # empty only when a lead-in fills the first line by itself
            line, used, gap = "", 0.0, 0.0
        if not line and piece_width > width:
            # A piece wider than the line (a long URL): break it where it must break.
            *full, line = _force_split(piece, width, measure, rules)
            lines.extend(full)
            used = measure(line)
            continue
        line += (" " if gap else "") + piece
        used += gap + piece_width
    if line:
        lines.append(line)
    return lines


def _force_split(piece: str, width: float, measure, rules: BreakRules) -> list[str]:
    parts, current = [], ""
    for char in piece:
        if current and measure(current + char) > width and char not in rules.no_line_start:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return parts
