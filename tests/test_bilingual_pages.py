"""The bilingual edition's pages as built by the command line (bundled content, en:ja): the
footer, the codes' captions and the views' side labels in both languages, each in its own
font, nothing drawn over anything; the fill-in lines long enough to write on after two
languages' labels; the urgent red flags early on a personal sheet, within the budget."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

import pdfscan
from helpers import CONTENT, decode_qr, page_image, read_yaml, run_cli
from test_layout import overlaps

MM = 72 / 25.4


def char_fonts(page) -> list[tuple[str, str, tuple]]:
    """(character, font name, box) of every drawn character of a pdfium page."""
    textpage = page.get_textpage()
    found = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if not char or char.isspace():
            continue
        buffer = bytearray(200)
        size = raw.FPDFText_GetFontInfo(
            textpage.raw, index, (raw.c_char * 200).from_buffer(buffer), 200, None
        )
        name = bytes(buffer[: max(size - 1, 0)]).decode("latin-1")
        found.append((char, name.split("+")[-1], textpage.get_charbox(index)))
    return found


def find(page, text: str) -> list[tuple[float, float, float, float]]:
    """The boxes (left, bottom, right, top) of each place `text` is drawn on a pdfium page."""
    textpage = page.get_textpage()
    searcher = textpage.search(text, match_case=True)
    boxes = []
    while (hit := searcher.get_next()) is not None:
        start, count = hit
        chars = [textpage.get_charbox(i) for i in range(start, start + count)]
        boxes.append(
            (
                min(c[0] for c in chars),
                min(c[1] for c in chars),
                max(c[2] for c in chars),
                max(c[3] for c in chars),
            )
        )
    return boxes


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory):
    out = tmp_path_factory.mktemp("bilingual-pages")
    result = run_cli(
        "build",
        "--edition",
        "bilingual",
        "--pair",
        "en:ja",
        "--condition",
        "sciatica",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    return out / "ja"


def footer_texts(lang: str) -> dict:
    ui = read_yaml(CONTENT / lang / "ui.yaml")
    clinic = read_yaml(CONTENT / lang / "clinic.yaml")
    return {
        "phone": ui["phone_line"].split("{phone}")[0].strip(),
        "hours": clinic["hours"],
        "address": clinic["address"],
        "map": ui["qr_map_short"],
        "email": ui["qr_email_short"],
        "right": ui["side_right"],
        "left": ui["side_left"],
    }


@pytest.mark.parametrize("kind", ["handout", "aftercare"])
def test_every_page_has_the_footer_and_captions_in_both_languages_each_in_its_font(bilingual, kind):
    path = bilingual / f"sciatica-{kind}-bilingual.pdf"
    document = pdfium.PdfDocument(path)
    en, ja = footer_texts("en"), footer_texts("ja")
    phone = read_yaml(CONTENT / "clinic.yaml")["phone"]
    for number in range(len(document)):
        page = document[number]
        height = page.get_height()
        for key in ("hours", "address"):
            for texts in (en, ja):
                boxes = find(page, texts[key])
                assert boxes and all(box[3] < height / 4 for box in boxes), (number, key, texts)
        # The phone number once, after both labels: 'Phone / 電話 03-...'
        assert len(find(page, phone)) == 1
        assert find(page, f"{en['phone']} / {ja['phone']}"), number
        for key in ("map", "email"):
            caption = find(page, f"{en[key]} / {ja[key]}")
            assert len(caption) == 1 and caption[0][3] < height / 4, (number, key)
        # Each language in its own font: the English in Noto Sans, the Japanese in BIZ UD.
        fonts = char_fonts(page)
        bottom = [(char, font) for char, font, box in fonts if box[3] < height / 4]
        assert {font for char, font in bottom if char in ja["address"] and not char.isascii()} <= {
            "BIZUDPGothic-Regular",
            "BIZUDPGothic-Bold",
        }
        assert {font for char, font in bottom if char.isalpha() and char in "Matsushima"} <= {
            "NotoSans-Regular",
            "NotoSans-Bold",
        }
    assert overlaps(path) == []
    # The codes still decode from a 150 dpi render of the page (the captions beside them).
    payloads = decode_qr(page_image(path, 0))
    assert len(payloads) == 2 and any(p.startswith("mailto:") for p in payloads)


def test_the_views_side_labels_are_in_both_languages(bilingual):
    path = bilingual / "sciatica-handout-bilingual.pdf"
    en, ja = footer_texts("en"), footer_texts("ja")
    document = pdfium.PdfDocument(path)
    pages = [document[i] for i in range(len(document))]
    for side in ("right", "left"):
        label = f"{en[side]} {ja[side]}"  # 'R 右': no slash (test_bilingual_captions)
        found = [(page, box) for page in pages for box in find(page, label)]
        assert found, label
        for page, box in found:
            fonts = {
                font
                for char, font, b in char_fonts(page)
                if b[0] >= box[0] - 0.5
                and b[2] <= box[2] + 0.5
                and b[1] >= box[1] - 0.5
                and b[3] <= box[3] + 0.5
                and char in ja[side]
            }
            assert fonts and fonts <= {"BIZUDPGothic-Bold", "BIZUDPGothic-Regular"}, fonts
    # Nowhere only one language's label (an 'R' alone beside a drawing).
    text = "".join(page.get_textpage().get_text_range() for page in pages)
    assert text.count(f"{en['right']} {ja['right']}") == text.count(f" {ja['right']}")


def horizontal_lines(pdf, index: int) -> list[tuple[float, float, float]]:
    """(left, right, y) of the horizontal strokes of a page."""
    found = []
    for paint in pdfscan.read(pdf)[index].paints:
        for (x0, y0), (x1, y1) in paint.segments if paint.stroke else ():
            if abs(y0 - y1) < 0.1 and abs(x1 - x0) > 5:
                found.append((min(x0, x1), max(x0, x1), y0))
    return found


def test_the_fill_in_lines_leave_room_to_write_after_both_labels(bilingual):
    """Each label of a generic bilingual aftercare sheet is followed by a line at least
    styles.yaml fill_in blank long (25 mm, a name's 50 mm), inside the page's text width."""
    path = bilingual / "sciatica-aftercare-bilingual.pdf"
    page = pdfium.PdfDocument(path)[0]
    lines = horizontal_lines(path, 0)
    width = page.get_width()
    en, ja = read_yaml(CONTENT / "en" / "ui.yaml"), read_yaml(CONTENT / "ja" / "ui.yaml")
    for key, shortest in (("patient", 50), ("date", 25), ("next_visit", 25)):
        (label,) = find(page, f"{en[key]} / {ja[key]}")
        after = [
            line
            for line in lines
            if abs(line[0] - label[2]) < 8 and label[1] - 6 < line[2] < label[1] + 3
        ]
        assert after, key
        assert after[0][1] - after[0][0] >= shortest * MM - 0.5, (key, after[0])
        assert after[0][1] <= width - 14 * MM


EVERY_POINT = "GB30,BL40,BL23,BL54,GB34,ST36,LI4,SP6,KI3,LR3"


def page_of(texts: list[str], needle: str) -> int:
    """The first page (1-based) whose text holds `needle` (line breaks ignored)."""
    flat = needle.replace(" ", "")
    return next(i for i, text in enumerate(texts, 1) if flat in re.sub(r"\s+", "", text))


@pytest.mark.parametrize(
    "options,budget,first_page",
    [
        (("--lang", "ja", "--edition", "bilingual"), 4, True),
        (("--lang", "ja", "--edition", "bilingual", "--paper", "letter"), 4, True),
        (("--lang", "ja", "--edition", "bilingual", "--large-print"), 12, False),
        (("--lang", "en", "--paper", "letter", "--large-print"), 6, False),
        (("--lang", "ja-x-easy", "--edition", "bilingual"), 8, False),
    ],
)
def test_a_personal_sheet_of_many_points_gives_the_urgent_part_first(
    tmp_path, options, budget, first_page
):
    """What is an emergency and whom to call come right after the patient's details: on the
    first page where it has room for them (side by side), and always before the points
    treated and the everyday advice; ten treated points stay within the page budget."""
    target = tmp_path / "sheet.pdf"
    result = run_cli(
        "aftercare",
        *options,
        "--condition",
        "sciatica",
        "--patient",
        "テスト 花子",
        "--date",
        "2026-11-21",
        "--points",
        EVERY_POINT,
        "--next",
        "2026-11-28 14:30",
        "--note",
        "毎日ゆっくり歩いてください。",
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    document = pdfium.PdfDocument(target)
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    assert len(texts) <= budget
    langs = ["en", options[1]] if "bilingual" in options else [options[1]]
    for lang in langs:
        ui = read_yaml(CONTENT / lang / "ui.yaml")
        urgent = page_of(texts, ui["urgent_advice"])
        assert urgent <= page_of(texts, ui["treated_points"]), lang
        assert urgent <= page_of(texts, ui["aftercare_normal"]), lang
        if first_page:
            assert urgent == 1, lang
