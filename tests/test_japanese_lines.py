"""Japanese lines as printed, in every Japanese edition and print variant (A4, Letter, large
print): read back from the built PDFs by position (test_kinsoku's reader), and matched against
the content they come from.

- No line ends inside a katakana word (椎間板ヘ|ルニア) or a Latin word or number (LI|4, 20|26).
- The easy edition breaks only between phrases (bunsetsu, furigana.phrase_starts on the content
  text the two lines come from), but where one phrase is longer than a whole line.
- No paragraph ends with a runt: a last line of one character and punctuation, or punctuation only.

Two printed lines are one paragraph's when the end of the first and the start of the second
stand together in one content text: that tells a line broken by the renderer from two texts
printed one under the other (a heading and its paragraph, the address and the email).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from helpers import CONTENT, run_cli
from test_kinsoku import Char, page_chars

KATAKANA = re.compile(r"[ァ-ヺー]")
LATIN = re.compile(r"[A-Za-z0-9]")
EDITIONS = ("ja", "ja-x-easy")
VARIANTS = {
    "a4": (),
    "letter": ("--paper", "letter"),
    "large": ("--large-print",),
    "large-letter": ("--large-print", "--paper", "letter"),
}


def content_texts(lang: str) -> list[str]:
    """Every text of a language's content (the easy edition falls back to Japanese)."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    langs = [lang, "ja"] if lang != "ja" else [lang]
    for code in langs:
        for path in sorted((CONTENT / code).rglob("*.yaml")):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return [" ".join(text.split()) for text in found]


def _group(chars: list[Char]) -> list[tuple[str, float, float]]:
    """(text, bottom, top) of each run of characters on one line (test_kinsoku's grouping: a
    jump across a gap, e.g. to the next column, starts a new run)."""
    runs: list[list[Char]] = []
    for char in chars:
        if runs:
            run = runs[-1]
            middle = (char.bottom + char.top) / 2
            band = (min(c.bottom for c in run), max(c.top for c in run))
            gap = char.left - run[-1].right
            size = char.top - char.bottom
            if band[0] <= middle <= band[1] and -size / 4 <= gap <= size:
                run.append(char)
                continue
        runs.append([char])
    return [
        ("".join(c.text for c in run).strip(), min(c.bottom for c in run), max(c.top for c in run))
        for run in runs
    ]


def printed_lines(pdf: Path, texts: list[str]) -> list[str]:
    """Every printed line, in drawing order. A line whose extracted characters have a gap in it
    (the copy text of a furigana cluster is narrower than the cluster drawn: 119番|へ) is read
    whole again: two runs on the same line join when their junction stands in the content
    (side-by-side columns stay apart)."""
    import pypdfium2 as pdfium

    lines: list[str] = []
    for page in pdfium.PdfDocument(pdf):
        before: tuple[str, float, float] | None = None
        for text, bottom, top in _group(page_chars(page)):
            if (
                before is not None
                and lines
                and text
                and before[0]
                and min(top, before[2]) - max(bottom, before[1]) > (top - bottom) / 2
                and any(lines[-1][-8:] + text[:8] in t for t in texts)
            ):
                lines[-1] += text
                before = (lines[-1], before[1], before[2])
                continue
            lines.append(text)
            before = (text, bottom, top)
    return lines


def continuations(lines: list[str], texts: list[str]):
    """(line, next line, the content text, where the break falls in it) for each pair of
    printed lines that one paragraph was broken into."""
    lines = [text for line in lines if (text := line.lstrip("•").strip())]
    for before, after in zip(lines, lines[1:]):
        if len(before) < 4:  # a broken line is (nearly) full: not a marker's number
            continue
        head, tail = before[-8:], after[:8]
        for text in texts:
            at = text.find(head + tail)
            if at >= 0:
                yield before, after, text, at + len(head)
                break


@pytest.fixture(scope="module")
def variants(built, tmp_path_factory):
    """The bundled Japanese documents in every print variant: {variant: {lang: [pdf]}}."""
    out = tmp_path_factory.mktemp("japanese")
    found = {"a4": {lang: sorted((built / lang).glob("*.pdf")) for lang in EDITIONS}}
    for name, options in VARIANTS.items():
        if not options:
            continue
        result = run_cli(
            "build", "--out", str(out), "--lang", "ja", "--lang", "ja-x-easy", *options
        )
        assert result.returncode == 0, result.stderr
        found[name] = {lang: sorted((out / lang).glob(f"*-{name}.pdf")) for lang in EDITIONS}
    for name, langs in found.items():
        for lang, pdfs in langs.items():
            assert len(pdfs) == 4, (name, lang, pdfs)
    return found


def all_pdfs(variants) -> list[tuple[str, Path]]:
    return [
        (lang, pdf) for langs in variants.values() for lang, pdfs in langs.items() for pdf in pdfs
    ]


def test_no_line_ends_inside_a_katakana_word_or_a_latin_run(variants):
    problems, pairs = [], 0
    for lang, pdf in all_pdfs(variants):
        texts = content_texts(lang)
        for before, after, _, _ in continuations(printed_lines(pdf, texts), texts):
            pairs += 1
            for run in (KATAKANA, LATIN):
                if run.match(before[-1]) and run.match(after[0]):
                    problems.append(f"{pdf.name}: {before[-10:]!r} | {after[:10]!r}")
    assert pairs > 200  # not vacuous: paragraphs really were found broken into lines
    assert problems == []


def test_the_easy_edition_breaks_lines_between_phrases(variants):
    """Between phrases; between two words of a phrase (妊娠して|いるかもしれない) only where
    the line would otherwise end at its last phrase start less than ~70% full."""
    from handouts.content.furigana import phrase_starts, word_starts

    problems, pairs, inside = [], 0, 0
    for lang, pdf in all_pdfs(variants):
        if lang != "ja-x-easy":
            continue
        texts = content_texts(lang)
        found = list(continuations(printed_lines(pdf, texts), texts))
        column = max((len(before) for before, _, _, _ in found), default=0)  # at most
        for before, after, text, at in found:
            pairs += 1
            starts = phrase_starts(text)
            if at in starts:
                continue
            # A phrase longer than the whole line may break anywhere (kinsoku aside).
            line_from = at - len(before)
            earlier = [start for start in starts if line_from < start < at]
            if not earlier:
                continue
            # Between words: the line ending at its last phrase start would be short.
            if at in word_starts(text) and max(earlier) - line_from < 0.7 * column:
                inside += 1
                continue
            problems.append(f"{pdf.name}: {before!r} | {after!r}")
    assert pairs > 100
    assert inside > 0  # the reviewers' case: 妊娠している、または妊娠して|いるかもしれない。
    assert problems == []


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def runts(lines: list[str], texts: list[str]) -> list[str]:
    """Last lines of paragraphs with at most one character besides punctuation."""
    found = []
    for before, after, text, at in continuations(lines, texts):
        if at + len(after) == len(text) and sum(not _is_punctuation(c) for c in after) <= 1:
            found.append(f"{before!r} | {after!r}")
    return found


def test_no_paragraph_ends_with_a_runt(variants):
    problems, endings = [], 0
    for lang, pdf in all_pdfs(variants):
        texts = content_texts(lang)
        lines = printed_lines(pdf, texts)
        endings += sum(
            1 for _, after, text, at in continuations(lines, texts) if at + len(after) == len(text)
        )
        problems += [f"{pdf.name}: {runt}" for runt in runts(lines, texts)]
    assert endings > 100
    assert problems == []


def test_the_runt_reader_finds_a_runt():
    texts = ["腰から脚に痛みが走ります。", "くわしい説明"]
    assert runts(["腰から脚に痛みが走りま", "す。", "くわしい説明"], texts) == [
        "'腰から脚に痛みが走りま' | 'す。'"
    ]
    assert runts(["腰から脚に痛みが", "走ります。"], texts) == []


LONE_PARTICLE = re.compile(r"[はがをに](?![ぁ-ゖ])")
REVIEWED = (
    "お／電話",
    "お／知らせ",
    "お／願い",
    "相／談",
    "こむ／ら",
    "使／います",
    "場合／は",
    "よって／は",
)


def test_no_line_starts_with_a_lone_particle_or_a_split_honorific(variants, tmp_path_factory):
    """Japanese reviewers' breaks (お／電話, 東京消防庁救急相／談センター, こむ／ら返り,
    軽い場合／は, 妊娠している、または／妊娠しているかもしれない。 in narrow columns): none
    in any Japanese edition, also bilingual on Letter and with furigana; no line starts with
    a lone particle (は、 が after its word) or with the noun an honorific お/ご was split
    from."""
    out = tmp_path_factory.mktemp("reviewed")
    pdfs = all_pdfs(variants)
    for options in (
        ("--edition", "bilingual", "--paper", "letter", "--lang", "ja-x-easy"),
        ("--furigana",),
    ):
        result = run_cli("build", "--out", str(out), "--lang", "ja", *options)
        assert result.returncode == 0, result.stderr
    for lang in EDITIONS:
        pdfs += [(lang, pdf) for pdf in sorted((out / lang).glob("*.pdf"))]
    problems, pairs = [], 0
    for lang, pdf in pdfs:
        texts = content_texts(lang)
        for before, after, _, _ in continuations(printed_lines(pdf, texts), texts):
            pairs += 1
            joined = f"{before[-6:]}／{after[:6]}"
            if (
                any(seen in joined for seen in REVIEWED)
                or LONE_PARTICLE.match(after)
                or (before[-1] in "おご" and re.match(r"[一-龥]", after))
            ):
                problems.append(f"{pdf.name}: {joined}")
    assert pairs > 300
    assert problems == []


def test_the_reader_finds_a_lone_particle():
    assert LONE_PARTICLE.match("は、数週間ほどで")
    assert not LONE_PARTICLE.match("はれたときは")
