"""The row-layout cache (render/layoutcache.py): stored badge positions are used, the PDFs do not
depend on the cache's state, a changed view file is laid out again, and a personal sheet's rows
(which points were treated) never reach the cache."""

from __future__ import annotations

import pytest

import test_fontcache as fonts
from handouts import cache
from handouts.render import layoutcache
from helpers import copy_content, run_cli

SELECTION = ("--lang", "ja", "--lang", "en", "--kind", "handout")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE", str(folder))
    return folder


def entries(cache_dir):
    return sorted((cache_dir / layoutcache.KIND).iterdir())


def test_pdfs_identical_with_cold_warm_and_damaged_entries(tmp_path, cache_dir):
    cold = fonts.build(tmp_path / "cold", cache_dir, *SELECTION)
    stored = entries(cache_dir)
    assert stored, "a handout's rows were not stored"
    good = {e.name: e.read_bytes() for e in stored}
    assert fonts.build(tmp_path / "warm", cache_dir, *SELECTION) == cold
    for how in (
        "truncated",
        "random bytes",
        "flipped byte",
        "empty",
        "other version",
        "valid but foreign",
    ):
        for entry in stored:
            fonts.damage(entry, how)
        assert fonts.build(tmp_path / how, cache_dir, *SELECTION) == cold, how
        assert {e.name: e.read_bytes() for e in entries(cache_dir)} == good, f"{how}: not repaired"


def test_stored_positions_are_the_ones_drawn(tmp_path, cache_dir):
    """A well-formed entry with other badge positions changes the PDF: the warm run reads it."""
    cold = fonts.build(tmp_path / "cold", cache_dir, *SELECTION)
    for entry in entries(cache_dir):
        _, key = fonts.entry_key(entry)
        badges, sides = cache.unpack(cache.load(layoutcache.KIND, entry.name, key))
        moved = {number: (x + 3.0, y) for number, (x, y) in badges.items()}
        cache.store(layoutcache.KIND, entry.name, key, cache.pack([moved, sides]))
    assert fonts.build(tmp_path / "moved", cache_dir, *SELECTION) != cold


def test_a_changed_view_file_is_laid_out_again(tmp_path, cache_dir):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    args = (
        "build",
        "--force",
        "--jobs",
        "1",
        "--condition",
        "sciatica",
        *SELECTION,
        "--content",
        str(content),
        "--out",
        str(out),
    )
    assert run_cli(*args).returncode == 0
    before = {e.name for e in entries(cache_dir)}
    for svg in (content / "diagrams").glob("*.svg"):
        svg.write_bytes(svg.read_bytes() + b"<!-- edited -->\n")
    assert run_cli(*args).returncode == 0
    after = {e.name for e in entries(cache_dir)}
    assert after - before and len(after) == 2 * len(before)


def test_a_personal_sheet_stores_no_layout(tmp_path, cache_dir):
    result = run_cli(
        "aftercare",
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--patient",
        "山田 花子",
        "--date",
        "2026-11-21",
        "--points",
        "GB30,LR3",
        "-o",
        str(tmp_path / "sheet.pdf"),
    )
    assert result.returncode == 0, result.stderr
    assert (cache_dir / "views").is_dir()  # the cache was used, for what is generic
    assert not (cache_dir / layoutcache.KIND).exists()
