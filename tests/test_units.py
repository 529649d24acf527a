"""Unit tests of the small modules on real inputs: yamlsrc (positions), schema (building and
hints), output (atomic writes, the lock), translation (hashes), render/columns (layout)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from reportlab.platypus import Flowable

from handouts.errors import Diagnostics, HandoutsError

# -- yamlsrc: every value knows its line and column ---------------------------------------------
SOURCE = 'title: Knee ache\npoints:\n  - code: ST36\n    why: "Used for\n      tired legs."\n'


def load(tmp_path: Path, text: str):
    from handouts.content.yamlsrc import load_yaml

    path = tmp_path / "file.yaml"
    path.write_bytes(text.encode("utf-8"))
    diagnostics = Diagnostics()
    return load_yaml(path, diagnostics), diagnostics


def place(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle`, counted here, independently of the loader."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def test_values_keep_their_line_and_column(tmp_path):
    data, diagnostics = load(tmp_path, SOURCE)
    assert not diagnostics
    title, code = data["title"], data["points"][0]["code"]
    assert (title.mark.line, title.mark.column) == place(SOURCE, "Knee ache")
    assert (code.mark.line, code.mark.column) == place(SOURCE, "ST36")
    # A character inside a value that spans lines: "tired" is on the file's 5th line.
    why = data["points"][0]["why"]
    at = why.mark_of(why.index("tired"))
    assert (at.line, at.column) == place(SOURCE, "tired")


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "the file is empty"),
        ("# only a comment\n", "only comments"),
        ("title: a\n\tpoints: []\n", "tab character"),
        ("title: [unclosed\n", "YAML syntax"),
    ],
)
def test_broken_files_are_one_positioned_error(tmp_path, text, message):
    data, diagnostics = load(tmp_path, text)
    assert data is None and len(diagnostics.errors) == 1
    assert message in diagnostics.errors[0].message
    assert diagnostics.errors[0].mark.path == str(tmp_path / "file.yaml")
    if "\t" in text:
        assert (diagnostics.errors[0].mark.line, diagnostics.errors[0].mark.column) == (2, 1)


# -- schema: dataclasses from YAML, hints -------------------------------------------------------
def test_a_mistyped_value_is_an_error_at_its_place(tmp_path):
    from handouts.content.model import PointEntry
    from handouts.content.schema import build

    text = "meridian: Liver\nview: test-body\nx: left\ny: 20\n"
    data, _ = load(tmp_path, text)
    diagnostics = Diagnostics()
    build(PointEntry, data, None, diagnostics, "LR3")
    (error,) = diagnostics.errors
    assert (error.mark.line, error.mark.column) == place(text, "left")
    assert "x" in error.message


def test_an_unknown_key_gets_a_did_you_mean(tmp_path):
    from handouts.content.model import PointEntry
    from handouts.content.schema import build

    data, _ = load(tmp_path, "meridan: Liver\n")
    diagnostics = Diagnostics()
    build(PointEntry, data, None, diagnostics, "LR3")
    assert any(d.hint == "did you mean 'meridian'?" for d in diagnostics.errors), diagnostics


def test_a_point_code_hint_names_the_code_an_alias_stands_for():
    from handouts.content.schema import suggest_code

    # DESIGN.md section 2's example: LV03 -> "did you mean LR3?" (LV3 is LR3's alias).
    assert suggest_code("LV03", {"LR3": None, "ST36": None}, {"LV3": "LR3"}) == "did you mean LR3?"
    assert suggest_code("QQ99", {"LR3": None}, {}) is None


# -- output: atomic writes and the lock ---------------------------------------------------------
def test_write_atomic_replaces_whole_files_and_leaves_no_temporaries(tmp_path):
    from handouts.output import write_atomic

    target = tmp_path / "deep" / "sheet.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second", mode=0o600)
    assert target.read_bytes() == b"second"
    if sys.platform != "win32":
        assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["sheet.pdf"]


def test_write_atomic_into_a_file_is_a_clear_error(tmp_path):
    from handouts.output import write_atomic

    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    with pytest.raises(HandoutsError, match="cannot write"):
        write_atomic(blocker / "sheet.pdf", b"data")
    assert blocker.read_bytes() == b"x"


def test_the_lock_is_held_inside_and_gone_after(tmp_path):
    from handouts.output import exclusive

    lock = tmp_path / ".lock"
    with exclusive(lock, timeout=1):
        assert lock.read_text(encoding="utf-8").split()[0] == str(os.getpid())
    assert not lock.exists()


# -- translation: what a translation was made from ----------------------------------------------
def test_the_source_hash_counts_text_not_formatting_or_bookkeeping(tmp_path):
    from handouts.content.translation import source_hash

    one, _ = load(tmp_path, "title: Knee ache\nbullets: [a, b]\n")
    same, _ = load(
        tmp_path,
        "# a comment\ntitle:   'Knee ache'\nbullets:\n  - a\n  - b\n"
        "translated_from: 0123456789ab\nreview: {by: X}\n",
    )
    other, _ = load(tmp_path, "title: Knee pain\nbullets: [a, b]\n")
    assert source_hash(one) == source_hash(same) != source_hash(other)
    assert len(source_hash(one)) == 12


def test_record_keys_keeps_comments_and_layout(tmp_path):
    from handouts.content.translation import record_keys

    path = tmp_path / "sciatica.yaml"
    original = "# translator's note\ntranslated_from: 000000000000\ntitle: 坐骨神経痛\n"
    path.write_text(original, encoding="utf-8")
    hashes = {"title": "abcdef01", "red_flags.1": "12345678"}
    assert record_keys(path, hashes) is True
    record = (
        "translated_from:  # the source text of each key, as translated "
        '(handouts mark-translated)\n  title: abcdef01\n  red_flags.1: "12345678"\n'
    )
    assert path.read_text(encoding="utf-8") == "# translator's note\ntitle: 坐骨神経痛\n" + record
    assert record_keys(path, hashes) is False  # nothing to change
    assert record_keys(path, {"title": "fedcba98"}) is True  # replaced where it stands
    assert path.read_text(encoding="utf-8") == (
        "# translator's note\ntitle: 坐骨神経痛\n"
        + record.split("  title")[0]
        + "  title: fedcba98\n"
    )
    loaded, _ = load(tmp_path, path.read_text(encoding="utf-8"))
    assert loaded["translated_from"] == {"title": "fedcba98"}


def test_key_hashes_name_each_value_by_its_path(tmp_path):
    from handouts.content.translation import key_hashes

    data, _ = load(
        tmp_path, "title: Knee ache\nsections:\n  - heading: A\n    body: [x, y]\nreview: {by: X}\n"
    )
    hashes = key_hashes(data)
    assert list(hashes) == ["title", "sections.0.heading", "sections.0.body.0", "sections.0.body.1"]
    changed, _ = load(tmp_path, "title: Knee ache\nsections:\n  - heading: A\n    body: [x, z]\n")
    assert [k for k, v in key_hashes(changed).items() if hashes[k] != v] == ["sections.0.body.1"]


# -- render/columns: side by side, split across pages -------------------------------------------
class Block(Flowable):
    """A fixed-size flowable that remembers where it was drawn."""

    def __init__(self, height: float, drawn: list | None = None):
        super().__init__()
        self.block_height, self.drawn = height, drawn

    def wrap(self, avail_width, avail_height):
        return avail_width, self.block_height

    def draw(self):
        if self.drawn is not None:
            self.drawn.append((self.block_height, self.canv.absolutePosition(0, 0)))


def test_columns_are_as_tall_as_the_tallest_and_drawn_top_down(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    from handouts.render.columns import Columns

    drawn: list = []
    columns = Columns([[Block(30, drawn)], [Block(50, drawn), Block(20, drawn)]], 100, 10)
    assert columns.wrap(210, 1000) == (210, 70)
    canvas = Canvas(str(tmp_path / "c.pdf"))
    columns.drawOn(canvas, 0, 0)
    assert drawn == [(30, (0, 40)), (50, (110, 20)), (20, (110, 0))]


def test_side_by_side_splits_each_column_where_the_page_ends():
    from handouts.render.columns import SideBySide

    pair = SideBySide([Block(40), Block(40)], [Block(30)], (100, 100), 10)
    assert pair.wrap(210, 1000) == (210, 80)
    head, tail = pair.split(210, 50)
    assert head.wrap(210, 1000)[1] == 40 and tail.wrap(210, 1000)[1] == 40
    assert pair.split(210, 10) == []  # nothing fits: the pair moves on whole
