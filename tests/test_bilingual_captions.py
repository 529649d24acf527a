"""The bilingual edition's figure as built by the command line (bundled content, en beside ja
and beside easy Japanese; A4, large print on A4 and on Letter): each view's caption in the first
language on its own line(s), the second language's under them, no ' / ', both centred on the
view, the first lines of a row's captions on one baseline, nothing over another caption or a
drawing, neighbours an em apart; the side labels 'R 右' without a slash; the legend's two
entries of a point on one baseline, each in its own font, each number centred on its entry's
first line; the figure's heading and note in both languages on one baseline too."""

from __future__ import annotations

import ctypes
import re

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

import pdfscan
from helpers import CONTENT, read_yaml, run_cli
from test_bilingual_pages import char_fonts

JA_FONTS = {"BIZUDPGothic-Regular", "BIZUDPGothic-Bold"}
EN_FONTS = {"NotoSans-Regular", "NotoSans-Bold"}
CENTRED = 2.0  # points: a caption line's ink centre from the view's centre (glyph bearings)


@pytest.fixture(
    scope="module",
    params=[(), ("--large-print",), ("--large-print", "--paper", "letter")],
    ids=["a4", "large", "large-letter"],
)
def built(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("bilingual-captions")
    result = run_cli(
        "build", "--edition", "bilingual", "--kind", "handout", *request.param, "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    documents = {lang: sorted((out / lang).glob("*.pdf")) for lang in ("ja", "ja-x-easy")}
    assert all(documents.values()), documents
    return documents


def ui(lang: str) -> dict:
    return read_yaml(CONTENT / lang / "ui.yaml")


def lines_of(page) -> list[tuple[str, tuple[float, float, float, float], float, list]]:
    """Each line pdfium reads on the page: (text, ink box, baseline, char boxes)."""
    textpage = page.get_textpage()
    found, text, boxes, origins = [], "", [], []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char in ("\r", "\n"):
            if text.strip():
                inked = [b for b, c in zip(boxes, text) if not c.isspace()]
                box = (
                    min(b[0] for b in inked),
                    min(b[1] for b in inked),
                    max(b[2] for b in inked),
                    max(b[3] for b in inked),
                )
                found.append((text.strip(), box, min(origins), inked))
            text, boxes, origins = "", [], []
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
        text += char
        boxes.append(textpage.get_charbox(index))
        if not char.isspace():
            origins.append(round(y.value, 2))
    return found


def views_on(page: pdfscan.Page) -> dict[str, tuple[float, float, float, float]]:
    """Each body view drawn on a page: its drawing's box (the /View marked content)."""
    views: dict[str, list] = {}
    for paint in page.paints:
        name = next((props["/Name"] for tag, props in paint.tags if tag == "/View"), None)
        if name:
            views.setdefault(name, []).extend(paint.points)
    return {name: pdfscan.bbox(points) for name, points in views.items()}


def caption_lines(lines, view_box, text: str, joiner: str, start: int):
    """The lines that make `text` (joined by `joiner`), the first at or after `start` in
    `lines` (top to bottom) under the view: (their indexes, or None)."""
    for first in range(start, len(lines)):
        taken, joined = [], ""
        for index in range(first, len(lines)):
            candidate = joined + (joiner if joined else "") + lines[index][0]
            if not text.startswith(candidate):
                break
            taken.append(index)
            joined = candidate
            if joined == text:
                return taken
    return None


def overlap(a, b, shrink: float = 0.3) -> bool:
    return (
        a[0] + shrink < b[2] - shrink
        and b[0] + shrink < a[2] - shrink
        and a[1] + shrink < b[3] - shrink
        and b[1] + shrink < a[3] - shrink
    )


def test_each_caption_is_one_language_then_the_other_centred_under_its_view(built):
    en = ui("en")["views"]
    checked = 0
    for lang, paths in built.items():
        second = ui(lang)["views"]
        for path in paths:
            document = pdfium.PdfDocument(path)
            for number, scanned in enumerate(pdfscan.read(path)):
                views = views_on(scanned)
                if not views:
                    continue
                page = document[number]
                lines = lines_of(page)
                captions = []
                for name, box in views.items():
                    centre = (box[0] + box[2]) / 2
                    # Lines under the drawing, near its centre, top to bottom.
                    under = sorted(
                        (
                            line
                            for line in lines
                            if line[1][3] <= box[1] + 1
                            and line[1][3] > box[1] - 120
                            and abs((line[1][0] + line[1][2]) / 2 - centre) < 8
                        ),
                        key=lambda line: -line[2],
                    )
                    first = caption_lines(under, box, en[name], " ", 0)
                    assert first, (path.name, number, name, [line[0] for line in under])
                    after = caption_lines(under, box, second[name], "", first[-1] + 1)
                    assert after, (path.name, number, name, [line[0] for line in under])
                    assert after[0] == first[-1] + 1, "the second language right under the first"
                    parts = [under[i] for i in first], [under[i] for i in after]
                    for part in parts:
                        for text, ink, _, _ in part:
                            assert " / " not in text and "/" not in text, text
                            middle = (ink[0] + ink[2]) / 2
                            assert abs(middle - centre) <= CENTRED, (path.name, name, text)
                    # Each language on lines of its own, the second below the first.
                    assert (
                        min(line[1][1] for line in parts[0])
                        > max(line[1][3] for line in parts[1]) - 0.5
                    ), (path.name, name)
                    fonts = {
                        f
                        for c, f, b in char_fonts(page)
                        if any(overlap(b, line[1], 0) for line in parts[1]) and not c.isascii()
                    }
                    assert fonts and fonts <= JA_FONTS, (name, fonts)
                    captions.append((name, box, parts))
                    checked += 1
                # A row's captions: first lines on one baseline.
                rows: dict[float, list] = {}
                for _, box, parts in captions:
                    rows.setdefault(round(box[1]), []).append(parts[0][0][2])
                for baselines in rows.values():
                    assert max(baselines) - min(baselines) < 0.05, (path.name, baselines)
                # No caption line over another caption's or over any drawing.
                every = [
                    (name, line[1])
                    for name, _, parts in captions
                    for part in parts
                    for line in part
                ]
                for name, ink in every:
                    for other, box in views.items():
                        assert not overlap(ink, box), (path.name, name, "over the drawing", other)
                    for other, theirs in every:
                        if theirs is not ink:
                            assert not overlap(ink, theirs), (path.name, name, other)
                        # Neighbours side by side never read as one line: an em apart at least.
                        if other != name and min(ink[3], theirs[3]) > max(ink[1], theirs[1]):
                            apart = max(theirs[0] - ink[2], ink[0] - theirs[2])
                            assert apart >= ink[3] - ink[1], (path.name, name, other, apart)
    assert checked >= 8


def test_the_side_labels_are_a_letter_and_a_character_without_a_slash(built):
    en = ui("en")
    for lang, paths in built.items():
        ja = ui(lang)
        for path in paths:
            document = pdfium.PdfDocument(path)
            seen = 0
            for number in range(len(document)):
                page = document[number]
                text = page.get_textpage().get_text_range()
                for side in ("side_right", "side_left"):
                    label = (en[side], ja[side])
                    assert f"{label[0]} / {label[1]}" not in text
                    for line in lines_of(page):
                        words = line[0].split()
                        for index, word in enumerate(words):
                            # Never one language's label alone beside a drawing: 'R' then '右'.
                            if word == label[0]:
                                assert words[index + 1 : index + 2] == [label[1]], line[0]
                                seen += 1
                            if word == label[1]:
                                assert index and words[index - 1] == label[0], line[0]
            assert seen >= 2, path.name


def test_a_points_two_legend_entries_share_their_first_baseline(built):
    """Each point's entry in both languages: the number, then the code and name, on one
    baseline, each language in its own font, each number centred on its entry's line."""
    entry = re.compile(r"^(\d+) ([A-Z]{2}\d+) ")
    for paths in built.values():
        for path in paths:
            document = pdfium.PdfDocument(path)
            pairs = 0
            for number in range(len(document)):
                page = document[number]
                middle = page.get_width() / 2
                fonts = char_fonts(page)
                found: dict[str, list] = {}
                for line in lines_of(page):
                    match = entry.match(line[0])
                    if match:
                        found.setdefault(match[2], []).append((match, line))
                for code, both in found.items():
                    if len(both) != 2:
                        continue
                    (_, en_line), (match, ja_line) = sorted(both, key=lambda m: m[1][1][0])
                    assert en_line[1][2] < middle + 20 < ja_line[1][0] + 40, (path.name, code)
                    pairs += 1
                    assert abs(en_line[2] - ja_line[2]) < 0.05, (path.name, code)
                    names = [
                        {f for c, f, b in fonts if overlap(b, line[1], 0) and c.isalpha()}
                        for line in (en_line, ja_line)
                    ]
                    assert names[0] <= EN_FONTS and names[1] <= JA_FONTS, names
                    # Each number (in its circle) centred on its entry's first line, both
                    # alike: the ink of the number and of the code's digits, centre on centre.
                    digits = len(match[1])
                    offsets = [
                        _middle(ink[:digits]) - _middle(ink[digits + 2 : digits + len(code)])
                        for _, _, _, ink in (en_line, ja_line)
                    ]
                    assert all(abs(o) < 2.0 for o in offsets), (path.name, code, offsets)
                    assert abs(offsets[0] - offsets[1]) < 1.5, (path.name, code, offsets)
            assert pairs >= 2, path.name


def _middle(boxes) -> float:
    return (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2


def test_the_figures_heading_and_notes_stand_on_one_baseline_in_both_languages(built):
    """The heading over the views and the note under them ('These points are on both sides
    ...'): each language's first line on the same baseline, furigana or not."""
    en = ui("en")
    for lang, paths in built.items():
        second = ui(lang)
        for path in paths:
            document = pdfium.PdfDocument(path)
            found = 0
            for number in range(len(document)):
                textpage = document[number].get_textpage()
                for key in ("points", "points_bilateral"):
                    a, b = (baselines(textpage, texts[key][:12]) for texts in (en, second))
                    if a and b:
                        found += 1
                        assert abs(max(a) - max(b)) < 0.05, (path.name, key, a, b)
            assert found >= 2, path.name


def baselines(textpage, text: str) -> list[float]:
    """The baseline of each place `text` begins on the page."""
    searcher = textpage.search(text, match_case=True)
    found = []
    while (hit := searcher.get_next()) is not None:
        x, y = ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharOrigin(textpage.raw, hit[0], ctypes.byref(x), ctypes.byref(y))
        found.append(y.value)
    return found
