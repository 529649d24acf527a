"""The bilingual edition: every section in both languages, aligned section by section (never one
whole language then the other), from the command line (`--edition bilingual [--pair A:B]`).

On the tests' own content tree (helpers.write_content); expected texts are read from its files."""

from __future__ import annotations

import dataclasses
import re

import pytest

from handouts.compose import document as d
from helpers import build, read_yaml, run_cli, write_content


def texts_of(blocks) -> list[str]:
    """Every text of some blocks, in order."""
    found = []
    for block in blocks:
        for field in dataclasses.fields(block):
            value = getattr(block, field.name)
            found += _walk(value)
    return found


def _walk(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _walk(v)]
    if dataclasses.is_dataclass(value):
        return texts_of([value])
    return []


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from handouts.content.loader import load_library

    content = write_content(tmp_path_factory.mktemp("bilingual"))
    return load_library(content)[0]


@pytest.mark.parametrize("kind", ["handout", "aftercare"])
def test_each_section_pairs_the_same_section_in_both_languages(library, kind):
    from handouts.compose.editions import compose_pair

    doc = compose_pair(library, "en", "ja", "knee-ache", kind)
    assert doc.second == "ja" and doc.lang == "en"
    assert all(isinstance(block, d.Parallel) for block in doc.blocks)
    assert len(doc.blocks) >= 6
    root = library.root
    en = read_yaml(root / "en" / "conditions" / "knee-ache.yaml")
    ja = read_yaml(root / "ja" / "conditions" / "knee-ache.yaml")
    en_ui, ja_ui = read_yaml(root / "en" / "ui.yaml"), read_yaml(root / "ja" / "ui.yaml")
    for block in doc.blocks:
        first, second = texts_of(block.first), texts_of(block.second)
        # Never mixed: each side holds its own language's texts only (identifiers aside:
        # point codes, view names, marker emphasis).
        assert not [t for t in first if t in second and not re.fullmatch(r"[\w-]+", t)]
    # Section by section: the urgent red flags sit in one pair, in both languages.
    urgent = [b for b in doc.blocks if set(en["see_a_doctor"]["urgent"]) <= set(texts_of(b.first))]
    assert len(urgent) == 1
    assert set(ja["see_a_doctor"]["urgent"]) <= set(texts_of(urgent[0].second))
    headings = (
        ["precautions_next", "aftercare_contact"]
        if kind == "aftercare"
        else ["what_it_is", "symptoms", "causes", "precautions", "what_to_expect", "self_care"]
    )
    for key in headings:
        pair = [b for b in doc.blocks if en_ui[key] in texts_of(b.first)]
        assert len(pair) == 1, key
        assert ja_ui[key] in texts_of(pair[0].second), key
    assert doc.page_budget == 2 * {"handout": 2, "aftercare": 1}[kind]


def test_the_pair_is_named_in_header_title_and_footer(library):
    from handouts.compose.editions import compose_pair

    doc = compose_pair(library, "en", "ja", "knee-ache", "handout")
    en = read_yaml(library.root / "en" / "conditions" / "knee-ache.yaml")
    ja = read_yaml(library.root / "ja" / "conditions" / "knee-ache.yaml")
    assert en["title"] in doc.title and ja["title"] in doc.title
    en_ui = read_yaml(library.root / "en" / "ui.yaml")
    ja_ui = read_yaml(library.root / "ja" / "ui.yaml")
    assert en_ui["handout_label"] in doc.header[1] and ja_ui["handout_label"] in doc.header[1]
    # Every footer text in both languages (render.furniture); the codes' captions short.
    assert [caption for _, caption in doc.footer.codes] == [
        ja_ui["qr_map_short"],
        ja_ui["qr_email_short"],
    ]
    assert doc.footer.first is not None
    assert [caption for _, caption in doc.footer.first.codes] == [
        en_ui["qr_map_short"],
        en_ui["qr_email_short"],
    ]
    assert doc.footer.first.address != doc.footer.address or doc.footer.first.hours


@pytest.mark.parametrize(
    "args,code,message",
    [
        (("--pair", "en:ja"), 2, "--pair': goes with --edition bilingual"),
        (("--edition", "bilingual", "--pair", "en"), 2, "'en' is not two languages A:B"),
        (("--edition", "bilingual", "--pair", "ja:ja"), 2, "'ja:ja' is not two languages A:B"),
        (
            ("--edition", "bilingual", "--pair", "en:ja", "--lang", "ja"),
            2,
            "--pair chooses the languages: leave out --lang",
        ),
        (("--edition", "bilingual", "--lang", "en"), 1, "sets en beside a translation"),
        (("--edition", "bilingual", "--pair", "en:fr"), 1, "unknown language 'fr'"),
        (("--edition", "trilingual"), 2, "'trilingual' is not 'bilingual'"),
        (("--furigana", "--lang", "en"), 1, "--furigana: not for en"),
    ],
)
def test_edition_options_are_checked(tmp_path, args, code, message):
    content = write_content(tmp_path)
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "out"), *args)
    assert result.returncode == code, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_aftercare_pairs_its_language_with_the_source(tmp_path):
    content = write_content(tmp_path)
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        "--edition",
        "bilingual",
        "-o",
        str(tmp_path / "a.pdf"),
    )
    assert result.returncode == 1 and "give the translation with --lang" in result.stderr
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "ja",
        "--condition",
        "knee-ache",
        "--edition",
        "bilingual",
        "--pair",
        "en:ja-x-easy",
        "-o",
        str(tmp_path / "a.pdf"),
    )
    assert result.returncode == 1, result.stderr


def test_a_translation_may_say_a_section_in_more_paragraphs(tmp_path):
    """A translator may split or join paragraphs: the sections still pair by their headings
    (this raised an internal error when the paragraph counts differed)."""
    from helpers import pdf_pages_text

    content = write_content(tmp_path)
    path = content / "ja" / "conditions" / "knee-ache.yaml"
    split = "ひざの痛みは、段落を分けて訳すこともあります。"
    path.write_text(
        path.read_text("utf-8").replace("what_it_is:\n", f"what_it_is:\n  - {split}\n", 1),
        encoding="utf-8",
    )
    result = build(
        content,
        tmp_path / "out",
        *("--edition", "bilingual", "--lang", "ja", "--condition", "knee-ache"),
        *("--kind", "handout"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = "".join(pdf_pages_text(tmp_path / "out" / "ja" / "knee-ache-handout-bilingual.pdf"))
    assert split in re.sub(r"\s", "", text)
