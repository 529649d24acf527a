"""The page design as data: content/styles.yaml is checked like any content file, its layers
merge as documented, and a designer's change reaches the PDF without any code change."""

from __future__ import annotations

import re

import pdfscan
from helpers import check, copy_content, edit, place_of, run_cli
from test_checks import assert_error_at


def test_a_mistyped_style_key_is_named_at_its_place(tmp_path):
    content = copy_content(tmp_path)
    path = content / "styles.yaml"
    edit(path, "    margin_left: 15mm", "    margin_lefft: 15mm")
    line, column = place_of(path, "margin_lefft")
    assert_error_at(
        check(content),
        path,
        line,
        column,
        r"unknown key 'margin_lefft' in base\.page \(hint: did you mean 'margin_left'\?\)",
    )


def test_a_bad_length_and_an_unknown_parent_are_errors(tmp_path):
    content = copy_content(tmp_path)
    path = content / "styles.yaml"
    edit(path, "    column_gap: 6mm", "    column_gap: six millimetres")
    edit(path, "    muted: {parent: body, color: muted}", "    muted: {parent: bdy, color: muted}")
    result = check(content)
    line, column = place_of(path, "six millimetres")
    assert_error_at(result, path, line, column, r"base\.page\.column_gap: expected a length")
    assert re.search(r"unknown parent 'bdy'", result.stderr), result.stderr


def test_large_print_below_18_pt_is_refused(tmp_path):
    content = copy_content(tmp_path)
    edit(
        content / "styles.yaml",
        "    body: {size: 18, leading: 1.25}",
        "    body: {size: 16, leading: 1.25}",
    )
    result = check(content)
    assert result.returncode == 1
    assert "body text 16 pt is below 18 pt" in result.stderr


def test_a_language_names_a_style_layer_that_exists(tmp_path):
    content = copy_content(tmp_path)
    path = content / "ja" / "language.yaml"
    edit(path, "style: japanese", "style: japanse")
    line, column = place_of(path, "japanse")
    assert_error_at(
        check(content),
        path,
        line,
        column,
        r"style 'japanse' is not in styles\.yaml \(hint: did you mean 'japanese'\?\)",
    )


def test_a_designer_changes_the_outline_width_without_code(tmp_path):
    """Outline 0.9 pt by default; a designer sets 1.4 pt in styles.yaml, for Japanese only."""
    content = copy_content(tmp_path)
    text = (content / "styles.yaml").read_text(encoding="utf-8")
    (content / "styles.yaml").write_text(
        text.replace("japanese:\n", "japanese:\n  diagram:\n    outline: 1.4\n", 1),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--kind",
        "handout",
        "--condition",
        "sciatica",
    )
    assert result.returncode == 0, result.stderr

    def outline_widths(pdf):
        return {
            round(p.line_width, 2)
            for page in pdfscan.read(pdf)
            for p in page.tagged("/View")
            if p.stroke and abs(p.stroke_gray - 0x22 / 255) < 0.01
        }

    assert outline_widths(out / "ja" / "sciatica-handout.pdf") == {1.4}
    assert outline_widths(out / "en" / "sciatica-handout.pdf") == {0.9}
