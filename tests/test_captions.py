"""View captions as built by the command line, read back from the PDF's text: a Japanese caption
that wraps breaks between phrases (bunsetsu), never inside a word and never before a particle,
as SudachiPy segments it ("すねから / 足首の内側", not "すねから足 / 首の内側", which reads
"inside of the neck"; "腰と脚の / 後ろ側", not "腰と脚 / の後ろ側")."""

from __future__ import annotations

import pytest
from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

from helpers import CONTENT, pdf_pages_text, read_yaml, run_cli

TEN = "GB30,BL40,BL23,BL54,GB34,ST36,LI4,SP6,KI3,LR3"
VARIANTS = {
    "a4": (),
    "letter": ("--paper", "letter"),
    "large": ("--large-print",),
    "large-letter": ("--large-print", "--paper", "letter"),
}


@pytest.fixture(scope="module")
def words():
    """The caption's words as the analyser splits them: (surface, part of speech)."""
    analyser = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return lambda text: [(m.surface(), m.part_of_speech()[0]) for m in analyser.tokenize(text)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list:
    """Japanese handouts on every paper and print size, and personal sheets with every point."""
    out = tmp_path_factory.mktemp("captions")
    pdfs = []
    for variant, options in VARIANTS.items():
        target = out / variant
        result = run_cli(
            "build", "--lang", "ja", "--kind", "handout", *options, "--out", str(target)
        )
        assert result.returncode == 0, result.stderr
        pdfs += sorted(target.rglob("*.pdf"))
        sheet = out / f"sheet-{variant}.pdf"
        result = run_cli(
            "aftercare",
            *("--lang", "ja", "--condition", "leg-pain", "--points", TEN, *options),
            *("-o", str(sheet)),
        )
        assert result.returncode == 0, result.stderr
        pdfs.append(sheet)
    return pdfs


def phrase_starts(text: str, words) -> set[int]:
    """Where a line may begin inside `text`: before a word that is not a particle or an
    auxiliary (a phrase's first word)."""
    starts, at = set(), 0
    for surface, pos in words(text):
        if at and pos not in ("助詞", "助動詞"):
            starts.add(at)
        at += len(surface)
    return starts


def test_japanese_captions_break_between_phrases(built, words):
    captions = list(read_yaml(CONTENT / "ja" / "ui.yaml")["views"].values())
    wrapped = 0
    for pdf in built:
        for page in pdf_pages_text(pdf):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            for first, second in zip(lines, lines[1:]):
                joined = first + second
                for caption in captions:
                    if joined == caption:
                        wrapped += 1
                        assert len(first) in phrase_starts(caption, words), (
                            pdf.name,
                            first,
                            second,
                        )
    assert wrapped, "no caption wrapped: the test would prove nothing"
