"""Line breaking rules (JIS X 4051 basics) on the real Japanese and English typography data."""

from __future__ import annotations

import pytest
import yaml

from handouts.linebreak import BreakRules, wrap
from helpers import CONTENT


def rules(lang: str) -> BreakRules:
    data = yaml.safe_load((CONTENT / lang / "language.yaml").read_text(encoding="utf-8"))
    lb = data["line_breaking"]
    return BreakRules(lb["words"], frozenset(lb.get("no_line_start") or ""),
                      frozenset(lb.get("no_line_end") or ""), tuple(lb.get("units") or ()))


def one_per_char(text: str) -> float:
    return float(len(text))


JA = rules("ja")
SAMPLE = "鍼は20〜30分ほど置きます。「BL40」（委中）は、ひざの裏にあるツボです。ストレッチ、ゆっくりした散歩がおすすめです。"


@pytest.mark.parametrize("width", range(6, 30))
def test_japanese_lines_never_start_or_end_badly(width):
    lines = wrap(SAMPLE, width, one_per_char, JA)
    assert "".join(lines) == SAMPLE
    for line in lines:
        assert line[0] not in JA.no_line_start, lines
        assert line[-1] not in JA.no_line_end, lines
        assert len(line) <= width, lines


@pytest.mark.parametrize("width", range(8, 30))
def test_codes_and_numbers_with_units_stay_whole(width):
    lines = wrap(SAMPLE, width, one_per_char, JA)
    assert any("BL40" in line for line in lines)
    assert any("20〜30分" in line for line in lines)


def test_english_breaks_only_at_spaces():
    text = "Press gently on ST36, four finger-widths below the kneecap, for 2 minutes."
    lines = wrap(text, 20, one_per_char, rules("en"))
    assert " ".join(lines) == text
    assert all(len(line) <= 20 for line in lines)


def test_a_word_longer_than_the_line_is_broken_rather_than_overflowing():
    lines = wrap("see https://example.com/a/very/long/path/indeed", 12, one_per_char, rules("en"))
    assert all(len(line) <= 12 for line in lines)
    assert "".join(lines).replace(" ", "") == "seehttps://example.com/a/very/long/path/indeed"
