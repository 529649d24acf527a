"""Patient safety on paper: what every handout and aftercare sheet must say, read back from the
PDFs, and the content checks that refuse a condition or a language that leaves it out.

Expected texts come from the content files read independently (yaml.safe_load): the test checks
that each document carries the content, whatever the layout does with it.
"""

from __future__ import annotations

import re

import pytest
import yaml

from helpers import (
    CONTENT,
    bundled_documents,
    check,
    copy_content,
    edit,
    page_factor,
    pdf_pages_text,
    place_of,
    run_cli,
)

LANGS = ("en", "ja")
CONDITIONS = ("leg-pain", "sciatica")
ALL_POINTS = "GB30,BL40,BL23,BL54,GB34,ST36,LI4,SP6,KI3,LR3"
NOTES = {  # three lines on the sheet
    "en": "Walk for twenty minutes every day and use the cold pack on the outer thigh for fifteen "
    "minutes in the evening. Phone us if the numbness in your left foot spreads or if the "
    "pain wakes you at night again. We will check your lower back next time.",
    "ja": "毎日20分ほど歩き、夕方に太ももの外側を保冷剤で15分冷やしてください。"
    "左足のしびれが広がった"
    "ときや、夜中に痛みで目が覚めるときはお電話ください。次回は腰の状態も確認します。"
    "無理のない範囲で続けましょう。",
}


def content(relative: str) -> dict:
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


def squeeze(text: str) -> str:
    """Text without white space: extracted lines break where the layout wrapped them."""
    return re.sub(r"\s+", "", text)


def must_say(language: str, slug: str, kind: str) -> dict[str, list[str]]:
    """Every safety text a document must carry, from the content files."""
    clinic, ui = content("clinic.yaml"), content(f"{language}/ui.yaml")
    condition = content(f"{language}/conditions/{slug}.yaml")
    aftercare = content(f"{language}/aftercare.yaml")
    texts = {
        # (an aftercare sheet, read after a session, asks before the next one)
        "precautions": [
            ui["precautions" if kind == "handout" else "precautions_next"],
            *condition["precautions"],
        ],
        "urgent red flags": [ui["see_a_doctor_urgent"], *condition["see_a_doctor"]["urgent"]],
        "advice line": [ui["urgent_advice"]],
        "no email for urgent problems": [ui["urgent_no_email"]],
        "phone line": [
            ui["phone_line"].format(phone=clinic["phone"]),
            content(f"{language}/clinic.yaml")["hours"],
        ],
    }
    if kind == "handout":
        texts["see a doctor soon"] = [ui["see_a_doctor_soon"], *condition["see_a_doctor"]["soon"]]
    else:  # faint, bleeding, infection; bruises may take one to two weeks
        texts["if something happens"] = [*aftercare["contact"], *aftercare["normal"]]
    return texts


def assert_carries(text: str, language: str, slug: str, kind: str, where) -> None:
    plain = squeeze(text)
    clinic = content("clinic.yaml")
    for number in (clinic["emergency_number"], clinic["advice_line"]):
        assert number in text, (where, number)
    missing = {
        part: [t for t in texts if squeeze(t) not in plain]
        for part, texts in must_say(language, slug, kind).items()
    }
    assert {part: found for part, found in missing.items() if found} == {}, where


def test_the_contact_numbers_are_what_the_issue_asks_for():
    """Not vacuous: the content names 119 and Tokyo's #7119, and a phone line."""
    clinic = content("clinic.yaml")
    assert (clinic["emergency_number"], clinic["advice_line"]) == ("119", "#7119")
    for language in LANGS:
        ui = content(f"{language}/ui.yaml")
        assert "119" in ui["see_a_doctor_urgent"] and "#7119" in ui["urgent_advice"]


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("slug", CONDITIONS)
@pytest.mark.parametrize("kind", ("handout", "aftercare"))
def test_every_generic_document_carries_the_safety_content(built, language, slug, kind):
    pdf = built / language / f"{slug}-{kind}.pdf"
    assert_carries("\n".join(pdf_pages_text(pdf)), language, slug, kind, pdf)


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("slug", CONDITIONS)
def test_a_personal_sheet_with_all_ten_points_and_a_note_carries_it_too(tmp_path, language, slug):
    target = tmp_path / "sheet.pdf"
    result = run_cli(
        "aftercare",
        "--lang",
        language,
        "--condition",
        slug,
        "--patient",
        "Hanako Testperson",
        "--date",
        "2026-11-21",
        "--points",
        ALL_POINTS,
        "--next",
        "2026-11-28 14:30",
        "--practitioner",
        "Ken Testpractitioner",
        "--note",
        NOTES[language],
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    pages = pdf_pages_text(target)
    assert len(pages) <= 2
    text = "\n".join(pages)
    assert_carries(text, language, slug, "aftercare", target)
    assert squeeze(NOTES[language]) in squeeze(text)


@pytest.mark.parametrize(
    "variant",
    [(), ("--paper", "letter"), ("--large-print",), ("--large-print", "--paper", "letter")],
)
def test_every_document_fits_its_page_budget_in_every_variant(tmp_path, variant):
    result = run_cli("build", *variant, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr  # build fails a document over its budget
    pdfs = sorted(tmp_path.rglob("*.pdf"))
    assert len(pdfs) == bundled_documents()
    budget = {"handout": 2, "aftercare": 1}
    factor = 3 if "--large-print" in variant else 1  # large print: up to three times the pages
    for pdf in pdfs:
        kind = "handout" if "-handout" in pdf.name else "aftercare"
        assert len(pdf_pages_text(pdf)) <= budget[kind] * factor * page_factor(pdf.parent.name), pdf


# `handouts check` refuses content that leaves out what patients need -----------------------------
def assert_error_at(result, path, line, column, pattern):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(
        rf"^{re.escape(str(path))}:{line}:{column}: error: {pattern}", result.stderr, re.MULTILINE
    ), result.stderr


def value_place(path, key: str) -> tuple[int, int]:
    """(line, column) where the value of top-level `key:` starts (its quote, if quoted)."""
    line, _ = place_of(path, f"{key}: ")
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    return line, len(f"{key}: ") + 1 if text.startswith(f"{key}: ") else 1


def drop_block(path, key: str, indent: str = "") -> None:
    """Remove `key:` and the lines indented under it."""
    text = path.read_text(encoding="utf-8")
    new = re.sub(rf"^{indent}{key}:\n(?:{indent}  .*\n)+", "", text, count=1, flags=re.MULTILINE)
    assert new != text, (path, key)
    path.write_text(new, encoding="utf-8")


def test_a_condition_without_precautions_fails(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "en" / "conditions" / "sciatica.yaml"
    drop_block(path, "precautions")
    assert_error_at(
        check(content_dir),
        path,
        1,
        1,
        r"missing required key 'precautions' in conditions/sciatica\.yaml "
        r"\(hint: required: what to tell the practitioner",
    )


def test_an_empty_list_of_precautions_fails(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "ja" / "conditions" / "leg-pain.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"^precautions:\n(?:  .*\n)+", "precautions: []\n", text, flags=re.MULTILINE),
        encoding="utf-8",
    )
    line, column = place_of(path, "[]")
    assert_error_at(
        check(content_dir),
        path,
        line,
        column,
        r"conditions/leg-pain\.yaml\.precautions: the list is empty",
    )


def test_a_condition_without_urgent_red_flags_fails(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "en" / "conditions" / "leg-pain.yaml"
    drop_block(path, "urgent", indent="  ")
    line, column = place_of(path, "  soon:")
    assert_error_at(
        check(content_dir),
        path,
        line,
        column + 2,
        r"missing required key 'urgent' in conditions/leg-pain\.yaml\.see_a_doctor",
    )


def test_an_urgent_box_without_the_emergency_number_in_that_language_fails(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "ja" / "ui.yaml"
    label = content("ja/ui.yaml")["see_a_doctor_urgent"]
    assert "119番で" in label
    edit(path, "119番で", "")  # "call an ambulance", but not which number
    line, column = value_place(path, "see_a_doctor_urgent")
    assert_error_at(
        check(content_dir),
        path,
        line,
        column,
        r"ja: the urgent box does not name the emergency number 119",
    )


def test_the_advice_line_does_not_count_as_the_emergency_number(tmp_path):
    """#7119 contains 119: an urgent box naming only the advice line still fails."""
    content_dir = copy_content(tmp_path)
    path = content_dir / "en" / "ui.yaml"
    edit(path, "Call 119 for an ambulance", "Call #7119 or an ambulance")
    line, column = value_place(path, "see_a_doctor_urgent")
    assert_error_at(
        check(content_dir),
        path,
        line,
        column,
        r"en: the urgent box does not name the emergency number 119",
    )


def test_an_urgent_box_without_the_advice_line_fails(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "en" / "ui.yaml"
    edit(path, "call #7119 for advice", "call the advice line")
    line, column = value_place(path, "urgent_advice")
    assert_error_at(
        check(content_dir),
        path,
        line,
        column,
        r"en: the urgent box does not name the advice line #7119",
    )


def test_a_phone_number_that_is_not_one_fails(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "clinic.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("placeholder: true\n", ""), encoding="utf-8")
    line, column = place_of(path, '"03-XXXX-XXXX"')
    assert_error_at(
        check(content_dir),
        path,
        line,
        column,
        r"'03-XXXX-XXXX' is not a phone number \(hint: .*placeholder: true",
    )


# Review record: who reviewed (role) and when the next review is due -----------------------------
def test_a_review_that_is_due_is_a_warning_from_its_next_date(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "en" / "conditions" / "sciatica.yaml"
    due = str(content("en/conditions/sciatica.yaml")["review"]["next"])
    before = run_cli("check", "--content", str(content_dir), env={"HANDOUTS_TODAY": "2027-01-15"})
    assert "due for review" not in before.stderr, before.stderr
    after = run_cli("check", "--content", str(content_dir), env={"HANDOUTS_TODAY": due})
    assert after.returncode == 0, after.stderr  # a warning, not an error
    line, column = place_of(path, "next:")
    assert re.search(
        rf"^{re.escape(str(path))}:{line}:{column}: warning: due for review since "
        rf"{due}",
        after.stderr,
        re.MULTILINE,
    ), after.stderr


def test_a_review_names_the_reviewers_role(tmp_path):
    content_dir = copy_content(tmp_path)
    path = content_dir / "en" / "conditions" / "leg-pain.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^  role: .*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    line, column = place_of(path, "  by:")
    assert_error_at(
        check(content_dir),
        path,
        line,
        column + 2,
        r"missing required key 'role' in conditions/leg-pain\.yaml\.review",
    )


# Honest, plain wording: content QA on the bundled texts ------------------------------------------
def test_point_uses_say_traditionally_and_claim_nothing_the_issue_removed():
    for language, prefix in (("en", "Traditionally used for "), ("ja", "昔から、")):
        for code, point in content(f"{language}/points.yaml").items():
            if isinstance(point, dict) and code != "translated_from":
                assert point["use"].startswith(prefix), (language, code, point["use"])
    for language, removed in (
        ("en", {"SP6": "swell", "LR3": "stress"}),
        ("ja", {"SP6": "むくみ", "LR3": "ストレス"}),
    ):
        points = content(f"{language}/points.yaml")
        for code, word in removed.items():
            assert word not in points[code]["use"], (language, code)
        for slug in CONDITIONS:
            for point in content(f"{language}/conditions/{slug}.yaml")["points"]:
                why = point["why"]
                assert removed.get(point["code"], "\0") not in why, (language, slug, point)
                assert "weak" not in why.lower() and "力の入りにくさ" not in why, (slug, why)


def test_blood_flow_claims_are_refused_in_both_languages(tmp_path):
    content_dir = copy_content(tmp_path)
    en = content_dir / "en" / "conditions" / "leg-pain.yaml"
    ja = content_dir / "ja" / "conditions" / "leg-pain.yaml"
    edit(en, "Acupuncture may help ease pain", "Acupuncture may improve blood flow and ease pain")
    edit(ja, "鍼治療は、", "鍼治療は、血行をよくする。")
    result = check(content_dir)
    assert_error_at(
        result, en, *place_of(en, "improve blood flow"), r"forbidden claim 'improve blood flow'"
    )
    assert_error_at(
        result, ja, *place_of(ja, "血行をよくする"), r"forbidden claim '血行をよくする'"
    )


def test_japanese_uses_one_word_for_the_needle():
    """鍼 throughout, with its reading where a reader first meets it; never 針 or a bare はり."""
    for path in sorted((CONTENT / "ja").rglob("*.yaml")):
        if path.name == "readings.yaml":
            continue  # furigana readings: kana by nature
        text = path.read_text(encoding="utf-8")
        assert "針" not in text, path
        assert "はり" not in text.replace("鍼（はり）", ""), path
    for name in ("conditions/sciatica.yaml", "conditions/leg-pain.yaml", "aftercare.yaml"):
        first = content(f"ja/{name}")
        opening = first.get("summary", first.get("title"))
        assert "鍼（はり）" in opening, name
