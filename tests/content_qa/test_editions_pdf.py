"""Content QA on the built PDFs of the editions: bilingual documents (every section in both
languages, aligned, within twice the budget, QR codes, no overlap, each language in its font),
and documents with furigana (readings above their bases on the same line, extraction gives
the base text only, kinsoku kept, point names read as the WHO standard reads them).

Expected texts come from the content files (yaml.safe_load), expected readings of the point
names from the WHO standard's Japanese edition (test_readings.WHO_JAPANESE)."""

from __future__ import annotations

import ctypes
import re
import subprocess
from collections import Counter

import pypdfium2 as pdfium
import pytest
import yaml
from test_readings import WHO_JAPANESE

from helpers import CONTENT, decode_qr, page_count, page_factor, page_image, run_cli
from pdfruby import Box, body, clusters, without_actual_text
from pdfstruct import read_structure, squash
from test_kinsoku import bad_breaks, group_lines, page_chars
from test_layout import overlaps

SOURCE = yaml.safe_load((CONTENT / "handouts.yaml").read_text(encoding="utf-8"))["source_language"]
LANGS = sorted(
    p.name
    for p in CONTENT.iterdir()
    if p.is_dir() and p.name != "diagrams" and not p.name.startswith(".")
)
TRANSLATIONS = [lang for lang in LANGS if lang != SOURCE]
CONDITIONS = sorted(p.stem for p in (CONTENT / SOURCE / "conditions").glob("*.yaml"))
KINDS = ("handout", "aftercare")
BUDGET = {"handout": 2, "aftercare": 1}
PAIRS = [(lang, slug, kind) for lang in TRANSLATIONS for slug in CONDITIONS for kind in KINDS]


def content(relative: str) -> dict:
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


def furigana(lang: str) -> dict | None:
    return content(f"{lang}/language.yaml").get("furigana")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """One `build --edition bilingual` (every default pair) and one `build --furigana`."""
    out = tmp_path_factory.mktemp("editions")
    for options in (("--edition", "bilingual"), ("--furigana",)):
        result = run_cli("build", *options, "--out", str(out), cwd=CONTENT.parent)
        assert result.returncode == 0, result.stderr
    return out


def bilingual(editions, lang, slug, kind):
    return editions / lang / f"{slug}-{kind}-bilingual.pdf"


def text_of(pdf) -> str:
    document = pdfium.PdfDocument(pdf)
    return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


# Bilingual documents ----------------------------------------------------------------------------
def printed(lang: str, slug: str, kind: str) -> list[str]:
    """What a document says, from the content: every text of its sections."""
    condition = content(f"{lang}/conditions/{slug}.yaml")
    ui = content(f"{lang}/ui.yaml")
    urgent = condition["see_a_doctor"]["urgent"]
    if kind == "handout":
        texts = [
            condition["title"],
            condition["summary"],
            condition["disclaimer"],
            *condition["what_it_is"],
            *condition["symptoms"],
            *condition["causes"],
            *condition["how_acupuncture_may_help"],
            *condition["what_to_expect"],
            *condition["precautions"],
            *condition["self_care"],
            *condition["see_a_doctor"]["soon"],
            *urgent,
            *(p["why"] for p in condition["points"]),
        ]
        keys = [
            "what_it_is",
            "symptoms",
            "causes",
            "how_acupuncture_may_help",
            "what_to_expect",
            "precautions",
            "self_care",
            "points",
            "see_a_doctor",
            "see_a_doctor_urgent",
            "urgent_advice",
        ]
    else:
        care = content(f"{lang}/aftercare.yaml")
        texts = [
            care["title"],
            care["intro"],
            *care["normal"],
            *care["do"],
            *care["avoid"],
            *care["contact"],
            *condition["aftercare"],
            *condition["precautions"],
            *urgent,
        ]
        keys = [
            "aftercare_normal",
            "aftercare_do",
            "aftercare_avoid",
            "aftercare_contact",
            "precautions_next",
            "see_a_doctor",
            "see_a_doctor_urgent",
            "urgent_advice",
        ]
    return texts + [ui[key] for key in keys]


def test_every_translation_has_its_bilingual_documents(editions):
    for lang, slug, kind in PAIRS:
        assert bilingual(editions, lang, slug, kind).is_file(), (lang, slug, kind)
    assert not list((editions / SOURCE).glob("*-bilingual*.pdf"))


@pytest.mark.parametrize("lang,slug,kind", PAIRS)
def test_bilingual_document_says_everything_in_both_languages(editions, lang, slug, kind):
    # In structure order, as a screen reader reads it: drawn order would break a text that
    # continues on the next page after the other language's column there.
    text = squash(read_structure(bilingual(editions, lang, slug, kind)).text)
    for language in (SOURCE, lang):
        missing = [t for t in printed(language, slug, kind) if squeeze(t) not in text]
        assert missing == [], (language, missing)


@pytest.mark.parametrize("lang,slug,kind", PAIRS)
def test_each_section_sits_beside_its_translation(editions, lang, slug, kind):
    """Section by section, never one whole language then the other: each heading of the
    source language is on the same page and line as the same heading translated, left of it."""
    keys = (
        [
            "what_it_is",
            "how_acupuncture_may_help",
            "symptoms",
            "precautions",
            "causes",
            "what_to_expect",
            "self_care",
            "points",
        ]
        if kind == "handout"
        else ["aftercare_normal", "aftercare_contact", "precautions_next"]
    )
    document = pdfium.PdfDocument(bilingual(editions, lang, slug, kind))
    pages = [_chars(document[number]) for number in range(len(document))]
    first, second = content(f"{SOURCE}/ui.yaml"), content(f"{lang}/ui.yaml")
    order = []
    for key in keys:
        a, b = _find(pages, first[key]), _find(pages, second[key])
        assert a and b, key
        (page_a, box_a), (page_b, box_b) = a, b
        # The same line: their bands overlap; the source language on the left.
        assert page_a == page_b and box_a.bottom < box_b.top and box_b.bottom < box_a.top, key
        assert box_a.right < box_b.left, key
        order.append(page_a)
    if kind == "handout":
        assert len(set(order)) >= 2  # sections on several pages


def _chars(page) -> tuple[str, list]:
    """A page's drawn characters without white space, and their boxes."""
    textpage = page.get_textpage()
    text, boxes = "", []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char.strip():
            text += char
            boxes.append(Box(*textpage.get_charbox(index)))
    return text, boxes


def _find(pages, heading: str):
    """(page, box of its first character) of the first place a heading is printed."""
    wanted = squeeze(heading)
    for number, (text, boxes) in enumerate(pages):
        at = text.find(wanted)
        if at >= 0:
            return number, boxes[at]
    return None


@pytest.mark.parametrize("lang,slug,kind", PAIRS)
def test_bilingual_document_fits_twice_the_budget(editions, lang, slug, kind):
    pages = page_count(bilingual(editions, lang, slug, kind))
    assert 1 <= pages <= 2 * BUDGET[kind] * max(page_factor(SOURCE), page_factor(lang))


@pytest.mark.parametrize("lang,slug,kind", PAIRS)
def test_bilingual_qr_codes_decode_and_nothing_overlaps(editions, lang, slug, kind):
    path = bilingual(editions, lang, slug, kind)
    clinic = content("clinic.yaml")
    for index in range(page_count(path)):
        codes = decode_qr(page_image(path, index, dpi=150))
        assert len(codes) == 2 and any(clinic["email"] in c for c in codes), codes
    assert overlaps(path) == []
    if furigana(lang):  # the readings too
        assert overlaps(without_actual_text(path.read_bytes(), invisible=False)[0]) == []


def font_of(textpage, index: int) -> str:
    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer(200)
    raw.FPDFText_GetFontInfo(textpage.raw, index, buffer, 200, None)
    return buffer.value.decode("ascii", "replace")


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_each_language_is_set_in_its_own_font(editions, lang):
    fonts = {code: content(f"{code}/language.yaml")["font"] for code in (SOURCE, lang)}
    document = pdfium.PdfDocument(bilingual(editions, lang, CONDITIONS[0], "handout"))
    textpage = document[0].get_textpage()
    text = textpage.get_text_range()
    for code in (SOURCE, lang):
        title = content(f"{code}/conditions/{CONDITIONS[0]}.yaml")["title"]
        start = text.index(title)
        assert {
            font_of(textpage, start + i).split("+")[-1].split("-")[0] for i in range(len(title))
        } == {fonts[code]}, code


# Furigana --------------------------------------------------------------------------------------
FURIGANA = [lang for lang in LANGS if furigana(lang)]


def furigana_pdfs(built, editions):
    """Every document with furigana: easy editions as built, the others built with --furigana,
    and the bilingual documents with an easy edition."""
    found = []
    for lang in FURIGANA:
        always = furigana(lang).get("always")
        for slug in CONDITIONS:
            for kind in KINDS:
                found.append(
                    built / lang / f"{slug}-{kind}.pdf"
                    if always
                    else editions / lang / f"{slug}-{kind}-furigana.pdf"
                )
                if always and lang != SOURCE:
                    found.append(bilingual(editions, lang, slug, kind))
    return found


def test_furigana_documents_exist(built, editions):
    assert FURIGANA and all(path.is_file() for path in furigana_pdfs(built, editions))


def test_readings_sit_above_their_bases(built, editions):
    for path in furigana_pdfs(built, editions):
        found = clusters(path.read_bytes())
        assert len(found) > 100, path
        for cluster in found:
            base, reading = cluster.base_box, cluster.reading_box
            assert cluster.reading, (path, cluster)
            assert reading is not None and base is not None, (path, cluster)
            # Above the base, on its line: no higher than the reading's own size above it.
            assert base.top - 0.5 <= reading.bottom <= base.top + cluster.reading_size, (
                path,
                cluster,
            )
            # Over it: within the base's width, or reaching a reading character beyond (JLREQ
            # 3.3.8: over the kana beside it); or, a reading longer than its base, centred on it
            # or moved at most a reading character aside (it reaches over the kana on one side
            # only, and the base is spread under the rest, so it may stand out further there).
            reach = cluster.reading_size + 1.5  # glyph boxes: ink, not advance
            within = base.left - reach <= reading.left and reading.right <= base.right + reach
            centre = (reading.left + reading.right) / 2 - (base.left + base.right) / 2
            longer = reading.right - reading.left > base.right - base.left
            # At a line's start or end, base and reading stand flush with the line's edge
            # (JLREQ 3.3.8), the rest of the reading over the kana inside the line.
            flush = min(abs(reading.left - base.left), abs(reading.right - base.right)) <= 1.5
            assert within or (longer and (abs(centre) <= reach or flush)), (path, cluster)
            assert cluster.reading_size <= cluster.base_size * 0.6


def test_extracted_text_is_the_base_text_only(built, editions):
    """The text a reader copies (pdfium, poppler) has no reading in it: it is what the same
    document without furigana says (the names' bracketed readings aside: the furigana say them),
    character for character."""
    for lang in FURIGANA:
        for slug in CONDITIONS:
            if furigana(lang).get("always"):
                plain = body_text(without_furigana(lang, slug), lang)
                ruby = body_text(built / lang / f"{slug}-handout.pdf")
                assert ruby == plain, (lang, slug)
                continue
            plain = body_text(built / lang / f"{slug}-handout.pdf")
            ruby = body_text(editions / lang / f"{slug}-handout-furigana.pdf")
            names = content(f"{lang}/points.yaml")
            codes = [p["code"] for p in content(f"{lang}/conditions/{slug}.yaml")["points"]]
            brackets = Counter("".join(f"（{names[c]['reading']}）" for c in codes))
            assert ruby == plain - brackets, (lang, slug)
    for path in furigana_pdfs(built, editions):
        pdfium_text = squeeze(text_of(path))
        poppler = squeeze(
            subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
        assert Counter(pdfium_text) == Counter(poppler), path
        for cluster in clusters(path.read_bytes())[:400]:
            assert cluster.base in pdfium_text


def without_furigana(lang: str, slug: str) -> bytes:
    """The handout of an edition that always has furigana, rendered without them."""
    import dataclasses

    from handouts.compose.composer import compose
    from handouts.content.loader import load_library
    from handouts.render.pdf import render

    library = load_library(CONTENT)[0]
    doc = compose(library, lang, slug, "handout")
    doc = dataclasses.replace(
        doc, ruby={}, typography=dataclasses.replace(doc.typography, ruby=0.0)
    )
    return render(doc, library.page_style(lang))[0]


def body_text(pdf, lang: str | None = None) -> Counter:
    """The body's characters, but for what is there or not as the pages fall (the furigana
    take room): a red-flag box's or a section's heading repeated atop its continuation, the
    optional writing area's heading."""
    text = squeeze(body(pdf))
    ui = content(f"{lang or pdf.parent.name}/ui.yaml")
    headings = [value for value in ui.values() if isinstance(value, str)]
    again = [ui["continued"].format(heading=heading) for heading in headings]
    for heading in (*again, ui["memo"]):
        text = text.replace(squeeze(heading), "")
    return Counter(text)


def test_kinsoku_holds_with_furigana(built, editions):
    for lang in FURIGANA:
        style = content(f"{lang}/language.yaml")["line_breaking"]
        registry = content("points.yaml")["points"]
        for path in furigana_pdfs(built, editions):
            if path.parent.name != lang:
                continue
            document = pdfium.PdfDocument(path)
            lines = [line for page in document for line in group_lines(page_chars(page))]
            assert len(lines) > 30, path
            assert (
                bad_breaks(lines, style["no_line_start"], style["no_line_end"], set(registry)) == []
            ), path


def test_point_names_are_read_as_the_who_standard_reads_them(built, editions):
    names = {name: reading for name, reading in WHO_JAPANESE.values()}
    for path in furigana_pdfs(built, editions):
        read = {c.base: c.reading for c in clusters(path.read_bytes()) if c.base in names}
        lang = path.parent.name
        slug, kind = path.stem.split("-handout")[0], "handout" if "-handout" in path.stem else ""
        if kind:
            codes = [p["code"] for p in content(f"{lang}/conditions/{slug}.yaml")["points"]]
            assert {WHO_JAPANESE[c][0] for c in codes} <= set(read), path
        assert all(read[name] == names[name] for name in read), (path, read)


# Tagged: the editions are PDF/UA documents too ---------------------------------------------------
def test_editions_are_tagged_pdf_ua_with_each_language_marked(built, editions):
    import page

    from pdfstruct import read_structure

    paths = [bilingual(editions, lang, slug, kind) for lang, slug, kind in PAIRS]
    for path in paths + furigana_pdfs(built, editions):
        report = page.validate_pdf(path, profile="ua1")
        assert [(f.rule_id, f.message) for f in report.failures] == [], path
        structure = read_structure(path)
        assert structure.problems == [] and structure.untagged_text == [], path
    for path in paths:  # the second language's sections carry its /Lang
        langs, stack = set(), [read_structure(path).tree]
        while stack:
            node = stack.pop()
            langs.add(node.attrs.get("Lang"))
            stack += [kid for kid in node.kids if hasattr(kid, "kids")]
        assert path.parent.name in langs, path


# Dates on a personal sheet: read as Japanese reads dates (not as readings.yaml says) ------------
DAY_READINGS = {
    1: "ついたち",
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    14: "じゅうよっか",
    20: "はつか",
    24: "にじゅうよっか",
}
MONTH_READINGS = {4: "しがつ", 7: "しちがつ", 9: "くがつ"}
WEEKDAY_READINGS = ["げつ", "か", "すい", "もく", "きん", "ど", "にち"]  # Monday first
WEEKDAY_CHARS = "月火水木金土日"


def date_clusters(day, weekday: bool) -> list[tuple[str, str]]:
    """(base, reading) of each furigana cluster of a printed date: 2026年 ねん, 4月 しがつ
    (12月 がつ), 1日 ついたち (11日 にち), （水） すい."""
    found = [
        (f"{day.year}年", "ねん"),
        (f"{day.month}月", MONTH_READINGS.get(day.month, "がつ")),
        (f"{day.day}日", DAY_READINGS.get(day.day, "にち")),
    ]
    if weekday:
        found.append((WEEKDAY_CHARS[day.weekday()], WEEKDAY_READINGS[day.weekday()]))
    return found


@pytest.mark.parametrize(
    "treated, following",
    [
        ("2026-04-01", "2026-07-14 09:30"),
        ("2026-09-20", "2026-12-24 14:00"),
        ("2027-01-02", "2027-03-11 10:00"),
        ("2026-06-08", "2026-06-10 16:30"),
        ("2026-10-03", "2026-11-05 11:00"),
        ("2026-02-06", "2026-08-09 09:00"),
    ],
)
def test_dates_on_an_easy_personal_sheet_are_read_as_dates(tmp_path, treated, following):
    import datetime

    easy = [lang for lang in FURIGANA if furigana(lang).get("always")]
    assert easy
    out = tmp_path / "sheet.pdf"
    result = run_cli(
        "aftercare",
        "--lang",
        easy[0],
        "--condition",
        CONDITIONS[0],
        "--date",
        treated,
        "--next",
        following,
        "-o",
        str(out),
        cwd=CONTENT.parent,
    )
    assert result.returncode == 0, result.stderr
    read = [(c.base, c.reading) for c in clusters(out.read_bytes()) if c.page == 0]

    def contains(part):
        return any(read[i : i + len(part)] == part for i in range(len(read)))

    when = datetime.datetime.strptime(following, "%Y-%m-%d %H:%M")
    assert contains(date_clusters(datetime.date.fromisoformat(treated), False)), read
    assert contains(date_clusters(when.date(), True)), read


# Every kanji on an easy-edition page has its reading above it ----------------------------------
KANJI_CHAR = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF々]")
KANA_CHAR = re.compile(r"[\u3041-\u309F\u30A0-\u30FF]")


def kanji_without_reading(pdf: bytes) -> list[tuple[int, str, str]]:
    """(page, kanji, its line) of each drawn kanji with no smaller kana just above it,
    overlapping it (positions from the PDF, the readings' invisible markers taken out)."""
    plain, _ = without_actual_text(pdf, invisible=False)
    document = pdfium.PdfDocument(plain)
    missing = []
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        chars = []
        for index in range(textpage.count_chars()):
            text = textpage.get_text_range(index, 1)
            if KANJI_CHAR.match(text) or KANA_CHAR.match(text):
                size = pdfium.raw.FPDFText_GetFontSize(textpage.raw, index)
                chars.append((text, Box(*textpage.get_charbox(index)), size))
        for text, box, size in chars:
            if not KANJI_CHAR.match(text):
                continue
            if not any(
                KANA_CHAR.match(t)
                and s <= size * 0.6
                and b.left < box.right
                and b.right > box.left
                and box.top - 1 <= b.bottom <= box.top + size * 0.8
                for t, b, s in chars
            ):
                line = "".join(t for t, b, s in chars if abs(b.bottom - box.bottom) < size / 2)
                missing.append((number + 1, text, line))
    return missing


def test_every_kanji_of_an_easy_document_has_its_reading_above_it(built, editions, tmp_path):
    easy = [lang for lang in FURIGANA if furigana(lang).get("always")]
    paths = [p for p in furigana_pdfs(built, editions) if p.parent.name in easy]
    codes = ",".join(content("points.yaml")["points"])
    for lang in easy:
        for options in ((), ("--paper", "letter", "--large-print")):
            out = tmp_path / f"{lang}-{len(options)}.pdf"
            result = run_cli(
                "aftercare",
                "--lang",
                lang,
                "--condition",
                CONDITIONS[0],
                "--date",
                "2026-04-01",
                "--next",
                "2026-07-14 09:30",
                "--points",
                codes,
                *options,
                "-o",
                str(out),
                cwd=CONTENT.parent,
            )
            assert result.returncode == 0, result.stderr
            paths.append(out)
    assert len(paths) >= 4 * len(easy)
    for path in paths:
        assert kanji_without_reading(path.read_bytes()) == [], path


def test_each_furigana_is_a_ruby_with_its_base_and_reading(built, editions):
    """The structure tree (read back with pikepdf) says each reading as PDF says ruby: a Ruby
    standing for its base (/ActualText), an RB owning the drawn cluster, an RT with the reading;
    the pairs are those drawn on the page. Copying gives the base once (the test above)."""
    from pdfstruct import read_structure

    easy = [lang for lang in FURIGANA if furigana(lang).get("always")]
    for lang in easy:
        for kind in KINDS:
            path = built / lang / f"{CONDITIONS[0]}-{kind}.pdf"
            rubies = read_structure(path).find("Ruby")
            drawn = Counter((c.base, c.reading) for c in clusters(path.read_bytes()))
            tagged = Counter()
            for ruby in rubies:
                parts = [kid for kid in ruby.kids if hasattr(kid, "role")]
                assert [p.role for p in parts] == ["RB", "RT"], (path, ruby)
                base, reading = parts[0].attrs["ActualText"], parts[1].attrs["ActualText"]
                assert ruby.attrs["ActualText"] == base and ruby.text == base, (path, ruby)
                tagged[(base, reading)] += 1
            # Every drawn cluster of the document's tagged text (header and footer on pages
            # before the last are artifacts: drawn, not tagged).
            assert tagged and not tagged - drawn, (path, tagged - drawn)
            assert len(tagged) > 0.8 * len(drawn), path
