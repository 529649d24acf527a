"""Hostile content through the real CLI: every problem is one located error (or warning), in
bounded time, with no traceback and nothing written.

Families (issue #10): unbounded work, positions for every problem, empty and odd files.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
import yaml

from helpers import CONTENT, copy_content, place_of
from hostile import assert_one_error_at, nothing_in, run

SCIATICA = Path("en") / "conditions" / "sciatica.yaml"


def check(content: Path, *options: str, bound: float = 30):
    return run("check", "--content", str(content), *options, bound=bound)


def build(content: Path, out: Path, bound: float = 60):
    return run(
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--lang",
        "en",
        "--condition",
        "sciatica",
        "--jobs",
        "1",
        bound=bound,
    )


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- unbounded work ----------------------------------------------------------------------------


def test_a_huge_text_value_is_refused_quickly_at_its_place(tmp_path):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    replace_in(path, "title: Sciatica", "title: " + "Sciatica" * 28_125)  # 225,000 characters
    message = assert_one_error_at(check(content), path, 1, 8, "title", "225000 characters")
    assert "150" in message
    out = tmp_path / "out"
    assert_one_error_at(build(content, out), path, 1, 8, "225000 characters")
    assert nothing_in(out)


def test_a_file_too_large_to_be_content_is_named(tmp_path):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("# padding\n" * 40_000)  # 400 KB of comments
    assert_one_error_at(check(content), path, 1, 1, "the file has 40", "at most 256 KB")


@pytest.mark.parametrize("label", ["{page:>1000000000}", "{page!r}", "{pages:{page}}"])
def test_a_label_placeholder_with_a_format_is_refused_at_the_brace(tmp_path, label):
    content = copy_content(tmp_path)
    path = content / "en" / "ui.yaml"
    replace_in(path, 'page: "Page {page} of {pages}"', f'page: "Page {label} of {{pages}}"')
    line, column = place_of(path, label)
    message = assert_one_error_at(
        check(content, bound=20), path, line, column, "page:", "has a format"
    )
    assert "write just {page" in message
    if label.startswith("{page:>"):
        out = tmp_path / "out"
        assert build(content, out, bound=20).returncode == 1
        assert nothing_in(out)


# --- positions for every problem -----------------------------------------------------------------


def _nul(text):
    return text.replace("title: Sciatica", "title: Sci\0atica", 1), "Sci\0atica", 3


def _tab(text):
    return text.replace("\n  - Sharp", "\n\t- Sharp", 1), "\t- Sharp", 0


def _nesting(text):
    return text + "extra: " + "{a: " * 500 + "1" + "}" * 500 + "\n", "extra:", None


def _tag_on_list(text):
    return text.replace("symptoms:\n", "symptoms: !!python/tuple\n", 1), "!!python/tuple", 0


def _tag_on_mapping(text):
    return (
        text.replace("see_a_doctor:\n", "see_a_doctor: !!python/object:os.system\n", 1),
        "!!python/object",
        0,
    )


def _tag_on_text(text):
    return text.replace("title: Sciatica", "title: !!binary U2NpYXRpY2E=", 1), "!!binary", 0


def _local_tag_on_item(text):
    return text.replace("\n  - Sharp", "\n  - !danger Sharp", 1), "!danger", 0


@pytest.mark.parametrize(
    "damage, words",
    [
        (_nul, ["NUL byte (U+0000)"]),
        (_tab, ["tab character"]),
        (_nesting, ["nested more than 32 levels"]),
        (_tag_on_list, ["!!python/tuple on a list"]),
        (_tag_on_mapping, ["!!python/object:os.system on a mapping"]),
        (_tag_on_text, ["!!binary on a value"]),
        (_local_tag_on_item, ["!danger on a value"]),
    ],
    ids=["nul", "tab", "nesting", "tag-list", "tag-mapping", "tag-text", "tag-item"],
)
def test_yaml_damage_is_one_error_at_its_place(tmp_path, damage, words):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    text, needle, offset = damage(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    line, column = place_of(path, needle)
    assert_one_error_at(
        check(content), path, line, None if offset is None else column + offset, *words
    )


def test_a_tagged_list_also_stops_build_and_writes_nothing(tmp_path):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    replace_in(path, "symptoms:\n", "symptoms: !!python/tuple\n")
    out = tmp_path / "out"
    assert_one_error_at(
        build(content, out), path, *place_of(path, "!!python/tuple"), "!!python/tuple"
    )
    assert nothing_in(out)


@pytest.mark.parametrize(
    "file, old, new, needle, words",
    [
        (
            "styles.yaml",
            "body: {size: 12, leading",
            "body: {size: 4, leading",
            "4",
            ["size", "out of range"],
        ),
        (
            "styles.yaml",
            "leading: 1.35, bold",
            "leading: .inf, bold",
            ".inf",
            ["leading", "out of range"],
        ),
        (
            "styles.yaml",
            "margin_top: 8mm",
            "margin_top: .nan",
            ".nan",
            ["margin_top", "expected a length"],
        ),
        (
            "styles.yaml",
            "margin_bottom: 6.5mm",
            "margin_bottom: 99999",
            "99999",
            ["margin_bottom", "at most 2000 points"],
        ),
        (
            "handouts.yaml",
            "source_language: en",
            "source_language: en\nreview_max_months: true",
            "true",
            ["review_max_months", "expected a number"],
        ),
        (
            "points.yaml",
            "    x: 125.0",
            "    x: 900.5",
            "900.5",
            ["GB30", "x 900.5 is outside view"],
        ),
        (
            "points.yaml",
            "    bilateral: true",
            "    bilateral: maybe",
            "maybe",
            ["bilateral", "true or false"],
        ),
    ],
    ids=["body_size", "leading", "nan-length", "huge-length", "int", "x-outside-view", "bool"],
)
def test_non_text_fields_are_reported_at_their_value(tmp_path, file, old, new, needle, words):
    content = copy_content(tmp_path)
    path = content / file
    replace_in(path, old, new)
    line, column = place_of(path, new.splitlines()[-1])
    column += new.splitlines()[-1].index(needle)
    assert_one_error_at(check(content), path, line, column, *words)


def test_every_field_value_keeps_its_place():
    """Numbers, booleans and dates (not only texts) know where they were written."""
    import dataclasses

    from handouts.content.loader import load_library
    from handouts.content.schema import where

    library, _ = load_library(CONTENT)
    seen = set()

    def visit(obj):
        if dataclasses.is_dataclass(obj) and id(obj) not in seen:
            seen.add(id(obj))
            for field in dataclasses.fields(obj):
                value = getattr(obj, field.name)
                mark = where(obj, field.name)
                if (
                    mark is not None
                    and mark != where(obj)
                    and value is not None
                    and isinstance(value, (bool, int, float, datetime.date))
                ):
                    line = Path(mark.path).read_text(encoding="utf-8").splitlines()[mark.line - 1]
                    token = line[mark.column - 1 :].split(" #")[0].strip()
                    assert yaml.safe_load(token) == value, (mark, token, value)
                    checked.append(field.name)
                visit(value)
        elif isinstance(obj, dict):
            for item in obj.values():
                visit(item)
        elif isinstance(obj, (list, tuple)):
            for item in obj:
                visit(item)

    checked: list[str] = []
    visit(library.languages)
    visit([library.settings, library.clinic, library.registry])
    assert {"min_last_line", "bilateral", "x", "y", "date", "words"} <= set(checked)


# --- broken artwork ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage, needle, words",
    [
        (lambda t: t[: len(t) // 2], None, ["not well-formed XML"]),
        (
            lambda t: t.replace('<g id="details">', '<g id="details" style="fill:red">'),
            '<g id="details"',
            ["attribute style on <g>"],
        ),
        (
            lambda t: t.replace("</svg>", '  <image href="file:///etc/passwd"/>\n</svg>'),
            "<image",
            ["<image> is not allowed"],
        ),
        (lambda t: t.replace('x1="111.0"', 'x1="1e999"'), 'x1="1e999"', ["not a number"]),
        (
            lambda t: t.replace('d="M 70.3,75.8 C', 'd="M 70.3,75.8 C 1,2'),
            'd="M 70.3,75.8 C 1,2',
            ["path data", "C needs 6 numbers"],
        ),
        (lambda t: '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>\n' + t, "<!DOCTYPE", ["DOCTYPE"]),
    ],
    ids=["truncated", "style", "image", "number", "path", "doctype"],
)
def test_broken_svg_is_named_with_its_line(tmp_path, damage, needle, words):
    content = copy_content(tmp_path)
    path = content / "diagrams" / "hand-back.svg"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    outcome = check(content)
    line = place_of(path, needle)[0] if needle else None
    assert_one_error_at(outcome, path, line or int(outcome.diagnostics()[0]["line"]), None, *words)
    if needle is None:  # truncated: the error is at the end of what is left
        assert (
            int(outcome.diagnostics()[0]["line"])
            >= len(path.read_text(encoding="utf-8").splitlines()) - 1
        )
        out = tmp_path / "out"
        assert build(content, out).returncode == 1
        assert nothing_in(out)


# --- empty and odd files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("", ["the file is empty"]),
        ("# a comment\n\n   # another\n", ["only comments"]),
    ],
    ids=["empty", "comments"],
)
def test_an_empty_content_file_is_an_error_naming_it(tmp_path, text, words):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    path.write_text(text, encoding="utf-8")
    assert_one_error_at(check(content), path, 1, 1, *words)
    out = tmp_path / "out"
    assert_one_error_at(build(content, out), path, 1, 1, *words)
    assert nothing_in(out)


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.yaml").write_text("title: x\n", encoding="utf-8")


def _link_loop(path: Path) -> None:
    path.unlink()
    os.symlink(path.name + ".other", path)
    os.symlink(path.name, path.with_name(path.name + ".other"))


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # reading it would wait forever


def _dangling(path: Path) -> None:
    path.unlink()
    os.symlink("nowhere.yaml", path)


@pytest.mark.parametrize("relative", ["en/ui.yaml", str(SCIATICA)])
@pytest.mark.parametrize(
    "make, words",
    [
        (_directory, ["this is a directory, not a file"]),
        (_link_loop, ["symbolic link loop"]),
        (_fifo, ["pipe"]),
        (_dangling, ["symbolic link to nothing (nowhere.yaml)"]),
    ],
    ids=["directory", "loop", "fifo", "dangling"],
)
def test_an_odd_file_is_named_as_such(tmp_path, relative, make, words):
    content = copy_content(tmp_path)
    path = content / relative
    make(path)
    assert_one_error_at(check(content, bound=20), path, 1, 1, *words)
    if make is _fifo:
        out = tmp_path / "out"
        assert_one_error_at(build(content, out, bound=20), path, 1, 1, *words)
        assert nothing_in(out)


@pytest.mark.parametrize(
    "value",
    ['"\\u200b\\u200d"', '"\\u2028 \\u3164"', '"\\x01 \\x02"'],
    ids=["zero-width", "separators", "controls"],
)
def test_a_text_of_only_invisible_or_control_characters_is_empty(tmp_path, value):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    replace_in(path, "title: Sciatica", f"title: {value}")
    assert_one_error_at(check(content), path, 1, 8, "title", "text is empty")


@pytest.mark.parametrize(
    "char, words",
    [
        ("\u202e", ["U+202E (RIGHT-TO-LEFT OVERRIDE)", "reorders"]),
        ("\u200b", ["U+200B (ZERO WIDTH SPACE)", "invisible"]),
    ],
)
def test_bidi_and_zero_width_characters_are_warnings_at_their_place(tmp_path, char, words):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    replace_in(path, "title: Sciatica", f"title: Scia{char}tica")
    outcome = check(content, bound=120)
    assert outcome.returncode == 0, outcome.stderr
    # (the translations of the changed title are stale: warned at their own files)
    warnings = [
        w
        for w in outcome.diagnostics("warning")
        if "title" in w.string and "is stale" not in w.string
    ]
    assert len(warnings) == 1, outcome.stderr
    assert (
        os.path.abspath(warnings[0]["path"]),
        int(warnings[0]["line"]),
        int(warnings[0]["col"]),
    ) == (os.path.abspath(path), 1, 12)
    for word in words:
        assert word in warnings[0].string
    assert check(content, "--strict", bound=120).returncode == 1


def test_control_characters_escaped_inside_text_are_errors(tmp_path):
    content = copy_content(tmp_path)
    path = content / SCIATICA
    replace_in(path, "title: Sciatica", 'title: "Sci\\x07atica"')
    assert_one_error_at(check(content), path, 1, 8, "control character U+0007")


def test_bundled_content_has_no_invisible_characters():
    outcome = run("check", bound=120)
    assert outcome.returncode == 0, outcome.stderr
    assert not [w for w in outcome.diagnostics("warning") if "U+" in w.string]


# --- property: whatever an SVG holds, checking it only reports ---------------------------------

from hypothesis import (  # noqa: E402
    HealthCheck,
    given,
    settings,
    strategies as st,
)

SVG_TEXT = (CONTENT / "diagrams" / "hand-back.svg").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(SVG_TEXT)),
            st.integers(0, 40),
            st.sampled_from(
                [
                    "",
                    "<",
                    ">",
                    '"',
                    "&",
                    "<g>",
                    "</g>",
                    "<!DOCTYPE x>",
                    "\0",
                    'style="a"',
                    ' d="M"',
                    "1e999",
                    "-",
                    "<text>",
                    "]]>",
                    "<?pi?>",
                    "\u202e",
                ]
            ),
        ),
        max_size=4,
    )
)
def test_check_view_reports_instead_of_raising(tmp_path_factory, edits):
    from handouts.content.artwork import check_view
    from handouts.errors import Diagnostics

    text = SVG_TEXT
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    path = tmp_path_factory.mktemp("svg") / "view.svg"
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    size = check_view(path, diagnostics)
    assert (size is None) == bool(diagnostics.errors)
    for diagnostic in diagnostics:
        assert diagnostic.mark.line >= 1 and diagnostic.mark.column >= 1


def test_long_numbers_in_artwork_are_checked_in_linear_time(tmp_path):
    """A regular expression that can split "1234" two ways backtracks exponentially."""
    content = copy_content(tmp_path)
    path = content / "diagrams" / "hand-back.svg"
    digits = "1" * 100_000
    replace_in(path, 'd="M 70.3,75.8 C', f'd="M 70.3,{digits}x C')
    replace_in(path, 'x1="111.0"', f'x1="{digits}x"')
    outcome = check(content, bound=20)
    assert outcome.returncode == 1 and len(outcome.diagnostics()) == 2, outcome.stderr
