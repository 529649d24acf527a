"""Furigana readings: from the content (readings.yaml words and counters, point names) and from
the analyser (SudachiPy with its core dictionary), over the kanji only; the readings file checked
by `handouts check` at path:line:col; the analyser never imported unless a document needs it.

Expected readings are the words' standard Japanese readings (any dictionary), not taken from
the code's own tables."""

from __future__ import annotations

import re

import pytest
import yaml

from handouts.content.furigana import Annotator, align
from helpers import check, place_of, read_yaml, run_cli, write_content, write_yaml
from test_editions import add_easy

COUNTERS = {
    "本分": {"*": "ほんぶん", "1": "ぽんぶん", "3": "ぼんぶん", "0": "ぽんぶん"},
    "本": {"*": "ほん", "1": "ぽん", "3": "ぼん", "0": "ぽん"},
    "分": {"*": "ふん", "1": "ぷん", "3": "ぷん", "4": "ぷん", "0": "ぷん"},
}


def read(text: str, words=None, counters=None) -> list[tuple[str, str]]:
    """(base, reading) pairs of a text."""
    rubies = Annotator(words or {}, counters or {})(text)
    return [(text[r.start : r.end], r.text) for r in rubies]


def test_readings_sit_over_kanji_only():
    assert read("治療を受けます。") == [("治療", "ちりょう"), ("受", "う")]
    # Okurigana and kana between kanji get no reading.
    assert read("使い捨ての鍼", {"鍼": "はり"}) == [("使", "つか"), ("捨", "す"), ("鍼", "はり")]
    assert read("ひざのお皿の下です。") == [("皿", "さら"), ("下", "した")]
    assert read("ひらがなとカタカナだけ") == []


def test_content_words_beat_the_analyser_and_the_longest_wins():
    # The analyser splits an unknown point name into other words (環 + 跳ぶ).
    assert read("環跳") != [("環跳", "かんちょう")]
    assert read("環跳の下", {"環跳": "かんちょう"}) == [("環跳", "かんちょう"), ("下", "した")]
    words = {"神経": "しんけい", "坐骨神経痛": "ざこつしんけいつう"}
    assert read("坐骨神経痛", words) == [("坐骨神経痛", "ざこつしんけいつう")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("指1本分", [("指", "ゆび"), ("本分", "ぽんぶん")]),  # いっぽんぶん
        ("指3本分", [("指", "ゆび"), ("本分", "ぼんぶん")]),  # さんぼんぶん
        ("指4本分", [("指", "ゆび"), ("本分", "ほんぶん")]),  # よんほんぶん
        ("15分", [("分", "ふん")]),  # じゅうごふん
        ("30分", [("分", "ぷん")]),  # さんじゅっぷん
        ("3分の1", [("分", "ぶん")]),  # さんぶんのいち: a word wins
        ("2日", [("2日", "ふつか")]),  # read as one: over the whole
        ("12日", [("日", "にち")]),  # じゅうににち: not 2日
    ],
)
def test_counters_are_read_with_their_number(text, expected):
    words = {"分の": "ぶんの", "2日": "ふつか"}
    counters = {**COUNTERS, "日": {"*": "にち"}}
    assert read(text, words, counters) == expected


def test_a_bracketed_aside_is_not_read_into_the_word_before_it():
    assert read("決まった所（ツボ）に") == [("決", "き"), ("所", "ところ")]


def test_unknown_words_are_reported_not_guessed():
    annotator = Annotator({}, {})
    assert annotator.unread("秩辺のくぼみ") == [(0, "秩辺")]
    assert Annotator({"秩辺": "ちっぺん"}, {}).unread("秩辺のくぼみ") == []


def test_alignment_keeps_the_words_own_kana():
    assert [(r.start, r.end, r.text) for r in align("付け根", "つけね")] == [
        (0, 1, "つ"),
        (2, 3, "ね"),
    ]
    assert align("付け根", "つけるね") is not None  # つ|け|るね is a possible split
    assert align("使い捨て", "つかいすてる") is None  # the final て is not in the reading


# The readings file, checked -----------------------------------------------------------------------
def test_check_names_each_bad_reading_at_its_place(tmp_path):
    content = write_content(tmp_path)
    readings = content / "ja" / "readings.yaml"
    name = read_yaml(content / "ja" / "points.yaml")["GV4"]["name"]  # 命門, reading てすと
    readings.write_text(
        "\n".join(
            [
                "words:",
                "  いたみ: いたみ",
                "  治療: ちりょうX",
                "  使い捨て: つかいすてる",
                f"  {name}: めいもん",
                "  肩甲骨: けんこうこつ",
                "counters:",
                '  本: {"x": ほん, "*": ホンX}',
                '  ほん: {"*": ほん}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = check(content)
    assert result.returncode == 1 and "Traceback" not in result.stderr

    def expect(needle, severity, message, offset=0):
        line, column = place_of(readings, needle)
        assert re.search(
            rf"^{re.escape(str(readings))}:{line}:{column + offset}: {severity}: "
            f"{message}",
            result.stderr,
            re.MULTILINE,
        ), (message, result.stderr)

    expect("いたみ: いたみ", "error", "reading of 'いたみ': it has no kanji", len("いたみ: "))
    expect(
        "ちりょうX",
        "error",
        re.escape("reading of '治療': 'X' (U+0058) in 'ちりょうX' is not kana"),
    )
    expect("つかいすてる", "error", "reading of '使い捨て': 'つかいすてる' does not fit the kana")
    expect(
        "めいもん",
        "error",
        f"reading of '{name}': '{name}' is a point name: points.yaml reads it 'てすと'",
    )
    expect("けんこうこつ", "warning", "reading of '肩甲骨': no text uses this word")
    expect('ほん, "*"', "error", "counter '本': 'x' is not a digit")
    expect("ホンX", "error", "counter '本': 'ホンX' is not kana")
    expect("ほん: {", "error", "counter 'ほん' has no kanji", len('ほん: {"*": '))


def test_every_kanji_of_an_edition_with_furigana_needs_a_reading(tmp_path):
    content = write_content(tmp_path)
    easy = add_easy(content)
    condition = easy / "conditions" / "knee-ache.yaml"
    data = read_yaml(condition)
    data["self_care"] = [*data["self_care"], "秩辺のあたりを温めましょう。"]
    write_yaml(condition, data)
    result = check(content)
    line, column = place_of(condition, "秩辺のあたり")
    assert f"{condition}:{line}:{column}: warning: no reading for '秩辺'" in result.stderr, (
        result.stderr
    )
    (easy / "readings.yaml").write_text("words:\n  秩辺: ちっぺん\n", encoding="utf-8")
    assert "no reading for" not in check(content).stderr


def test_an_unknown_analyser_is_refused(tmp_path):
    content = write_content(tmp_path)
    easy = add_easy(content)
    language = easy / "language.yaml"
    language.write_text(
        language.read_text(encoding="utf-8").replace("analyser: sudachi", "analyser: mecab"),
        encoding="utf-8",
    )
    result = check(content)
    line, column = place_of(language, "mecab")
    assert f"{language}:{line}:{column}: error: unknown analyser 'mecab'" in result.stderr


# Start-up stays light -----------------------------------------------------------------------------
def imported(result) -> set[str]:
    """Modules a process imported (python -X importtime writes them to stderr)."""
    return {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_the_analyser_is_imported_only_for_documents_with_furigana(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    add_easy(content)
    out = tmp_path / "out"
    plain = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--lang",
        "ja",
        "--jobs",
        "1",
        python_options=("-X", "importtime"),
    )
    assert plain.returncode == 0 and "built 2" in plain.stdout, plain.stdout + plain.stderr
    assert "sudachipy" not in imported(plain)
    listed = run_cli("list", "--content", str(content), python_options=("-X", "importtime"))
    assert "sudachipy" not in imported(listed)
    checked = run_cli("check", "--content", str(content), python_options=("-X", "importtime"))
    assert "sudachipy" in imported(checked)  # not vacuous: check reads the easy edition


# Drawn ------------------------------------------------------------------------------------------
def test_readings_are_drawn_over_their_bases_and_copied_text_is_the_base(tmp_path):
    from collections import Counter

    from pdfruby import body, clusters

    content = write_content(tmp_path, conditions=("knee-ache",))
    add_easy(content)
    out = tmp_path / "out"
    for lang in ("ja", "ja-x-easy"):
        result = run_cli(
            "build",
            "--content",
            str(content),
            "--out",
            str(out),
            "--lang",
            lang,
            "--kind",
            "handout",
            python_options=("-X", "importtime"),
        )
        assert result.returncode == 0, result.stderr
        assert ("sudachipy" in imported(result)) == (lang == "ja-x-easy")
    plain, easy = out / "ja" / "knee-ache-handout.pdf", out / "ja-x-easy" / "knee-ache-handout.pdf"
    found = clusters(easy.read_bytes())
    assert ("足三里", "てすと") in {(c.base, c.reading) for c in found}  # the tree's reading
    assert ("治療", "ちりょう") in {(c.base, c.reading) for c in found}
    for c in found:
        assert c.base_box.top - 0.5 <= c.reading_box.bottom <= c.base_box.top + c.reading_size
    assert not any(c.base for c in clusters(plain.read_bytes()))

    ui = yaml.safe_load((content / "ja" / "ui.yaml").read_text(encoding="utf-8"))
    # (what is there or not as the pages fall: a box's or a section's heading atop its
    # continuation, the optional writing area's heading)
    headings = [value for value in ui.values() if isinstance(value, str)]
    moving = [ui["continued"].format(heading=heading) for heading in headings] + [ui["memo"]]

    def text(path):
        found = "".join(body(path).split())
        for heading in moving:
            found = found.replace("".join(heading.split()), "")
        return Counter(found)

    # The same texts (ja-x-easy is a copy of ja here) but for the names' bracketed readings:
    # the furigana say them.
    assert set(text(plain) - text(easy)) <= set("（）てすと")
    assert not text(easy) - text(plain)


def test_a_reading_the_text_gives_in_brackets_is_not_printed_twice():
    """鍼（はり）治療: the text already reads 鍼 for the patient; はり over it too would say it
    twice. The word still counts as read (check names no unread kanji), and a bracket that is
    not the word's reading keeps the ruby."""
    words = {"鍼": "はり"}
    assert read("鍼（はり）治療を受けた後に", words) == [
        ("治療", "ちりょう"),
        ("受", "う"),
        ("後", "あと"),
    ]
    assert read("鍼(ハリ)です", words) == []  # katakana or ASCII brackets alike
    assert Annotator(words, {}).unread("鍼（はり）治療") == []
    assert read("鍼（細いもの）です", words)[0] == ("鍼", "はり")
