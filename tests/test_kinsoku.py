"""Japanese line breaking as printed: read every line back from the built PDFs by position.

Lines are rebuilt from each character's box (not from the text extractor's line breaks), then
checked against JIS X 4051's kinsoku characters (helpers.JIS_NO_LINE_START/END, written from the
standard) and for point codes split across lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from helpers import CONTENT, JIS_NO_LINE_END, JIS_NO_LINE_START


class Char(NamedTuple):
    text: str
    left: float
    bottom: float
    right: float
    top: float


def page_chars(page) -> list[Char]:
    """Drawn characters in content-stream order; characters pdfium invents (line ends) dropped."""
    textpage = page.get_textpage()
    chars = []
    for index in range(textpage.count_chars()):
        text = textpage.get_text_range(index, 1)
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        if text in ("\r", "\n", "") or right <= left:
            continue
        chars.append(Char(text, left, bottom, right, top))
    return chars


def group_lines(chars: list[Char]) -> list[str]:
    """Printed lines: a new line begins when a character leaves the current line's band,
    goes back to the left, or jumps across a gap (the next column)."""
    lines: list[list[Char]] = []
    for char in chars:
        if lines:
            line = lines[-1]
            previous = line[-1]
            middle = (char.bottom + char.top) / 2
            band = (min(c.bottom for c in line), max(c.top for c in line))
            gap = char.left - previous.right
            size = char.top - char.bottom
            # Squeezed punctuation (「）。」 pulled back into a full line) may overlap its
            # neighbour a little; a new line goes back to the left by far more than a quarter em.
            if band[0] <= middle <= band[1] and -size / 4 <= gap <= size:
                line.append(char)
                continue
        lines.append([char])
    return ["".join(c.text for c in line).strip() for line in lines]


def bad_breaks(lines: list[str], no_start: str, no_end: str, codes: set[str]) -> list[str]:
    """Every kinsoku violation and split code among consecutive printed lines."""
    problems = []
    lines = [line for line in lines if line]
    for number, line in enumerate(lines):
        if line[0] in no_start:
            problems.append(f"line starts with {line[0]!r}: {line!r}")
        if line[-1] in no_end:
            problems.append(f"line ends with {line[-1]!r}: {line!r}")
        if number:
            before = lines[number - 1]
            for code in codes:
                for cut in range(1, len(code)):
                    if before.endswith(code[:cut]) and line.startswith(code[cut:]):
                        problems.append(f"{code} split: {before!r} / {line!r}")
    return problems


@pytest.fixture(scope="module")
def rules():
    registry = yaml.safe_load((CONTENT / "points.yaml").read_text(encoding="utf-8"))["points"]
    codes = set(registry) | {
        alias for entry in registry.values() for alias in entry.get("aliases", [])
    }
    return JIS_NO_LINE_START, JIS_NO_LINE_END, codes


def printed_lines(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return [line for page in document for line in group_lines(page_chars(page))]


def test_japanese_pdfs_break_lines_by_the_rules(built, rules):
    pdfs = sorted((built / "ja").glob("*.pdf"))
    assert len(pdfs) == 4
    for pdf in pdfs:
        lines = printed_lines(pdf)
        # Not vacuous: the text was really read back, Latin digits included (every document
        # names the emergency number 119).
        assert len(lines) > 30 and any("。" in line for line in lines), pdf
        assert any("119" in line for line in lines), pdf
        assert bad_breaks(lines, *rules) == [], pdf


def fake_line(text: str, top: float, left: float = 50.0, size: float = 12.0) -> list[Char]:
    return [
        Char(c, left + i * size, top - size, left + (i + 1) * size, top) for i, c in enumerate(text)
    ]


def test_grouping_finds_a_line_starting_with_a_full_stop(rules):
    chars = fake_line("痛みをやわらげる助けになります", 700) + fake_line(
        "。効果には個人差があります。", 682
    )
    lines = group_lines(chars)
    assert lines == ["痛みをやわらげる助けになります", "。効果には個人差があります。"]
    assert bad_breaks(lines, *rules) == ["line starts with '。': '。効果には個人差があります。'"]


def test_grouping_finds_an_opening_bracket_at_a_line_end_and_a_split_code(rules):
    chars = (
        fake_line("坐骨神経（", 700) + fake_line("腰）にあるBL", 682) + fake_line("40です。", 664)
    )
    problems = bad_breaks(group_lines(chars), *rules)
    assert "line ends with '（': '坐骨神経（'" in problems
    assert any(p.startswith("BL40 split") for p in problems)


def test_grouping_separates_side_by_side_columns(rules):
    # Left column drawn first, then the right column at the same heights (as a table does).
    chars = (
        fake_line("左の列の文です", 700)
        + fake_line("続きです。", 682)
        + fake_line("右の列", 700, left=320)
        + fake_line("、です", 682, left=320)
    )
    lines = group_lines(chars)
    assert lines == ["左の列の文です", "続きです。", "右の列", "、です"]
    assert bad_breaks(lines, *rules) == ["line starts with '、': '、です'"]
