"""`handouts check` content rules on content trees of the tests' own, through the real command
line (the bundled content's own check: content_qa/test_bundled_content.py)."""

from __future__ import annotations

import datetime
import re

import yaml

from helpers import (
    TODAY,
    build,
    check,
    edit,
    fonts,
    pdf_pages_text,
    place_of,
    run_cli,
    write_content,
)


def assert_error_at(result, path, line, column, pattern):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert re.search(
        rf"^{re.escape(str(path))}:{line}:{column}: error: {pattern}", result.stderr, re.MULTILINE
    ), result.stderr


def test_character_missing_from_the_font_is_named_at_its_place(tmp_path):
    content = write_content(tmp_path)
    path = content / "ja" / "conditions" / "knee-ache.yaml"
    summary = re.search(r"^summary: (..)", path.read_text(encoding="utf-8"), re.MULTILINE)
    edit(path, summary.group(0), summary.group(0) + "😀")  # inside the text, not at its start
    line, column = place_of(path, "😀")
    result = check(content)
    assert_error_at(
        result,
        path,
        line,
        column,
        r"character '😀' \(U\+1F600\) is in no bundled font "
        r"\(BIZUDPGothic, NotoSans\)",
    )
    assert "hint: remove it or replace it" in result.stderr


def test_a_character_only_another_bundled_font_has_is_set_in_that_font(tmp_path):
    """A Japanese patient name on an English sheet: the name is set in the Japanese font, run
    by run, and no glyph is missing (read from the embedded fonts' own tables)."""
    import pdfscan

    target = tmp_path / "sheet.pdf"
    result = run_cli(
        "aftercare",
        "--content",
        str(write_content(tmp_path)),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        "--patient",
        "Hanako テスト 花子",
        "--points",
        "ST36",
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    assert "Hanako テスト 花子" in "".join(pdf_pages_text(target))
    names = {f["name"].split("+")[-1] for f in fonts(target)}
    assert {"NotoSans-Regular", "BIZUDPGothic-Regular"} <= names, names
    assert pdfscan.missing_glyphs(target) == []


def test_a_character_no_bundled_font_has_stops_the_document_and_names_its_source(tmp_path):
    result = run_cli(
        "aftercare",
        "--content",
        str(write_content(tmp_path)),
        "--lang",
        "ja",
        "--condition",
        "knee-ache",
        "--patient",
        "テスト 😀",
        "-o",
        str(tmp_path / "sheet.pdf"),
    )
    assert result.returncode == 1
    assert "U+1F600" in result.stderr and "--patient" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "sheet.pdf").exists()


def test_a_section_too_long_for_the_page_budget(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"^what_it_is:\n((?:  - .*\n)+)", text, re.MULTILINE)
    path.write_text(text.replace(block.group(1), block.group(1) * 12), encoding="utf-8")
    result = check(content)
    assert_error_at(
        result,
        path,
        1,
        1,
        r"en/conditions/knee-ache\.yaml: handout needs \d+ pages on A4, "
        r"\d+ over the budget of 2",
    )
    assert "what_it_is" in result.stderr  # the hint names what to shorten


def test_a_handout_that_fits_a4_but_not_letter_is_reported_for_letter(tmp_path):
    """Letter is shorter than A4: check lays every document out on both papers (and in large
    print, whose budget is larger) and names the paper that overruns."""
    from handouts.compose.composer import compose
    from handouts.content.loader import load_library
    from handouts.render.pdf import count_pages

    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    original = path.read_text(encoding="utf-8")
    block = re.search(r"^what_it_is:\n((?:  - .*\n)+)", original, re.MULTILINE)
    sentence = "  - The knee aches after a long walk and feels stiff in the morning.\n"
    for extra in range(1, 80):
        path.write_text(
            original.replace(block.group(1), block.group(1) + sentence * extra), encoding="utf-8"
        )
        library = load_library(content)[0]
        doc = compose(library, "en", "knee-ache", "handout")
        pages = {
            paper: count_pages(doc, library.page_style("en", paper)) for paper in ("a4", "letter")
        }
        if pages["a4"] <= 2 < pages["letter"]:
            break
    else:
        raise AssertionError("no length of what_it_is fits A4 and overruns Letter")
    result = check(content)
    assert_error_at(
        result,
        path,
        1,
        1,
        r"en/conditions/knee-ache\.yaml: handout needs "
        rf"{pages['letter']} pages on Letter, "
        r"\d+ over the budget of 2",
    )
    own = [line for line in result.stderr.splitlines() if f"{path}:" in line]
    assert own and not [line for line in own if "on A4," in line], own
    assert "Traceback" not in result.stderr


def test_page_counts_are_remembered_for_unchanged_content_only(tmp_path):
    """check keeps each document's page count in the cache under everything it is made from: an
    unchanged tree is checked again without a layout (reportlab is not even imported), with the
    same report; an edited tree is laid out again."""
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    original = path.read_text(encoding="utf-8")
    block = re.search(r"^what_it_is:\n((?:  - .*\n)+)", original, re.MULTILINE)
    longer = original.replace(block.group(1), block.group(1) * 12)

    def checked():
        result = run_cli(
            "check",
            "--content",
            str(content),
            python_options=("-X", "importtime"),
            env={"HANDOUTS_CACHE": str(tmp_path / "cache")},
        )
        timings = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
        report = [line for line in result.stderr.splitlines() if line not in timings]
        return (
            result.returncode,
            result.stdout,
            report,
            any(line.split("|")[-1].strip() == "reportlab" for line in timings),
        )

    cold = checked()
    assert cold[0] == 0 and cold[3]
    assert checked() == (*cold[:3], False)
    path.write_text(longer, encoding="utf-8")
    over = checked()
    assert over[0] == 1 and over[3] and any("over the budget" in line for line in over[2])
    assert checked() == (*over[:3], False)
    path.write_text(original, encoding="utf-8")
    assert checked() == (*cold[:3], False)


def test_forbidden_claims_in_english_and_japanese(tmp_path):
    content = write_content(tmp_path)
    en = content / "en" / "conditions" / "back-ache.yaml"
    edit(en, "disclaimer: ", "disclaimer: This will cure your sciatica. ")
    ja = content / "ja" / "conditions" / "knee-ache.yaml"
    edit(ja, "summary: ", "summary: はりで治ります。")
    result = check(content)
    assert_error_at(
        result,
        en,
        *place_of(en, "cure your"),
        r"forbidden claim 'cure': handouts inform, they never promise",
    )
    assert_error_at(result, ja, *place_of(ja, "治ります"), r"forbidden claim '治ります'")
    assert "hint: say what it may help with" in result.stderr


def test_half_width_brackets_in_a_language_that_writes_them_full_width(tmp_path):
    """ja's language.yaml asks for full-width brackets (（血栓）): a half-width one is named at
    its place with the one to write; English keeps its own; without the setting, no report."""
    content = write_content(tmp_path)
    ja = content / "ja" / "conditions" / "knee-ache.yaml"
    edit(ja, "summary: ", "summary: 血のかたまり(血栓)です。")
    en = content / "en" / "conditions" / "back-ache.yaml"
    edit(en, "disclaimer: ", "disclaimer: A blood clot (thrombosis). ")
    result = check(content)
    assert_error_at(
        result,
        ja,
        *place_of(ja, "(血栓"),
        r"ja: half-width bracket '\(' in a language that writes brackets full-width",
    )
    assert_error_at(result, ja, *place_of(ja, ")です"), r"ja: half-width bracket '\)'")
    assert "hint: write '（' (language.yaml full_width_brackets)" in result.stderr
    assert f"{en}:" not in result.stderr, result.stderr
    language = content / "ja" / "language.yaml"
    edit(language, "full_width_brackets: true", "full_width_brackets: false")
    assert "half-width bracket" not in check(content).stderr


def test_words_containing_a_forbidden_word_are_allowed(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "back-ache.yaml"
    edit(path, "disclaimer: ", "disclaimer: Keep your records secure and your curiosity alive. ")
    result = check(content)
    assert "forbidden claim" not in result.stderr, result.stderr


def test_old_review_is_a_warning_that_strict_turns_into_failure(tmp_path):
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - 30, 12)  # 30 months ago
    old = datetime.date(year, month + 1, 1)
    content = write_content(tmp_path, reviewed=old)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    result = check(content)
    assert result.returncode == 0, result.stdout + result.stderr
    line, column = place_of(path, "date:")
    assert re.search(
        rf"^{re.escape(str(path))}:{line}:{column}: warning: reviewed on "
        rf"{old.isoformat()}, more than 24 months ago",
        result.stderr,
        re.MULTILINE,
    ), result.stderr
    assert check(content, "--strict").returncode == 1


def list_state(result, slug, lang_column):
    row = next(line for line in result.stdout.splitlines() if line.startswith(slug + " "))
    return row.split()[lang_column]


def test_translation_workflow_stale_then_marked(tmp_path):
    content = write_content(tmp_path)
    edit(content / "en" / "conditions" / "knee-ache.yaml", "\nsummary: ", "\nsummary: In short, ")
    listed = run_cli("list", "--content", str(content))
    assert listed.returncode == 0, listed.stderr
    assert list_state(listed, "knee-ache", 2) == "stale"  # columns: slug, en, ja
    assert list_state(listed, "back-ache", 2) == "ok"
    strict = check(content, "--strict")
    assert strict.returncode == 1 and "is stale" in strict.stderr

    ja = content / "ja" / "conditions" / "knee-ache.yaml"
    marked = run_cli("mark-translated", "--content", str(content), str(ja))
    assert marked.returncode == 0, marked.stderr
    assert list_state(run_cli("list", "--content", str(content)), "knee-ache", 2) == "ok"
    strict = check(content, "--strict")
    assert strict.returncode == 0, strict.stdout + strict.stderr


def test_missing_translation_falls_back_with_a_warning(tmp_path):
    content = write_content(tmp_path)
    (content / "ja" / "conditions" / "back-ache.yaml").unlink()
    result = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "out"),
        "--lang",
        "ja",
        "--condition",
        "back-ache",
        "--kind",
        "aftercare",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(
        r"warning: no ja translation of en/conditions/back-ache\.yaml; "
        r"using the en text",
        result.stderr,
    ), result.stderr
    assert (tmp_path / "out" / "ja" / "back-ache-aftercare.pdf").is_file()
    listed = run_cli("list", "--content", str(content))
    assert list_state(listed, "back-ache", 2) == "missing"
    assert list_state(listed, "knee-ache", 2) != "missing"


def test_fallback_handout_fits_its_page_budget(tmp_path):
    """English text standing in for a missing translation is set in English typography."""
    content = write_content(tmp_path)
    (content / "ja" / "conditions" / "back-ache.yaml").unlink()
    result = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "out"),
        "--lang",
        "ja",
        "--condition",
        "back-ache",
        "--kind",
        "handout",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = tmp_path / "out" / "ja" / "back-ache-handout.pdf"
    text = "".join(pdf_pages_text(pdf))
    english = yaml.safe_load((content / "en" / "conditions" / "back-ache.yaml").read_text())
    japanese_ui = yaml.safe_load((content / "ja" / "ui.yaml").read_text(encoding="utf-8"))
    assert english["title"] in text and japanese_ui["symptoms"] in text
    assert any("NotoSans" in f["name"] for f in fonts(pdf))
    # Each section with English stand-in text says so, once, in Japanese.
    marker = japanese_ui["fallback_marker"]
    assert 4 <= text.count(marker) <= 12, text.count(marker)


def test_fallback_text_blocks_carry_their_language_for_tagging(tmp_path):
    from handouts.compose.composer import compose
    from handouts.content.loader import load_library
    from handouts.render import pdf as render_pdf

    content = write_content(tmp_path)
    (content / "ja" / "conditions" / "back-ache.yaml").unlink()
    library, _ = load_library(content)
    doc = compose(library, "ja", "back-ache", "handout")
    styles = render_pdf.Styles(library.page_style("ja"), doc.typography)
    fallback = render_pdf.Styles(library.page_style("en"), doc.fallback_typography)
    renderer = render_pdf._Renderer(doc, styles, 500, fallback)

    def within(flowables):  # what a wrapper holds too (the sections a box lets go first)
        for f in flowables:
            yield f
            yield from within(getattr(f, "_content", ()))

    blocks = [f for f in within(renderer.flowables(doc.blocks)) if hasattr(f, "lang")]
    english = {f.text for f in blocks if f.lang == "en"}
    assert any("back ache" in t.lower() for t in english)
    ui = yaml.safe_load((content / "ja" / "ui.yaml").read_text(encoding="utf-8"))
    assert [f.lang for f in blocks if f.text == ui["what_it_is"]] == [None]


def test_a_bilingual_edition_over_its_budget_is_reported(tmp_path):
    """`build --edition bilingual` sets the source beside each translation, with twice the
    budget: check lays those documents out too, so that content it passes also builds
    bilingually. The count it reports is the one the build meets."""
    from handouts.compose.editions import compose_pair
    from handouts.content.loader import load_library
    from handouts.deliver.build import document_styles
    from handouts.render.pdf import count_pages

    content = write_content(tmp_path)
    added = {
        "en": "  - The knee aches after a long walk and feels stiff in the morning.\n",
        "ja": "  - 長く歩いたあとにひざが痛み、朝はこわばることがあります。\n",
    }
    paths = {lang: content / lang / "conditions" / "knee-ache.yaml" for lang in added}
    originals = {lang: path.read_text(encoding="utf-8") for lang, path in paths.items()}
    for extra in range(1, 60):
        for lang, text in originals.items():
            block = re.search(r"^what_it_is:\n((?:  - .*\n)+)", text, re.MULTILINE)
            paths[lang].write_text(
                text.replace(block.group(1), block.group(1) + added[lang] * extra),
                encoding="utf-8",
            )
        library = load_library(content)[0]
        doc = compose_pair(library, "en", "ja", "knee-ache", "handout")
        pages = count_pages(doc, *document_styles(library, doc, "a4", False))
        if pages > 4:  # twice the handout's budget of 2
            break
    else:
        raise AssertionError("no length of what_it_is overruns the bilingual budget")
    built = build(
        content,
        tmp_path / "out",
        *("--edition", "bilingual", "--lang", "ja", "--condition", "knee-ache"),
        *("--kind", "handout"),
    )
    assert built.returncode == 1
    assert f"{pages} pages, {pages - 4} over the budget of 4" in built.stdout + built.stderr
    assert_error_at(
        check(content),
        paths["ja"],
        1,
        1,
        r"ja/conditions/knee-ache\.yaml: handout \(bilingual, beside en\) needs "
        rf"{pages} pages on A4, {pages - 4} over the budget of 4",
    )
