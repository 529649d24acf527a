"""Editions of a language: an easy-Japanese edition (ja-x-easy) made from the Japanese one, like
any translation (fallback, translation state, incremental builds), and the Japanese readability
and furigana-reading checks, each problem at its path:line:col.

On the tests' own content tree (helpers.write_content) with an easy edition added as an editor
would add it: a copy of ja with its own language.yaml."""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import check, edit, place_of, read_yaml, run_cli, write_content, write_yaml

EASY = "ja-x-easy"


def add_easy(content, **style):
    """content/ja-x-easy: the ja texts, translated from ja (hashes recorded by the CLI)."""
    shutil.copytree(content / "ja", content / EASY)
    language = read_yaml(content / "ja" / "language.yaml")
    language.update(
        {
            "name": "やさしい日本語",
            "source_language": "ja",
            "furigana": {"analyser": "sudachi", "always": True},
            "page_budget_factor": 2,
            **style,
        }
    )  # furigana take room
    write_yaml(content / EASY / "language.yaml", language)
    files = [str(p) for p in sorted((content / EASY).rglob("*.yaml")) if p.name != "language.yaml"]
    marked = run_cli("mark-translated", "--content", str(content), *files)
    assert marked.returncode == 0, marked.stdout + marked.stderr
    return content / EASY


def states(content) -> dict[tuple[str, str], str]:
    """`handouts list`: (row, language) -> state, rows being conditions and 'shared:<file>'."""
    result = run_cli("list", "--content", str(content))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    langs = lines[0].split()[1:]
    found = {}
    for line in lines[1:]:
        if " shared files: " in line:
            lang, _, rest = line.partition(" shared files: ")
            for part in rest.split(", "):
                name, state = part.split()
                found[(f"shared:{name}", lang)] = state
        else:
            slug, *cells = line.split()
            found.update({(slug, lang): cell for lang, cell in zip(langs, cells)})
    return found


def test_an_easy_edition_is_a_language_with_its_own_translation_state(tmp_path):
    content = write_content(tmp_path)
    add_easy(content)
    found = states(content)
    assert found[("knee-ache", EASY)] == "ok" and found[("back-ache", EASY)] == "ok"
    assert found[("shared:ui.yaml", EASY)] == "ok"
    assert "0 error(s)" in check(content).stdout
    # Japanese changes: the easy edition made from it is stale; English is not its source.
    edit(content / "ja" / "conditions" / "knee-ache.yaml", "\nsummary: ", "\nsummary: まず、")
    found = states(content)
    assert found[("knee-ache", EASY)] == "stale" and found[("back-ache", EASY)] == "ok"
    assert found[("knee-ache", "ja")] == "ok"  # ja is made from en, which is unchanged
    strict = check(content, "--strict")
    assert re.search(
        rf"{EASY}/conditions/knee-ache\.yaml: summary is stale: "
        r"ja/conditions/knee-ache\.yaml changed it",
        strict.stderr,
    ), strict.stderr
    marked = run_cli(
        "mark-translated",
        "--content",
        str(content),
        str(content / EASY / "conditions" / "knee-ache.yaml"),
    )
    assert marked.returncode == 0, marked.stderr
    assert states(content)[("knee-ache", EASY)] == "ok"


def test_a_missing_easy_text_falls_back_to_japanese_not_english(tmp_path):
    content = write_content(tmp_path)
    easy = add_easy(content)
    (easy / "conditions" / "back-ache.yaml").unlink()
    ui = easy / "ui.yaml"
    ui.write_text(
        "\n".join(
            line
            for line in ui.read_text(encoding="utf-8").splitlines()
            if not line.startswith("self_care:")
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--lang",
        EASY,
        "--condition",
        "back-ache",
        "--kind",
        "handout",
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        rf"warning: no {EASY} translation of ja/conditions/back-ache\.yaml; using "
        "the ja text",
        result.stderr,
    ), result.stderr
    assert re.search(
        rf"warning: {EASY}/ui\.yaml lacks self_care; using the ja text", result.stderr
    ), result.stderr
    from helpers import pdf_pages_text

    text = "".join(pdf_pages_text(out / EASY / "back-ache-handout.pdf")).replace("\r\n", "")
    ja = read_yaml(content / "ja" / "conditions" / "back-ache.yaml")
    en = read_yaml(content / "en" / "conditions" / "back-ache.yaml")
    assert ja["title"] in text and en["title"] not in text
    assert read_yaml(content / "ja" / "ui.yaml")["self_care"] in text
    found = states(content)
    assert found[("back-ache", EASY)] == "missing"
    assert found[("shared:ui.yaml", EASY)] == "partial"


@pytest.mark.parametrize(
    "value,message",
    [
        ("fr", "source_language: 'fr' is not another language of this content"),
        (EASY, f"source_language: '{EASY}' is not another language of this content"),
    ],
)
def test_source_language_must_name_another_language(tmp_path, value, message):
    content = write_content(tmp_path)
    easy = add_easy(content)
    edit(easy / "language.yaml", "source_language: ja", f"source_language: {value}")
    line, column = place_of(easy / "language.yaml", f"source_language: {value}")
    result = check(content)
    assert result.returncode == 1
    assert (
        f"{easy / 'language.yaml'}:{line}:{column + len('source_language: ')}: error: "
        f"{message}" in result.stderr
    ), result.stderr
    assert "Traceback" not in result.stderr


def test_languages_made_from_each_other_are_a_loop(tmp_path):
    content = write_content(tmp_path)
    easy = add_easy(content)
    shutil.copytree(easy, content / "ja-x-plain")
    edit(
        content / "ja-x-plain" / "language.yaml", "source_language: ja", f"source_language: {EASY}"
    )
    edit(easy / "language.yaml", "source_language: ja", "source_language: ja-x-plain")
    result = check(content)
    assert result.returncode == 1
    assert re.search(
        r"error: source_language: ja-x-\w+ -> ja-x-\w+ -> ja-x-\w+ is a loop", result.stderr
    ), result.stderr


@pytest.mark.parametrize(
    "code,valid",
    [
        (EASY, True),
        ("ja-JP-x-easy", True),
        ("ja-x", False),
        ("ja-x-", False),
        ("ja-x-toolongtag", False),
    ],
)
def test_private_use_language_codes(tmp_path, code, valid):
    content = write_content(tmp_path)
    easy = add_easy(content)
    easy.rename(content / code)
    result = check(content)
    assert ("is not a language code" not in result.stderr) == valid, result.stderr


def test_edits_rebuild_the_editions_made_from_them_only(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    add_easy(content)
    out = tmp_path / "out"
    first = run_cli("build", "--content", str(content), "--out", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    assert "built 6," in first.stdout
    edit(content / "ja" / "conditions" / "knee-ache.yaml", "\nsummary: ", "\nsummary: まず、")
    again = run_cli("build", "--content", str(content), "--out", str(out), "--jobs", "1")
    assert "built 4, skipped 2" in again.stdout, again.stdout  # ja and ja-x-easy, not en
    edit(content / EASY / "conditions" / "knee-ache.yaml", "\nsummary: ", "\nsummary: まず、")
    last = run_cli("build", "--content", str(content), "--out", str(out), "--jobs", "1")
    assert "built 2, skipped 4" in last.stdout, last.stdout  # ja-x-easy only


# Readability per sentence (Japanese) --------------------------------------------------------------
def test_each_sentence_over_the_language_limits_is_named_at_its_place(tmp_path):
    content = write_content(tmp_path)
    easy = add_easy(
        content, plain_language={"sentence_max_length": 30, "sentence_max_kanji_ratio": 0.5}
    )
    condition = easy / "conditions" / "knee-ache.yaml"
    data = read_yaml(condition)
    long = "ひざが痛いときは、むりをしないで、ゆっくり休んで、ようすを見てから、また歩きましょう。"
    dense = "膝関節周囲筋緊張緩和目的使用します。"
    data["self_care"] = [long, dense, "短い文です。"]
    write_yaml(condition, data)
    result = check(content)
    line, column = place_of(condition, long)
    assert (
        f"{condition}:{line}:{column}: warning: {EASY}: a sentence of {len(long)} characters, "
        "more than 30" in result.stderr
    ), result.stderr
    line, column = place_of(condition, dense)
    kanji = sum(1 for c in dense if "\u4e00" <= c <= "\u9fff")
    assert (
        f"{condition}:{line}:{column}: warning: {EASY}: kanji are "
        f"{kanji / len(dense):.0%} of this sentence, more than 50%" in result.stderr
    )
    assert "短い文" not in result.stderr
    # The same texts in content/ja (no per-sentence limits there) are not named.
    assert f"{content / 'ja'}/" not in result.stderr


def test_the_limits_are_data_in_language_yaml(tmp_path):
    content = write_content(tmp_path)
    easy = add_easy(content, plain_language={"sentence_max_length": 5})
    result = check(content)
    assert result.stderr.count("a sentence of") > 10
    edit(easy / "language.yaml", "sentence_max_length: 5", "sentence_max_length: 1000")
    result = check(content)
    assert result.returncode == 1
    line, column = place_of(easy / "language.yaml", "1000")
    assert f"{easy / 'language.yaml'}:{line}:{column}: error: " in result.stderr, result.stderr
