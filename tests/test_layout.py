"""What a reader sees: no text drawn over other text on any page, generic or personal."""

from __future__ import annotations

import itertools

import pypdfium2 as pdfium
import pytest

from helpers import bundled_documents, run_cli

SHRINK = 0.6  # points trimmed from each side of a glyph box: touching is fine, overlap is not


def overlaps(pdf) -> list[str]:
    found = []
    document = pdfium.PdfDocument(pdf)
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        boxes = []
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            if char.isspace() or not char:
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left > 2 * SHRINK and top - bottom > 2 * SHRINK:
                boxes.append((char, left + SHRINK, bottom + SHRINK, right - SHRINK, top - SHRINK))
        grid: dict[tuple[int, int], list] = {}
        for box in boxes:
            for gx in range(int(box[1] // 20), int(box[3] // 20) + 1):
                for gy in range(int(box[2] // 20), int(box[4] // 20) + 1):
                    grid.setdefault((gx, gy), []).append(box)
        seen = set()
        for cell in grid.values():
            for a, b in itertools.combinations(cell, 2):
                if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]:
                    key = (a, b)
                    if key not in seen:
                        seen.add(key)
                        found.append(
                            f"page {number + 1}: '{a[0]}' at {a[1]:.0f},{a[2]:.0f} "
                            f"overlaps '{b[0]}' at {b[1]:.0f},{b[2]:.0f}"
                        )
    return found


def test_the_check_finds_text_drawn_over_text():
    import io

    from reportlab.pdfgen.canvas import Canvas

    from handouts.render.fonts import family

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(family("NotoSans").regular, 12)
    canvas.drawString(100, 100, "Top of the foot")
    canvas.drawString(104, 102, "GB34 Yanglingquan")
    canvas.showPage()
    canvas.save()
    assert overlaps(buffer.getvalue())


def test_generic_documents_have_no_overlapping_text(built):
    problems = {str(p.relative_to(built)): overlaps(p) for p in sorted(built.rglob("*.pdf"))}
    assert len(problems) == bundled_documents()
    assert {name: found for name, found in problems.items() if found} == {}


@pytest.mark.parametrize("variant", [("--paper", "letter"), ("--large-print",)])
def test_print_variants_have_no_overlapping_text(tmp_path, variant):
    assert run_cli("build", *variant, "--out", str(tmp_path)).returncode == 0
    problems = {str(p.relative_to(tmp_path)): overlaps(p) for p in sorted(tmp_path.rglob("*.pdf"))}
    assert {name: found for name, found in problems.items() if found} == {}


NOTES = {
    "en": "Your calves were very tight today. Keep walking gently every day and do the calf "
    "stretch we showed you twice a day. Call us if the swelling in your ankle does not "
    "go down within two days.",
    "ja": "今日はふくらはぎの張りが強かったので、ST36とBL40を中心に施術しました。毎日ゆっくり歩き、"
    "お見せしたストレッチを1日2回続けてください。足首の腫れが2日以内に引かないときはご連絡ください。",
}
NAMES = {"en": ("Hanako Testperson", "Ken Testpractitioner"), "ja": ("テスト 花子", "テスト 健")}


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("condition", ["sciatica", "leg-pain"])
def test_personal_sheet_with_every_field_is_a_clean_sheet(tmp_path, lang, condition):
    target = tmp_path / "sheet.pdf"
    patient, practitioner = NAMES[lang]
    result = run_cli(
        "aftercare",
        "--lang",
        lang,
        "--condition",
        condition,
        "--patient",
        patient,
        "--date",
        "2026-11-21",
        "--points",
        "ST36,LV3,BL40",
        "--next",
        "2026-11-28 14:30",
        "--practitioner",
        practitioner,
        "--note",
        NOTES[lang],
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    document = pdfium.PdfDocument(target)
    # A personal sheet may use the back of the page (compose.PERSONAL_PAGES): the safety
    # advice, the note and the diagram of the points treated do not fit one side at 12 pt.
    assert len(document) <= 2
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert patient in text and practitioner in text
    assert ("2026年11月21日" if lang == "ja" else "November 21, 2026") in text
    assert overlaps(target) == []
