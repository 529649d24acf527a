"""Line breaking rules (JIS X 4051 basics) on the real Japanese and English typography data."""

from __future__ import annotations

import dataclasses
import re

import pytest
import yaml

from handouts.render.linebreak import BreakRules, wrap
from helpers import CONTENT, JIS_NO_LINE_END, JIS_NO_LINE_START


def rules(lang: str) -> BreakRules:
    data = yaml.safe_load((CONTENT / lang / "language.yaml").read_text(encoding="utf-8"))
    lb = data["line_breaking"]
    return BreakRules(
        lb["words"],
        frozenset(lb.get("no_line_start") or ""),
        frozenset(lb.get("no_line_end") or ""),
        tuple(lb.get("units") or ()),
        lb.get("min_last_line", 0),
        tuple(sorted((lb.get("squeeze") or {}).items())),
        tuple(lb.get("keep_together") or ()),
        lb.get("phrases"),
        float(lb.get("prefer_phrases") or 0.0),
        lb.get("phrase_fill", 0.7),
        avoid=tuple(lb.get("avoid_line_start") or ()),
        avoid_fill=lb.get("avoid_fill", 0.7),
    )


def one_per_char(text: str) -> float:
    return float(len(text))


JA = rules("ja")
SAMPLE = (
    "鍼は20〜30分ほど置きます。「BL40」（委中）は、ひざの裏にあるツボです。"
    "ストレッチ、ゆっくりした散歩がおすすめです。"
)


@pytest.mark.parametrize("width", range(6, 30))
def test_japanese_lines_never_start_or_end_badly(width):
    lines = wrap(SAMPLE, width, one_per_char, JA)
    assert "".join(lines) == SAMPLE
    for line in lines:
        assert line[0] not in JIS_NO_LINE_START, lines  # the standard's, not the content's
        assert line[-1] not in JIS_NO_LINE_END, lines
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


# -- JIS X 4051 runts, no-break spaces, long names, kept spans ----------------------------------
def test_a_runt_is_pulled_back_by_squeezing_punctuation():
    """Greedy filling leaves 「す。」 alone on the last line; squeezing the blank half of the
    two 、 of the line above makes room for it there (oikomi)."""
    import dataclasses

    text = "あいう、えおか、きくけこさしすせそたちつてとなにぬねのはひふへほまみむめもす。"
    width = len(text) - 0.5  # one unit per character; 、 and 。 squeeze 0.2 each
    greedy = wrap(text, width, one_per_char, dataclasses.replace(JA, min_last_line=0))
    assert greedy[-1] == "す。"
    lines = wrap(text, width, one_per_char, JA, em=1.0)
    assert lines == [text]


def test_a_runt_that_cannot_be_squeezed_takes_characters_from_the_line_above():
    text = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよ"
    lines = wrap(text, len(text) - 2, one_per_char, JA, em=1.0)
    assert "".join(lines) == text
    assert len(lines[-1]) >= JA.min_last_line, lines
    assert all(len(line) <= len(text) - 2 for line in lines)


def test_english_keeps_numbers_with_their_units():
    text = "Leave the needles in for about 20 to 30 minutes, then rest."
    for width in range(12, 40):
        lines = wrap(text, width, one_per_char, rules("en"))
        assert any("30 minutes" in line for line in lines), lines


def test_a_name_longer_than_the_line_breaks_after_its_hyphen():
    lines = wrap("Patient Anna-Katharina Testperson-Yamamoto", 16, one_per_char, rules("en"))
    assert all(len(line) <= 16 for line in lines), lines
    assert "Testperson-" in lines and "Yamamoto" in lines, lines


def test_a_span_kept_whole_is_never_split():
    from handouts.render.linebreak import fill, pieces_of

    def measure(_style, text):
        return float(len(text))

    spans = [
        ("GB34 陽陵泉", None, False),
        ("（ようりょうせん）", None, True),
        ("ひざの下の外側にある骨の出っぱり", None, False),
    ]
    for width in range(10, 30):
        lines = [line.text for line in fill(pieces_of(spans, JA, measure), width, JA, measure)]
        assert any("（ようりょうせん）" in line for line in lines), (width, lines)


@pytest.mark.parametrize("lang", ["ja", "ja-x-easy"])
@pytest.mark.parametrize("width", range(6, 24))
def test_katakana_words_and_latin_runs_never_split(lang, width):
    text = (
        "背骨の間のクッションが飛び出す（椎間板ヘルニア）ことがあります。"
        "LI4は2026年の秋にも使います。"
    )
    lines = wrap(text, width, one_per_char, rules(lang))
    assert "".join(lines) == text
    for before, after in zip(lines, lines[1:]):
        for run in ("ァ-ヺー", "A-Za-z0-9"):
            assert not (re.match(f"[{run}]", before[-1]) and re.match(f"[{run}]", after[0])), lines


def test_a_katakana_word_longer_than_a_line_still_breaks():
    lines = wrap("ピリピリピリピリピリピリした感じ", 5, one_per_char, JA)
    assert "".join(lines) == "ピリピリピリピリピリピリした感じ"
    assert all(len(line) <= 5 for line in lines)


@pytest.mark.parametrize("width", range(10, 30))  # the longest phrase: 9 characters
def test_the_easy_edition_breaks_between_phrases_or_words_in_a_short_line(width):
    """Between phrases; between the words of a phrase (受けて|ください) only where the line
    ending at its last phrase start would be less than phrase_fill full."""
    from handouts.content.furigana import phrase_starts, word_starts

    easy = rules("ja-x-easy")
    assert easy.phrases == "sudachi"
    text = "病院の治療といっしょに受けてください。痛みが強いときは、すぐに119番へ電話してください。"
    starts, words = phrase_starts(text), word_starts(text)
    lines = wrap(text, width, one_per_char, easy)
    assert "".join(lines) == text
    at = 0
    for line in lines[:-1]:
        line_from, at = at, at + len(line)
        if at in starts:
            continue
        assert at in words, lines
        last = max(start for start in starts if line_from < start < at)
        assert last - line_from < easy.phrase_fill * width, lines


def test_a_phrase_breaks_between_its_words_rather_than_leave_a_short_line():
    easy = rules("ja-x-easy")
    text = "妊娠している、または妊娠しているかもしれない。"
    assert wrap(text, 16, one_per_char, easy) == [
        "妊娠している、または妊娠して",
        "いるかもしれない。",
    ]
    # A full enough line still ends between phrases.
    assert wrap(text, 12, one_per_char, easy)[0] == "妊娠している、または"


def test_phrases_are_words_with_their_particles_and_punctuation():
    from handouts.content.furigana import phrase_starts

    text = "背骨の間のクッションが飛び出す（椎間板ヘルニア）ことがあります。"
    starts = sorted(phrase_starts(text))
    assert ["".join(text[a:b]) for a, b in zip([0, *starts], [*starts, len(text)])] == [
        "背骨の",
        "間の",
        "クッションが",
        "飛び出す",
        "（椎間板ヘルニア）",
        "ことが",
        "あります。",
    ]


def test_a_phrase_longer_than_a_line_breaks_between_characters():
    lines = wrap("とてもながいひらがなのことばをかきました。", 6, one_per_char, rules("ja-x-easy"))
    assert "".join(lines) == "とてもながいひらがなのことばをかきました。"
    assert all(len(line) <= 6 for line in lines)


def test_narrow_japanese_columns_break_between_phrases_not_inside_words():
    """足を高／くし: JIS allows it, but a reader sees 高 and くし apart. A column of at most
    prefer_phrases characters ends the line at the phrase before (足を／高くし) when the line
    stays phrase_fill full and the paragraph takes no more lines; kinsoku still holds. (Only
    keeping a weak start off a line, 足／を, may cost the paragraph a line.)"""
    text = "気分が悪く倒れそうなら、横になって足を高くし、回復まで運転しないでください。"
    assert JA.prefer_phrases and 0 < JA.phrase_fill < 1
    greedy = dataclasses.replace(JA, prefer_phrases=0.0, avoid=())
    split = 0
    for width in range(8, int(JA.prefer_phrases) + 1):
        lines = wrap(text, width, one_per_char, JA, em=1.0)
        plain = wrap(text, width, one_per_char, greedy, em=1.0)
        phrased = wrap(text, width, one_per_char, dataclasses.replace(JA, avoid=()), em=1.0)
        assert len(phrased) <= len(plain) and len(lines) <= len(plain) + 1, width
        split += any(a.endswith("高") for a in plain[:-1])
        assert "".join(lines) == text, width
        assert not any(a.endswith("高") for a in lines[:-1]), (width, lines)
        for before, after in zip(lines, lines[1:]):
            assert after[0] not in JIS_NO_LINE_START and before[-1] not in JIS_NO_LINE_END
        moved = [a for a, b in zip(lines, plain) if a != b]
        assert all(len(a) >= JA.phrase_fill * width for a in moved[:1]), (width, lines)
    assert split  # not vacuous: greedy filling does split 高く in some of these columns


@pytest.mark.parametrize("lang", ["ja", "ja-x-easy"])
@pytest.mark.parametrize("width", range(8, 30))
def test_an_honorific_stays_with_its_noun_and_no_line_starts_with_a_lone_particle(lang, width):
    text = (
        "神経の根元が圧迫されて起こります。軽い場合は、数週間ほどで良くなります。"
        "痛みが強まったときや心配なときは、お電話ください。急ぎのご用件はお知らせください。"
    )
    lines = wrap(text, width, one_per_char, rules(lang), em=1.0)
    assert "".join(lines) == text
    for before, after in zip(lines, lines[1:]):
        assert not (before[-1] in "おご" and re.match("[一-龥]", after)), lines
        assert not re.match(r"[はがをに](?![ぁ-ゖ])", after), lines


def test_a_proper_noun_breaks_between_its_parts():
    lines = wrap("迷ったら、東京消防庁救急相談センターへ。", 12, one_per_char, JA, em=1.0)
    assert lines == ["迷ったら、東京消防庁", "救急相談センターへ。"]
