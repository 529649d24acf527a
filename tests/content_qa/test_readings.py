"""Content QA: furigana of the bundled point names. Every Japanese edition names the points as the
WHO standard's Japanese edition does and reads them as it does; the furigana of every edition
that has it read each name so.

Expected names and readings: WHO Standard Acupuncture Point Locations in the Western Pacific
Region (2008), Japanese edition (WHO/WPRO 標準経穴部位 日本語公式版), not the content's
own data."""

from __future__ import annotations

import pytest
import yaml

from helpers import CONTENT

WHO_JAPANESE = {
    "GB30": ("環跳", "かんちょう"),
    "BL40": ("委中", "いちゅう"),
    "BL23": ("腎兪", "じんゆ"),
    "BL54": ("秩辺", "ちっぺん"),
    "GB34": ("陽陵泉", "ようりょうせん"),
    "ST36": ("足三里", "あしさんり"),
    "LI4": ("合谷", "ごうこく"),
    "SP6": ("三陰交", "さんいんこう"),
    "LR3": ("太衝", "たいしょう"),
    "KI3": ("太渓", "たいけい"),
}
LANGS = sorted(
    p.name
    for p in CONTENT.iterdir()
    if p.is_dir() and p.name != "diagrams" and not p.name.startswith(".")
)
JAPANESE = [lang for lang in LANGS if lang == "ja" or lang.startswith("ja-")]


def read(relative: str):
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


def test_the_table_covers_the_registry():
    assert set(read("points.yaml")["points"]) == set(WHO_JAPANESE)
    assert "ja" in JAPANESE and len(JAPANESE) >= 2  # ja and its easy edition


@pytest.mark.parametrize("lang", JAPANESE)
def test_point_names_and_readings_are_the_who_standards(lang):
    points = read(f"{lang}/points.yaml")
    for code, (name, reading) in WHO_JAPANESE.items():
        assert (points[code]["name"], points[code]["reading"]) == (name, reading), (lang, code)


@pytest.fixture(scope="module")
def library():
    from handouts.content.loader import load

    return load(CONTENT).library


@pytest.mark.parametrize("lang", JAPANESE)
def test_furigana_read_every_point_name_as_the_standard_does(library, lang):
    from handouts.content.furigana import annotator

    language = library.languages[lang]
    if language.style.furigana is None:
        pytest.skip(f"{lang} has no furigana")
    reader = annotator(language)
    for code, (name, reading) in WHO_JAPANESE.items():
        rubies = reader(name)
        assert [(r.start, r.end, r.text) for r in rubies] == [(0, len(name), reading)], code
        # In running text too: the name is read as a whole, not as the words it contains.
        sentence = f"{name}は、ここです。"
        assert (0, len(name), reading) in [(r.start, r.end, r.text) for r in reader(sentence)]
    # The readings file agrees wherever it names a point.
    words = library.languages[lang].readings.words
    for name, reading in WHO_JAPANESE.values():
        assert words.get(name, reading) == reading
