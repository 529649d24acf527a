"""Leaflet-grade pages, checked on the real PDFs of every document in every variant (A4,
Letter, large print, Letter + large print; generic sheets and personal sheets with 0, 3 and all
10 treated points, both languages).

Geometry is read from the PDFs' content streams (tests/pdfscan.py): the body views (/View),
marker badges (/Badge), leader lines (/Leader), QR codes (/QRCode) and their captions. The
limits come from the issue and from print practice, not from styles.yaml.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml

import pdfscan
from helpers import CONTENT, bundled_documents, decode_qr, page_image, run_cli
from markscan import segment_distance
from test_kinsoku import group_lines, page_chars

MM = 72 / 25.4
LEG_VIEWS = {"lower-body-back", "lower-body-front", "inner-ankle"}
LEG_MIN = 45 * MM  # every leg view at least 45 mm tall on paper
DETAIL_MIN = 30 * MM  # hand and foot: still big enough to find a point on
OUTLINE_MIN, DETAIL_STROKE_MIN = 0.75, 0.5  # points, on paper
NUMBER_MIN = 11  # marker numbers
LARGE_MIN = 14  # large print: footer, captions, everything
QR_CLEAR = 3 * MM  # footer text ends this far before the QR block
ALL_POINTS = "GB30,BL40,BL23,BL54,GB34,ST36,LI4,SP6,KI3,LR3"
POINT_SETS = {"p0": "", "p3": "ST36,LV3,BL40", "p10": ALL_POINTS}
VARIANTS = {
    "a4": (),
    "letter": ("--paper", "letter"),
    "large": ("--large-print",),
    "large-letter": ("--paper", "letter", "--large-print"),
}
NAMES = {"en": ("Hanako Testperson", "Ken Testpractitioner"), "ja": ("テスト 花子", "テスト 健")}
NOTES = {
    "en": "Walk gently every day and do the calf stretch twice a day.",
    "ja": "毎日ゆっくり歩き、ふくらはぎのストレッチを1日2回続けてください。",
}


@pytest.fixture(scope="session")
def documents(tmp_path_factory) -> dict[str, Path]:
    """Every document in every variant: generic ones by `handouts build`, personal A4 sheets
    by `handouts aftercare`, personal sheets in the other variants through the library."""
    from handouts.compose.personal import personal_details
    from handouts.content.loader import load_library
    from handouts.deliver.build import Job, Options, render_one

    root = tmp_path_factory.mktemp("pages")
    found: dict[str, Path] = {}
    failures = []
    for variant, options in VARIANTS.items():
        out = root / variant
        result = run_cli("build", *options, "--out", str(out))
        if result.returncode != 0:
            failures.append(f"build {variant}: {result.stderr.strip()}")
        for pdf in sorted(out.rglob("*.pdf")):
            found[f"{variant}/{pdf.parent.name}/{pdf.stem}"] = pdf
    library, _ = load_library(CONTENT)
    for lang in ("en", "ja"):
        patient, practitioner = NAMES[lang]
        for slug in ("sciatica", "leg-pain"):
            for name, points in POINT_SETS.items():
                fields = dict(
                    patient=patient,
                    date="2026-11-21",
                    points=points,
                    next_visit="2026-11-28 14:30",
                    practitioner=practitioner,
                    note=NOTES[lang],
                )
                target = root / "personal" / f"a4-{lang}-{slug}-{name}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                result = run_cli(
                    "aftercare",
                    "--lang",
                    lang,
                    "--condition",
                    slug,
                    *[
                        f"--{k.replace('_', '-')}={v}"
                        for k, v in fields.items()
                        if k != "next_visit"
                    ],
                    f"--next={fields['next_visit']}",
                    "-o",
                    str(target),
                )
                if result.returncode != 0:
                    failures.append(f"aftercare {lang} {slug} {name}: {result.stderr.strip()}")
                else:
                    found[f"a4/{lang}/{slug}-personal-{name}"] = target
                for variant in ("letter", "large", "large-letter"):
                    options = Options("letter" if "letter" in variant else "a4", "large" in variant)
                    personal = personal_details(library, lang, **fields)
                    try:
                        data, _ = render_one(
                            library, Job(lang, slug, "aftercare"), options, personal
                        )
                    except Exception as exc:  # reported below, with every other failure
                        failures.append(f"personal {variant} {lang} {slug} {name}: {exc}")
                        continue
                    target = root / "personal" / f"{variant}-{lang}-{slug}-{name}.pdf"
                    target.write_bytes(data)
                    found[f"{variant}/{lang}/{slug}-personal-{name}"] = target
    found["_failures"] = failures
    return found


def each(documents, only=lambda name: True):
    return [
        (name, path) for name, path in documents.items() if not name.startswith("_") and only(name)
    ]


@pytest.fixture(scope="session")
def scanned(documents):
    return {name: pdfscan.read(path) for name, path in each(documents)}


def test_every_variant_builds(documents):
    assert documents["_failures"] == []
    names = [name for name, _ in each(documents)]
    assert len(names) == len(VARIANTS) * bundled_documents() + 4 * 2 * 2 * 3, names


def views_of(page) -> dict[str, list]:
    views: dict[str, list] = {}
    for paint in page.tagged("/View"):
        name = next(props["/Name"] for tag, props in paint.tags if tag == "/View")
        views.setdefault(name, []).append(paint)
    return views


def test_every_view_is_printed_large_enough(scanned):
    seen = set()
    for name, pages in scanned.items():
        for number, page in enumerate(pages, start=1):
            for view, paints in views_of(page).items():
                _, y0, _, y1 = pdfscan.bbox([p for paint in paints for p in paint.points])
                least = LEG_MIN if view in LEG_VIEWS else DETAIL_MIN
                assert y1 - y0 >= least - 0.5, (
                    f"{name} p{number}: {view} is {(y1 - y0) / MM:.1f} mm tall"
                )
                seen.add(view)
    assert seen == LEG_VIEWS | {"hand-back", "foot-top"}


def test_view_lines_keep_their_width_in_points(scanned):
    for name, pages in scanned.items():
        for page in pages:
            for view, paints in views_of(page).items():
                strokes = [p for p in paints if p.stroke]
                outline = [p.line_width for p in strokes if abs(p.stroke_gray - 0x22 / 255) < 0.01]
                assert outline and min(outline) >= OUTLINE_MIN - 0.001, (name, view, outline[:3])
                assert min(p.line_width for p in strokes) >= DETAIL_STROKE_MIN - 0.001, (name, view)


def _circle(paints) -> tuple[float, float, float]:
    x0, y0, x1, y1 = pdfscan.bbox([p for paint in paints for p in paint.points])
    return (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2


def _rect_distance(a, b) -> float:
    dx = max(a[0] - b[2], b[0] - a[2], 0)
    dy = max(a[1] - b[3], b[1] - a[3], 0)
    return math.hypot(dx, dy)


def _circle_box_overlap(circle, box) -> bool:
    cx, cy, r = circle
    nx, ny = min(max(cx, box[0]), box[2]), min(max(cy, box[1]), box[3])
    return math.hypot(cx - nx, cy - ny) < r - 0.3


def test_marker_badges_never_overlap_badges_leaders_or_text(scanned):
    checked = 0
    for name, pages in scanned.items():
        for number, page in enumerate(pages, start=1):
            badges = {}
            for item in page.tagged("/Badge"):
                key = next(props.get("/N") for tag, props in item.tags if tag == "/Badge")
                badges.setdefault(key, []).append(item)
            circles = {
                key: _circle([i for i in items if isinstance(i, pdfscan.Paint)])
                for key, items in badges.items()
            }
            numbers = [t for items in badges.values() for t in items if isinstance(t, pdfscan.Text)]
            assert all(t.size >= NUMBER_MIN - 0.01 for t in numbers), (name, number)
            leader_lines = {}
            for paint in page.tagged("/Leader"):
                key = next(props.get("/N") for tag, props in paint.tags if tag == "/Leader")
                leader_lines.setdefault(key, []).extend(paint.segments)
            for (ka, a), (kb, b) in itertools.combinations(circles.items(), 2):
                assert math.dist(a[:2], b[:2]) >= a[2] + b[2] - 0.3, (name, number, ka, kb)
            for key, circle in circles.items():
                for other, segments in leader_lines.items():
                    if other == key:
                        continue
                    for start, end in segments:
                        gap = segment_distance(circle[:2], start, end)
                        assert gap >= circle[2] - 0.3, (name, number, key, "leader", other)
                for text in page.texts:
                    if any(tag == "/Badge" for tag, _ in text.tags):
                        continue
                    assert not _circle_box_overlap(circle, text.box), (
                        f"{name} p{number}: badge {key} covers text"
                    )
                checked += 1
    assert checked > 100


def test_leader_lines_never_cross(scanned):
    for name, pages in scanned.items():
        for number, page in enumerate(pages, start=1):
            lines = {}
            for paint in page.tagged("/Leader"):
                key = next(props.get("/N") for tag, props in paint.tags if tag == "/Leader")
                lines.setdefault(key, []).extend(paint.segments)
            for (ka, a), (kb, b) in itertools.combinations(lines.items(), 2):
                for s1, s2 in itertools.product(a, b):
                    assert not _cross(*s1, *s2), f"{name} p{number}: leaders {ka} and {kb} cross"


def _cross(p1, p2, q1, q2) -> bool:
    def side(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    return (side(q1, q2, p1) > 0) != (side(q1, q2, p2) > 0) and (side(p1, p2, q1) > 0) != (
        side(p1, p2, q2) > 0
    )


def test_both_qr_codes_decode_on_every_page(documents):
    clinic = yaml.safe_load((CONTENT / "clinic.yaml").read_text(encoding="utf-8"))
    for name, path in each(documents):
        for index in range(len(pdfium.PdfDocument(path))):
            codes = decode_qr(page_image(path, index, dpi=150))
            assert len(codes) == 2, f"{name} p{index + 1}: {codes}"
            assert any(c.startswith("mailto:" + clinic["email"]) for c in codes), name
            assert any(c.startswith("https://www.google.com/maps/") for c in codes), name


def test_footer_text_ends_well_before_the_qr_block(scanned):
    for name, pages in scanned.items():
        for number, page in enumerate(pages, start=1):
            codes = [pdfscan.bbox(p.points) for p in page.tagged("/QRCode")]
            captions = [t.box for t in page.tagged("/QRCaption") if isinstance(t, pdfscan.Text)]
            assert len(codes) == 2 and len(captions) >= 2, (name, number)
            block = (
                min(b[0] for b in codes + captions),
                min(b[1] for b in codes + captions),
                max(b[2] for b in codes + captions),
                max(b[3] for b in codes + captions),
            )
            for text in page.texts:
                if any(tag == "/QRCaption" for tag, _ in text.tags):
                    continue
                assert _rect_distance(text.box, block) >= QR_CLEAR - 0.2, (
                    f"{name} p{number}: text {text.codes[:20]!r} is "
                    f"{_rect_distance(text.box, block) / MM:.1f} mm from the QR codes"
                )


def _font_sizes(page) -> list[tuple[str, float]]:
    """(character, font size) of every drawn character of a page, in content order."""
    from pypdfium2 import raw

    textpage = page.get_textpage()
    return [
        (textpage.get_text_range(i, 1), raw.FPDFText_GetFontSize(textpage.raw, i))
        for i in range(textpage.count_chars())
        if textpage.get_text_range(i, 1) not in ("\r", "\n", "", " ")
    ]


def test_phone_and_email_are_never_the_smallest_text(documents):
    """Safety (issue 9): how to reach the clinic is read first in the footer, not last."""
    clinic = yaml.safe_load((CONTENT / "clinic.yaml").read_text(encoding="utf-8"))
    for name, path in each(documents):
        for number, page in enumerate(pdfium.PdfDocument(path), start=1):
            chars = _font_sizes(page)
            text = "".join(c for c, _ in chars)
            smallest = min(size for _, size in chars)
            for needle in (clinic["email"], clinic["phone"]):
                start = text.index(needle)
                sizes = {round(size, 1) for _, size in chars[start : start + len(needle)]}
                assert min(sizes) > smallest + 0.5, (name, number, needle, sizes, smallest)


def test_every_urgent_sign_stands_on_a_page_that_says_whom_to_call(documents):
    """Safety (issue 9): wherever the box's urgent signs stand, on one page or continued on the
    next, the urgent lead-in (call 119 or go to hospital now) stands on the same page: a sign
    is never read without what to do about it."""
    for name, path in each(documents):
        lang = name.split("/")[1]
        slug = "sciatica" if "sciatica" in name else "leg-pain"
        ui = yaml.safe_load((CONTENT / lang / "ui.yaml").read_text(encoding="utf-8"))
        condition = yaml.safe_load(
            (CONTENT / lang / "conditions" / f"{slug}.yaml").read_text(encoding="utf-8")
        )
        lead = "".join(ui["see_a_doctor_urgent"].split())
        signs = ["".join(sign.split()) for sign in condition["see_a_doctor"]["urgent"]]
        pages = [
            "".join(page.get_textpage().get_text_range().split())
            for page in pdfium.PdfDocument(path)
        ]
        for sign in signs:
            holding = [number for number, text in enumerate(pages, start=1) if sign in text]
            assert holding, f"{name}: {sign} is on no page"
            for number in holding:
                text = pages[number - 1]
                assert lead in text and text.index(lead) < text.index(sign), (name, number, sign)


def test_large_print_sets_nothing_below_14_pt(scanned):
    for name, pages in scanned.items():
        if not name.startswith("large"):
            continue
        sizes = {round(t.size, 1) for page in pages for t in page.texts if not reading(t)}
        assert min(sizes) >= LARGE_MIN, (name, sorted(sizes))
        # Furigana stand over their text at half its size (the typographic convention).
        readings = {round(t.size, 1) for page in pages for t in page.texts if reading(t)}
        assert not readings or min(readings) >= LARGE_MIN / 2, (name, sorted(readings))


def reading(text) -> bool:
    """A furigana reading: drawn in an /ActualText span (whose text is its base) below the
    base's size."""
    spans = [props for tag, props in text.tags if tag == "/Span" and "/ActualText" in props]
    return bool(spans) and text.size < LARGE_MIN


def test_large_print_is_one_column(documents):
    ui = yaml.safe_load((CONTENT / "en" / "ui.yaml").read_text(encoding="utf-8"))
    for name, path in each(
        documents, lambda n: n.startswith("large") and "/en/" in n and "handout" in n
    ):
        lines = [
            line
            for page in pdfium.PdfDocument(path)
            for line in page.get_textpage().get_text_range().splitlines()
        ]
        assert any(line.strip() == ui["symptoms"] for line in lines), name
        assert not any(ui["symptoms"] in line and ui["causes"] in line for line in lines), name


# -- Japanese runts --------------------------------------------------------------------------
def runts(pdf: Path) -> list[str]:
    """Paragraphs whose last printed line has 1 to 3 characters, from character positions."""
    return [
        f"page {number}: {found}"
        for number, page in enumerate(pdfium.PdfDocument(pdf), start=1)
        for found in short_last_lines(_lines_with_boxes(page_chars(page)))
    ]


def short_last_lines(lines: list[dict]) -> list[str]:
    """A line of 1 to 3 characters directly under a full line of the same size and left edge
    is the end of that line's paragraph: a runt."""
    found = []
    for above, line in zip(lines, lines[1:]):
        text = line["text"].strip()
        if not 1 <= len(text) <= 3 or text.startswith("•"):
            continue
        size = line["size"]
        step = above["bottom"] - line["bottom"]
        if (
            abs(above["size"] - size) < 0.5
            and 1.0 * size <= step <= 2.2 * size
            and abs(above["left"] - line["left"]) < 1.5
            and len(above["text"]) >= 8
        ):
            found.append(f"{above['text'][-12:]!r} / {text!r}")
    return found


def _lines_with_boxes(chars) -> list[dict]:
    lines, current = [], []
    for char in chars:
        if current:
            previous = current[-1]
            middle = (char.bottom + char.top) / 2
            band = (min(c.bottom for c in current), max(c.top for c in current))
            gap = char.left - previous.right
            size = char.top - char.bottom  # squeezed punctuation may overlap (test_kinsoku)
            if band[0] <= middle <= band[1] and -size / 4 <= gap <= size:
                current.append(char)
                continue
            lines.append(current)
        current = [char]
    if current:
        lines.append(current)
    return [
        {
            "text": "".join(c.text for c in line),
            "left": line[0].left,
            "bottom": min(c.bottom for c in line),
            "size": max(c.top - c.bottom for c in line),
        }
        for line in lines
    ]


def test_the_runt_finder_finds_a_runt_and_only_a_runt():
    from test_kinsoku import fake_line

    runt = fake_line("痛みをやわらげる助けになる可能性があり", 700) + fake_line("ます。", 682)
    assert short_last_lines(_lines_with_boxes(runt)) == ["'る助けになる可能性があり' / 'ます。'"]
    fine = fake_line("痛みをやわらげる助けになる可能", 700) + fake_line("性があります。", 682)
    heading = fake_line("手の甲", 700)  # a short line of its own
    assert short_last_lines(_lines_with_boxes(fine + heading)) == []


def test_no_japanese_paragraph_ends_with_a_runt(documents):
    problems = {name: runts(path) for name, path in each(documents, lambda n: "/ja/" in n)}
    assert len(problems) == 4 * 4 + 4 * 2 * 3
    assert {name: found for name, found in problems.items() if found} == {}


def test_readings_and_words_are_never_split(documents):
    readings = yaml.safe_load((CONTENT / "ja" / "points.yaml").read_text(encoding="utf-8"))
    wanted = {
        f"（{entry['reading']}）"
        for code, entry in readings.items()
        if isinstance(entry, dict) and entry.get("reading")
    }
    for name, path in each(documents, lambda n: "/ja/" in n and "handout" in n):
        text = "\n".join(
            group_lines([c for page in pdfium.PdfDocument(path) for c in page_chars(page)])
        )
        for reading in wanted:
            if reading[1:-1] in text.replace("\n", ""):
                assert reading in text, f"{name}: {reading} is split across lines"
    words = set(
        re.findall(
            r"[A-Za-z]+",
            " ".join(
                str(v)
                for path in (CONTENT / "en").rglob("*.yaml")
                for v in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
            ),
        )
    )
    for name, path in each(documents, lambda n: "/en/" in n):
        lines = [
            line
            for page in pdfium.PdfDocument(path)
            for line in page.get_textpage().get_text_range().splitlines()
            if line.strip()
        ]
        for before, after in zip(lines, lines[1:]):
            head = re.search(r"([A-Za-z]+)$", before.rstrip())
            tail = re.match(r"([A-Za-z]+)", after.lstrip())
            if head and tail and head[1] + tail[1] in words and head[1] not in words:
                pytest.fail(f"{name}: '{head[1]}|{tail[1]}' is split across lines")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# -- glyphs ---------------------------------------------------------------------------------------
def test_no_glyph_is_missing_in_any_document(documents):
    problems = {name: pdfscan.missing_glyphs(path) for name, path in each(documents)}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_glyph_check_catches_a_missing_glyph(tmp_path):
    import io

    from reportlab.pdfgen.canvas import Canvas

    from handouts.render.fonts import family

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(family("NotoSans").regular, 12)
    canvas.drawString(100, 100, "Hegu 合谷")  # NotoSans has no kanji
    canvas.showPage()
    canvas.save()
    assert pdfscan.missing_glyphs(buffer.getvalue())


def test_no_heading_is_left_at_the_foot_of_a_page(documents):
    """A heading stays with the text it introduces (the last body line of a page is never one
    of the documents' headings)."""
    for lang in ("en", "ja"):
        ui = yaml.safe_load((CONTENT / lang / "ui.yaml").read_text(encoding="utf-8"))
        headings = {
            str(v)
            for k, v in ui.items()
            if isinstance(v, str)
            and len(v) < 40
            # the writing area's lines follow its label; the red-flag box's advice
            # lines stand on their own
            and k not in ("memo", "urgent_advice", "urgent_no_email")
        }
        for name, path in each(documents, lambda n, lang=lang: f"/{lang}/" in n):
            for number, page in enumerate(pdfium.PdfDocument(path), start=1):
                rows = _lines_with_boxes(page_chars(page))
                codes = [b for b in pdfscan.read_page_boxes(path, number - 1)]
                # Footer text starts below the top of the codes (under the footer rule and the
                # codes' quiet zone); body text ends above it.
                footer_top = max(b[3] for b in codes) + 1 * MM
                body = [row for row in rows if row["bottom"] > footer_top]
                if body and number < len(pdfium.PdfDocument(path)):
                    last = min(body, key=lambda row: row["bottom"])
                    assert last["text"].strip() not in headings, (
                        f"{name} p{number}: '{last['text']}' ends the page"
                    )


# -- overlaps -------------------------------------------------------------------------------------
def test_no_text_is_drawn_over_other_text(documents):
    """Body, header and footer: no two characters share ink in any document of any variant (the
    header's clinic name and page label once collided in Japanese large print)."""
    from test_layout import overlaps

    problems = {name: overlaps(path) for name, path in each(documents)}
    assert {name: found[:3] for name, found in problems.items() if found} == {}
