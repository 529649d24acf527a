"""The code points of each font file, kept in the cache (fontfiles.code_points, issue #16): the
same as reading the font, whatever the cache holds; an entry for other bytes is never used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handouts import cache
from handouts.content import fontfiles
from handouts.content.fontfiles import CHARSETS, code_points, font_path
from helpers import run_cli

JAPANESE = font_path("BIZUDPGothic", "regular")
LATIN = font_path("NotoSans", "regular")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE", str(folder))
    code_points.cache_clear()
    yield folder
    code_points.cache_clear()


def fresh(path: Path) -> frozenset[int]:
    """What a new process gets (the per-process memory forgotten)."""
    code_points.cache_clear()
    return code_points(path)


def entry(cache_dir: Path) -> Path:
    [found] = (cache_dir / CHARSETS).iterdir()
    return found


def test_cold_warm_and_damaged_entries_give_the_fonts_code_points(cache_dir):
    expected = fontfiles._read_code_points(JAPANESE)
    assert len(expected) > 7000 and ord("坐") in expected
    assert fresh(JAPANESE) == expected  # cold: read and stored
    stored = entry(cache_dir)
    good = stored.read_bytes()
    assert fresh(JAPANESE) == expected  # warm
    assert stored.read_bytes() == good
    data = good
    header_end = data.index(b"\n", len(cache.MAGIC))
    for damaged in (
        data[: len(data) // 2],
        b"",
        data[:-1] + bytes([data[-1] ^ 1]),
        cache.MAGIC + b"0" * 64 + data[data.index(b" ", len(cache.MAGIC)) :],
    ):
        stored.write_bytes(damaged)
        assert fresh(JAPANESE) == expected
        assert stored.read_bytes() == good  # replaced
    # The right key and checksum around something we never write: read from the font.
    key = data[len(cache.MAGIC) : header_end].split(b" ")[0].decode()
    cache.store(CHARSETS, stored.name, key, cache.pack(["not", "code points"]))
    assert fresh(JAPANESE) == expected
    assert stored.read_bytes() == good


def test_an_entry_for_other_bytes_is_not_used(cache_dir, tmp_path):
    """The same path holding another font (replaced in place): its own code points."""
    font = tmp_path / "fonts" / "face.ttf"
    font.parent.mkdir()
    shutil.copyfile(JAPANESE, font)
    assert fresh(font) == fontfiles._read_code_points(JAPANESE)
    shutil.copyfile(LATIN, font)
    assert fresh(font) == fontfiles._read_code_points(LATIN)
    assert ord("坐") not in fresh(font)


def test_the_key_holds_our_code_and_version(cache_dir, monkeypatch):
    key = fontfiles._charset_key(JAPANESE)
    assert key is not None and fontfiles._charset_key(JAPANESE) == key
    monkeypatch.setattr(fontfiles, "__version__", "0.0.0-other")
    assert fontfiles._charset_key(JAPANESE) != key
    monkeypatch.undo()
    monkeypatch.setattr(fontfiles, "__file__", str(Path(cache.__file__)))
    assert fontfiles._charset_key(JAPANESE) != key


def test_a_personal_sheet_leaves_only_font_data(tmp_path):
    """The entries hold the fonts' code points, not the characters of what was printed: the
    same entries after a sheet for another patient."""
    cache_dir = tmp_path / "cache"
    contents = []
    for patient in ("Zebulon Quartermaine-Okonkwo", "鰐淵 千草"):
        result = run_cli(
            "aftercare",
            "--lang",
            "ja",
            "--condition",
            "sciatica",
            "--patient",
            patient,
            "--date",
            "2026-11-21",
            "-o",
            str(tmp_path / "sheet.pdf"),
            env={"HANDOUTS_CACHE": str(cache_dir)},
        )
        assert result.returncode == 0, result.stderr
        contents.append({p.name: p.read_bytes() for p in (cache_dir / CHARSETS).iterdir()})
    assert contents[0] and contents[0] == contents[1]
