"""What a Japanese reviewer checked on paper, read back from the built PDFs: the furigana's size
and their room in boxes, text colours on a black-and-white print, the other points named on a
personal sheet, and furigana over the practitioner's note but never over the patient's name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import CONTENT, copy_content, pdf_pages_text, run_cli

PATIENT = "山田 花子"
PRACTITIONER = "テスト 健"
NOTE = "今日は腰の筋肉がかたかったです。お風呂で温めて、ゆっくり休んでください。"
TREATED = ("GB30", "BL40", "LI4")  # sciatica's other points on these views: BL23, BL54


def sheet(out: Path, lang: str, *options: str, content: Path = CONTENT) -> Path:
    pdf = out / f"{lang}{''.join(options)}.pdf"
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        lang,
        "--condition",
        "sciatica",
        "--patient",
        PATIENT,
        "--date",
        "2026-12-01",
        "--points",
        ",".join(TREATED),
        "--next",
        "2026-12-08 10:00",
        "--practitioner",
        PRACTITIONER,
        "--note",
        NOTE,
        *options,
        "-o",
        str(pdf),
    )
    assert result.returncode == 0, result.stderr
    return pdf


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """Personal sheets of the bundled content: {(lang, variant): pdf}."""
    out = tmp_path_factory.mktemp("sheets")
    found = {}
    for lang in ("en", "ja", "ja-x-easy"):
        found[(lang, "a4")] = sheet(out, lang)
    for lang in ("ja", "ja-x-easy"):
        found[(lang, "large")] = sheet(out, lang, "--large-print")
        found[(lang, "letter")] = sheet(out, lang, "--paper", "letter")
    found[("ja", "furigana")] = sheet(out, "ja", "--furigana")
    return found


def with_furigana(sheets) -> list[Path]:
    return [
        pdf
        for (lang, variant), pdf in sheets.items()
        if lang == "ja-x-easy" or variant == "furigana"
    ]


def furigana_share(lang: str) -> float:
    data = yaml.safe_load((CONTENT / lang / "language.yaml").read_text(encoding="utf-8"))
    return data["furigana"]["size"]


# -- furigana size ---------------------------------------------------------------------------------
def test_furigana_are_0_55_to_0_6_of_their_base(built, sheets):
    from pdfruby import clusters

    assert 0.55 <= furigana_share("ja-x-easy") <= 0.6
    assert 0.55 <= furigana_share("ja") <= 0.6
    pdfs = [*sorted((built / "ja-x-easy").glob("*.pdf")), *with_furigana(sheets)]
    for pdf in pdfs:
        found = [c for c in clusters(pdf.read_bytes()) if c.reading]
        assert len(found) > 20, pdf
        ratios = {round(c.reading_size / c.base_size, 3) for c in found}
        assert all(0.55 <= ratio <= 0.6 for ratio in ratios), (pdf.name, ratios)
        # The body's readings: 12 pt body text on A4 has readings of 6.6 pt or more (was 6).
        body = [c.reading_size for c in found if round(c.base_size, 1) == 12]
        if pdf.parent.name == "ja-x-easy":
            assert body and min(body) >= 6.6, (pdf.name, min(body, default=None))


def _lines(page):
    """(left, right, y) of the horizontal lines drawn on a page: rules, and the top edges of
    boxes (paths at least 30% of the page wide: no body view is)."""
    import pypdfium2.raw as raw

    wide = page.get_size()[0] * 0.3
    found = []
    for obj in page.get_objects():
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        if top - bottom < 3 and right - left > 20:
            found.append((left, right, (bottom + top) / 2))
        elif right - left > wide and top - bottom > 10:  # a box: its top edge
            found.append((left, right, top))
    return found


def test_furigana_keep_clear_of_box_borders(sheets, built):
    """A reading over a box's first line stands at least 3 pt below the border above it (and
    under the footer's rule)."""
    import pypdfium2 as pdfium

    from pdfruby import clusters

    pdfs = with_furigana(sheets)
    pdfs += sorted((built / "ja-x-easy").glob("*handout.pdf"))  # the red-flag box
    checked = 0
    for pdf in pdfs:
        document = pdfium.PdfDocument(pdf)
        found = clusters(pdf.read_bytes())
        for number in range(len(document)):
            lines = _lines(document[number])
            for c in (c for c in found if c.page == number and c.reading_box):
                box = c.reading_box
                above = [
                    y
                    for left, right, y in lines
                    if left <= box.left and box.right <= right and y >= box.top - 0.5
                ]
                if not above:
                    continue
                gap = min(above) - box.top
                if gap < 12:
                    checked += 1
                    assert gap >= 3, (pdf.name, number + 1, c.actual, round(gap, 1))
    assert checked > 10  # not vacuous: readings right under a border were found


# -- colours ---------------------------------------------------------------------------------------
NEAR_BLACK = 0x33 / 255  # #333333


def test_no_text_is_printed_in_grey(built, sheets):
    from pdfcolor import text_fills

    pdfs = [*sorted(built.glob("*/*.pdf")), *sheets.values()]
    assert len(pdfs) > 12
    for pdf in pdfs:
        fills = text_fills(pdf.read_bytes())
        assert len(fills) > 50, pdf
        # Black or near-black; white only inside a black badge (a treated point's number).
        grey = {round(level, 3) for _, level, _ in fills if NEAR_BLACK < level < 1}
        assert grey == set(), (pdf.name, grey)


def test_a_grey_text_style_is_refused(tmp_path):
    content = copy_content(tmp_path)
    styles = content / "styles.yaml"
    text = styles.read_text(encoding="utf-8")
    styles.write_text(text.replace('muted: "#000000"', 'muted: "#808080"', 1), encoding="utf-8")
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1
    assert "text.muted is printed in grey (#808080)" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


# -- the other points, by name ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja", "ja-x-easy"])
def test_the_other_points_are_named_with_their_codes(sheets, lang):
    points = yaml.safe_load((CONTENT / lang / "points.yaml").read_text(encoding="utf-8"))
    ui = yaml.safe_load((CONTENT / lang / "ui.yaml").read_text(encoding="utf-8"))
    if "other_point" not in ui:  # the easy edition may fall back to Japanese
        ui = yaml.safe_load((CONTENT / "ja" / "ui.yaml").read_text(encoding="utf-8"))
    text = "".join("".join(pdf_pages_text(sheets[(lang, "a4")])).split())
    named = [
        ui["other_point"].format(name=points[code]["name"], code=code) for code in ("BL23", "BL54")
    ]
    listing = "".join(ui["list_separator"].join(named).split())
    assert listing in text, (listing, text)


# -- the note's furigana, never the name's --------------------------------------------------------
def test_the_note_has_furigana_and_the_names_have_none(sheets):
    from pdfruby import clusters

    for key in (("ja-x-easy", "a4"), ("ja-x-easy", "large"), ("ja", "furigana")):
        found = clusters(sheets[key].read_bytes())
        bases = {c.actual for c in found if c.reading}
        assert {"筋肉", "腰"} <= bases, (key, bases)  # the note's words are read
        # Sudachi reads 山田, 花子 and 健 as words: none of them, nor any of their kanji alone.
        names = {*PATIENT.split(), PRACTITIONER.split()[-1], *"".join(PATIENT.split())}
        assert not bases & names, (key, bases & names)
        text = "".join("".join(pdf_pages_text(sheets[key])).split())
        assert "".join(NOTE.split()) in text  # copied text: the note as typed
