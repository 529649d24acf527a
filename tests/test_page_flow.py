"""How the red-flag box flows through the pages, on documents built by the command line: the easy
handouts give it on page 1; a box split across pages never carries one line alone under its
heading "(continued)"; in a bilingual document whose boxes stand one after the other, the writing
area never stands between the two languages' boxes; every document stays within its budget."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from helpers import CONTENT, page_factor, pdf_pages_text, read_yaml, run_cli

EASY = "ja-x-easy"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def ui(lang: str) -> dict:
    return read_yaml(CONTENT / lang / "ui.yaml")


def pages(path: Path) -> list[str]:
    return [flat(text) for text in pdf_pages_text(path)]


def build_all(out: Path, runs: list[tuple[str, tuple[str, ...]]]) -> dict[str, Path]:
    """Each run's `build` into out/<variant>; its PDFs by "variant/lang/name"."""
    for variant, options in runs:
        result = run_cli("build", *options, "--out", str(out / variant))
        assert result.returncode == 0, result.stderr
    return {
        f"{pdf.parent.parent.name}/{pdf.parent.name}/{pdf.name}": pdf
        for pdf in sorted(out.rglob("*.pdf"))
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The easy handouts on A4 and Letter; every bilingual edition on A4, Letter and in large
    print on A4 (where the boxes stand one after the other and split)."""
    out = tmp_path_factory.mktemp("flow")
    runs = [
        ("a4", ("--lang", EASY, "--kind", "handout")),
        ("letter", ("--lang", EASY, "--kind", "handout", "--paper", "letter")),
        ("a4", ("--edition", "bilingual")),
        ("letter", ("--edition", "bilingual", "--paper", "letter")),
        ("large", ("--edition", "bilingual", "--large-print")),
    ]
    return build_all(out, runs)


def test_the_easy_handouts_give_the_urgent_signs_and_whom_to_call_on_page_1(built):
    """A patient finds when to call 119 on the first page: the urgent lead-in (119) and every
    urgent sign of the condition there."""
    easy = {
        name: path
        for name, path in built.items()
        if name.split("/")[1] == EASY and "-handout" in name and "bilingual" not in name
    }
    assert len(easy) == 4, sorted(built)
    words = ui(EASY)
    for name, path in easy.items():
        slug = path.name.split("-handout")[0]
        condition = read_yaml(CONTENT / EASY / "conditions" / f"{slug}.yaml")
        first = pages(path)[0]
        for text in (words["see_a_doctor"], words["see_a_doctor_urgent"]):
            assert flat(text) in first, (name, text)
        for sign in condition["see_a_doctor"]["urgent"]:
            assert flat(sign) in first, (name, sign)


def test_a_box_never_carries_its_last_line_alone(built):
    """Where a red-flag box continues on the next page, more than its last line (the
    no-email line) goes there: never a lone line under the heading again."""
    continued = 0
    for name, path in built.items():
        langs = {name.split("/")[1], "en"} if "bilingual" in name else {name.split("/")[1]}
        for lang in langs:
            words = ui(lang)
            heading = flat(words["continued"].format(heading=words["see_a_doctor"]))
            last = flat(words["urgent_no_email"])
            for number, text in enumerate(pages(path), start=1):
                for found in re.finditer(re.escape(heading), text):
                    continued += 1
                    after = text[found.end() :]
                    assert not after.startswith(last), f"{name} page {number}: {lang} line alone"
    assert continued >= 8  # boxes do continue in these documents


def place(texts: list[str], needle: str, last: bool = False) -> tuple[int, int]:
    """(page, offset in its text) of the first (or last) place `needle` is found."""
    found = [
        (number, hit.start())
        for number, text in enumerate(texts)
        for hit in re.finditer(re.escape(flat(needle)), text)
    ]
    assert found, needle
    return found[-1] if last else found[0]


def test_the_writing_area_never_stands_between_the_two_languages_boxes(built):
    """In a bilingual document, between the first language's red-flag box and the end of the
    second's there is no writing area (it comes before both or after both)."""
    checked = 0
    for name, path in built.items():
        if "bilingual" not in name:
            continue
        lang = name.split("/")[1]
        texts = pages(path)
        first, second = ui("en"), ui(lang)
        start = min(place(texts, w["see_a_doctor_urgent"]) for w in (first, second))
        end = max(place(texts, w["urgent_no_email"], last=True) for w in (first, second))
        memo = flat(first["memo"])
        for number, text in enumerate(texts):
            for hit in re.finditer(re.escape(memo), text):
                assert not start < (number, hit.start()) < end, f"{name}: page {number + 1}"
        checked += 1
    assert checked == 24


def test_every_document_is_within_its_budget(built):
    """Twice the budget of the longer language for a bilingual document (the easy edition's
    own is doubled), three times that in large print."""
    for name, path in built.items():
        variant, lang, file = name.split("/")
        budget = (2 if "-handout" in file else 1) * page_factor(lang)
        if "bilingual" in file:
            budget *= 2
        if variant.startswith("large"):
            budget *= 3
        assert len(pdf_pages_text(path)) <= budget, name


def test_the_box_begins_under_the_introduction_in_large_print(tmp_path):
    """Large print: the easy handout's box (red_flags_first) is too tall for the rest of page 1,
    yet it begins there under the introduction (not a writing area, not later sections, not a
    blank) and continues on page 2 under its heading "(continued)" and its lead-in again."""
    result = run_cli(
        "build", "--lang", EASY, "--kind", "handout", "--large-print", "--out", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    words = ui(EASY)
    found = sorted(tmp_path.rglob("*-handout-large.pdf"))
    assert len(found) == 2
    lead = flat(words["see_a_doctor_urgent"])
    for path in found:
        texts = pages(path)
        assert flat(words["see_a_doctor"]) in texts[0] and lead in texts[0], path.name
        for later in (words["memo"], words["what_it_is"], words["how_acupuncture_may_help"]):
            assert flat(later) not in texts[0], (path.name, later)
        again = flat(words["continued"].format(heading=words["see_a_doctor"]))
        assert texts[1].startswith(again + lead), path.name


def test_the_bilingual_large_print_boxes_follow_the_introduction(built):
    """Bilingual large print: the first language's box begins on page 1 right under the title
    and introduction, both boxes come before 'What it is', and no writing area stands before
    them (a page of blank lines ahead of the warning reads as a form: Japanese reviewers)."""
    found = {
        name: path
        for name, path in built.items()
        if name.startswith("large/") and "-handout" in name
    }
    assert len(found) == 4, sorted(built)
    for name, path in found.items():
        first, second = ui("en"), ui(name.split("/")[1])
        texts = pages(path)
        boxes = max(place(texts, w["urgent_no_email"], last=True) for w in (first, second))
        for words in (first, second):
            assert boxes < place(texts, words["what_it_is"]), (name, words["what_it_is"])
            assert flat(words["memo"]) not in texts[0], name
        assert flat(first["see_a_doctor_urgent"]) in texts[0], name


def test_no_page_holds_only_the_end_of_one_box(built):
    """Large print: a page holding one box's continuation and nothing else is filled by it to
    at least two thirds of its body (the other language's box never moved whole to the next
    page, leaving most of it empty)."""
    clinic = flat(read_yaml(CONTENT / "en" / "clinic.yaml")["name"])
    large = {name: path for name, path in built.items() if name.startswith("large/")}
    assert len(large) == 8
    for name, path in large.items():
        langs = ("en", name.split("/")[1])
        document = pdfium.PdfDocument(path)
        for number, text in enumerate(pages(path), start=1):
            body = text[: text.rfind(clinic)]  # the header and footer are drawn last
            for lang in langs:
                words = ui(lang)
                other = ui(next(x for x in langs if x != lang))
                heading = flat(words["continued"].format(heading=words["see_a_doctor"]))
                alone = (
                    body.startswith(heading)
                    and body.endswith(flat(words["urgent_no_email"]))
                    and flat(other["urgent_no_email"]) not in body
                    and flat(other["see_a_doctor"]) not in body
                )
                if alone:
                    assert body_filled(document[number - 1], words) >= 2 / 3, (name, number)


def body_filled(page, words) -> float:
    """How far down the body's text reaches: 0 at the header, 1 at the footer's top."""
    textpage = page.get_textpage()
    count = textpage.count_chars()
    boxes = [textpage.get_charbox(i) for i in range(count)]
    text = textpage.get_text_range(0, count)
    end = text.rfind(words["urgent_no_email"][-2:])  # the box's last line ends the body
    assert end > 0
    bottom = boxes[end][1]
    # Header and footer are drawn after the body: the footer is what of them stands below it.
    furniture = [box for box in boxes[end + 1 :] if box[2] > box[0]]
    top = max(box[3] for box in furniture)
    footer_top = max(box[3] for box in furniture if box[3] < bottom)
    return (top - bottom) / (top - footer_top)


@pytest.fixture(scope="module")
def large_print(tmp_path_factory) -> dict[str, Path]:
    """Every handout in large print on A4 (lp/), and bilingual (large/)."""
    out = tmp_path_factory.mktemp("large-print")
    runs = [
        ("lp", ("--large-print", "--kind", "handout")),
        ("large", ("--edition", "bilingual", "--large-print", "--kind", "handout")),
    ]
    return build_all(out, runs)


def test_signs_to_see_a_doctor_soon_are_never_under_the_box_heading_without_their_lead_in(
    large_print,
):
    """Large print, one language or two: where the box continues on a page with signs of its
    later part (see a doctor soon), that part's lead-in stands on that page before them; under
    the box's heading "(continued)" alone they would read as signs to call 119 for (Japanese
    reviewer: easy leg-pain, large print)."""
    split = 0
    for name, path in large_print.items():
        languages = [name.split("/")[1]] + (["en"] if name.startswith("large/") else [])
        slug = Path(name).name.split("-handout")[0].split("-aftercare")[0]
        for lang in languages:
            words = ui(lang)
            heading = flat(words["continued"].format(heading=words["see_a_doctor"]))
            lead = flat(words["see_a_doctor_soon"])
            condition = read_yaml(CONTENT / lang / "conditions" / f"{slug}.yaml")
            signs = [flat(sign) for sign in condition["see_a_doctor"]["soon"]]
            for number, text in enumerate(pages(path), start=1):
                if heading not in text:
                    continue
                split += 1
                after = text[text.index(heading) + len(heading) :]
                found = [after.index(sign) for sign in signs if sign in after]
                if found:
                    assert lead in after and after.index(lead) < min(found), (name, number, lang)
    assert split, "no box continued: the test would prove nothing"
