"""The font cache (render/fontcache.py): a restored face is reportlab's parsed face, the PDFs do
not depend on the cache's state, and nothing but font data ever enters it.

The first tests are the tripwire for reportlab internals: they compare a face and a font restored
from the cache with freshly parsed ones attribute by attribute, and the font subsets they embed.
If they fail after a reportlab upgrade, fontcache.py needs updating (bump nothing else).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
from pathlib import Path

import pytest
import reportlab
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from handouts import cache
from handouts.content.fontfiles import font_families, font_path
from handouts.render import fontcache
from helpers import ONE_JA_HANDOUT, run_cli

FONT_FILES = sorted(
    {font_path(family, weight) for family in font_families() for weight in ("regular", "bold")}
)
SAMPLE_TEXT = (
    "Sciatica: pain along the sciatic nerve, 12 °C – “quoted” café naïve ½ "
    "坐骨神経痛は、お尻から脚にかけての痛みやしびれです。ツボ（足三里）を押します。"
)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE", str(folder))
    return folder


def entry_path(cache_dir: Path, font: Path) -> Path:
    return cache_dir / fontcache.KIND / fontcache.entry_name(font)


def restored(font: Path) -> TTFontFace:
    """The face as a later process gets it: parsed and stored once, then read back."""
    fontcache.load_face(font)
    face = fontcache.load_face(font)
    assert isinstance(face, fontcache.RestoredFace), "the second load did not use the cache"
    return face


def assert_same_value(name: str, expected, actual) -> None:
    assert type(actual) is type(expected), f"{name}: {type(actual)} != {type(expected)}"
    assert actual == expected, f"{name} differs"
    if isinstance(expected, dict):  # same order too (reportlab iterates some)
        assert list(actual) == list(expected), f"{name}: key order differs"
    if hasattr(expected, "ustr"):
        assert actual.ustr == expected.ustr, f"{name}.ustr differs"


@pytest.mark.parametrize("font", FONT_FILES, ids=lambda p: p.name)
def test_restored_face_equals_parsed_face(cache_dir, font):
    """Every attribute of TTFontFace(path), value and type, is what the cache gives back."""
    fresh, face = TTFontFace(str(font)), restored(font)
    for name, expected in vars(fresh).items():
        actual = getattr(face, name)
        if name == "_pdfScale":  # a function: compare what it computes
            for units in (0, 1, 7, 1000, 2048, -250):
                assert_same_value(f"_pdfScale({units})", expected(units), actual(units))
        else:
            assert_same_value(name, expected, actual)
    extra = set(vars(face)) - set(vars(fresh)) - {"_packed"}
    assert not extra, f"restored face has attributes reportlab does not set: {extra}"
    assert face._packed == {}, "every lazily restored attribute was read above"


@pytest.mark.parametrize("font", FONT_FILES, ids=lambda p: p.name)
def test_restored_font_equals_ttfont(cache_dir, font):
    fresh = TTFont("Probe", str(font))
    made = fontcache.make_font("Probe", restored(font))
    assert set(vars(made)) == set(vars(fresh))
    for name, expected in vars(fresh).items():
        if name == "face":
            continue
        actual = getattr(made, name)
        if name == "encoding":
            assert type(actual) is type(expected) and vars(actual) == vars(expected)
        elif name == "state":  # per-document subsets: none yet
            assert type(actual) is type(expected) and dict(actual) == dict(expected) == {}
        else:
            assert_same_value(name, expected, actual)
    assert made.stringWidth(SAMPLE_TEXT, 12) == fresh.stringWidth(SAMPLE_TEXT, 12)


@pytest.mark.parametrize("font", FONT_FILES, ids=lambda p: p.name)
def test_subsets_are_byte_identical(cache_dir, font):
    """The embedded font programs: every code point the font maps, in subsets of 256, and
    the document's sample text, from a freshly restored face (lazy attributes unread)."""
    fresh = TTFontFace(str(font))
    fontcache.load_face(font)
    face = fontcache.load_face(font)
    mapped = sorted(fresh.charToGlyph)
    subsets = [mapped[start : start + 256] for start in range(0, len(mapped), 256 * 9)]
    subsets.append(sorted(set(map(ord, SAMPLE_TEXT))))
    for subset in subsets:
        assert face.makeSubset(subset) == fresh.makeSubset(subset)


def build(out: Path, cache_dir: Path, *selection: str) -> dict[str, bytes]:
    result = run_cli(
        "build",
        "--force",
        "--jobs",
        "1",
        "--condition",
        "sciatica",
        *selection,
        "--out",
        str(out),
        env={"HANDOUTS_CACHE": str(cache_dir)},
    )
    assert result.returncode == 0, result.stderr
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "random bytes":
        path.write_bytes(random.Random(16).randbytes(len(data)))
    elif how == "flipped byte":
        position = len(data) // 2
        path.write_bytes(data[:position] + bytes([data[position] ^ 1]) + data[position + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "other version":  # a well-formed entry whose key was made by another version
        header_end = data.index(b"\n", len(cache.MAGIC))
        _, digest = data[len(cache.MAGIC) : header_end].split(b" ")
        path.write_bytes(cache.MAGIC + b"0" * 64 + b" " + digest + data[header_end:])
    elif how == "valid but foreign":  # right key and checksum, not a stored face
        _, key = entry_key(path)
        payload = cache.pack({"attributes": {}, "names": {}})
        path.write_bytes(
            cache.MAGIC + f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
        )
    else:
        raise AssertionError(how)


def entry_key(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    header_end = data.index(b"\n", len(cache.MAGIC))
    key, _ = data[len(cache.MAGIC) : header_end].decode().split(" ")
    return data, key


def test_pdfs_identical_with_cold_warm_and_damaged_cache(tmp_path, cache_dir):
    """A Japanese and an English handout, and a personal sheet, whatever state the cache is in;
    a damaged entry is replaced by a good one."""
    selection = ("--lang", "ja", "--lang", "en", "--kind", "handout")
    cold = build(tmp_path / "cold", cache_dir, *selection)
    entries = sorted((cache_dir / fontcache.KIND).iterdir())
    assert {e.name.rsplit("-", 1)[0] for e in entries} == {
        "BIZUDPGothic-Regular",
        "BIZUDPGothic-Bold",
        "NotoSans-Regular",
        "NotoSans-Bold",
    }
    good = {e.name: e.read_bytes() for e in entries}
    assert build(tmp_path / "warm", cache_dir, *selection) == cold
    for how in (
        "truncated",
        "random bytes",
        "flipped byte",
        "empty",
        "other version",
        "valid but foreign",
    ):
        for entry in entries:
            damage(entry, how)
        assert build(tmp_path / how, cache_dir, *selection) == cold, how
        assert {e.name: e.read_bytes() for e in entries} == good, f"{how}: not repaired"
    assert len(cold) == 2


def test_personal_sheet_identical_with_cold_and_warm_cache(tmp_path, cache_dir):
    sheets = []
    for run in ("cold", "warm"):
        target = tmp_path / f"{run}.pdf"
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
            str(target),
            env={"HANDOUTS_CACHE": str(cache_dir)},
        )
        assert result.returncode == 0, result.stderr
        sheets.append(target.read_bytes())
    assert sheets[0] == sheets[1]


def test_entry_of_another_font_file_is_not_used(cache_dir):
    regular, bold = font_path("BIZUDPGothic", "regular"), font_path("BIZUDPGothic", "bold")
    fontcache.load_face(regular)
    entry_path(cache_dir, bold).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(entry_path(cache_dir, regular), entry_path(cache_dir, bold))
    face = fontcache.load_face(bold)
    assert not isinstance(face, fontcache.RestoredFace)  # parsed, not restored
    assert face.name == TTFontFace(str(bold)).name == b"BIZUDPGothic-Bold"
    assert isinstance(fontcache.load_face(bold), fontcache.RestoredFace)  # entry replaced


def test_a_changed_font_file_is_parsed_again(tmp_path, cache_dir):
    """Same path, new bytes: a change to any table parsing reads gives a new key; a change to
    glyph outlines alone keeps the key, and the subsets show the new outlines (they are read
    from the file itself, never from the cache)."""
    font = tmp_path / "Probe-Regular.ttf"
    shutil.copy(font_path("NotoSans", "regular"), font)
    fontcache.load_face(font)
    data = bytearray(font.read_bytes())
    directory = {
        data[at : at + 4].decode(): int.from_bytes(data[at + 8 : at + 12], "big")
        for at in range(12, 12 + 16 * int.from_bytes(data[4:6], "big"), 16)
    }

    hmtx = directory["hmtx"]  # first glyph's advance width: parsing reads it
    data[hmtx : hmtx + 2] = (int.from_bytes(data[hmtx : hmtx + 2], "big") + 1).to_bytes(2, "big")
    font.write_bytes(data)
    face = fontcache.load_face(font)
    assert not isinstance(face, fontcache.RestoredFace)
    assert face.hmetrics == TTFontFace(str(font)).hmetrics

    before = TTFontFace(str(font))
    glyph = before.charToGlyph[ord("A")]
    data[directory["glyf"] + before.glyphPos[glyph] + 3] ^= 0x01  # A's xMin, low byte
    font.write_bytes(data)
    face = fontcache.load_face(font)
    assert isinstance(face, fontcache.RestoredFace)
    fresh = TTFontFace(str(font))
    assert face.makeSubset([ord("A")]) == fresh.makeSubset([ord("A")])
    assert face.makeSubset([ord("A")]) != before.makeSubset([ord("A")])


def test_entry_from_another_reportlab_or_handouts_version_is_not_used(cache_dir, monkeypatch):
    font = font_path("NotoSans", "bold")
    fontcache.load_face(font)
    _, first_key = entry_key(entry_path(cache_dir, font))
    monkeypatch.setattr(reportlab, "Version", reportlab.Version + ".other")
    assert not isinstance(fontcache.load_face(font), fontcache.RestoredFace)
    _, second_key = entry_key(entry_path(cache_dir, font))
    monkeypatch.setattr(fontcache, "__version__", "0.0.0-other")
    assert not isinstance(fontcache.load_face(font), fontcache.RestoredFace)
    _, third_key = entry_key(entry_path(cache_dir, font))
    assert len({first_key, second_key, third_key}) == 3


def test_unwritable_cache_costs_time_only(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    out = tmp_path / "out"
    result = run_cli(
        *ONE_JA_HANDOUT,
        "--out",
        str(out),
        env={"HANDOUTS_CACHE": str(blocked)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    reference = build(
        tmp_path / "reference", tmp_path / "cache", "--lang", "ja", "--kind", "handout"
    )
    assert (out / "ja" / "sciatica-handout.pdf").read_bytes() == reference[
        os.path.join("ja", "sciatica-handout.pdf")
    ]


def test_cache_goes_where_handouts_cache_says(tmp_path):
    folder = tmp_path / "elsewhere"
    result = run_cli(
        "build",
        "--force",
        "--jobs",
        "1",
        "--lang",
        "en",
        "--condition",
        "sciatica",
        "--kind",
        "aftercare",
        "--out",
        str(tmp_path / "out"),
        env={"HANDOUTS_CACHE": str(folder)},
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name.rsplit("-", 1)[0] for p in (folder / fontcache.KIND).iterdir()) == [
        "NotoSans-Bold",
        "NotoSans-Regular",
    ]


def test_each_font_file_is_loaded_once_per_process(cache_dir, monkeypatch):
    from handouts.content.loader import load_library
    from handouts.deliver.build import Job, render_one
    from handouts.render import fonts
    from helpers import CONTENT

    loaded = []
    real = fontcache.load_face
    monkeypatch.setattr(fontcache, "load_face", lambda path: loaded.append(path) or real(path))
    fonts._family.cache_clear()
    library, _ = load_library(CONTENT)
    for job in (
        Job("ja", "sciatica", "handout"),
        Job("ja", "leg-pain", "aftercare"),
        Job("en", "sciatica", "handout"),
        Job("ja", "sciatica", "handout"),
    ):
        render_one(library, job)
    assert sorted(loaded) == FONT_FILES


def test_table_window_slices_like_the_table(cache_dir):
    font = font_path("BIZUDPGothic", "bold")
    fresh, face = TTFontFace(str(font)), restored(font)
    table, window = fresh.get_table("glyf"), face.get_table("glyf")
    assert isinstance(window, fontcache.TableWindow) and len(window) == len(table)
    for start, stop in (
        (0, 10),
        (1000, 1000),
        (len(table) - 5, len(table) + 5),
        (-7, -2),
        (None, 12),
        (5, 3),
    ):
        assert window[start:stop] == table[start:stop]
    assert window[0] == table[0] and window[-1] == table[-1]
    with pytest.raises(IndexError):
        window[len(table)]


def test_subset_falls_back_to_the_plain_table(cache_dir, monkeypatch):
    """If reportlab ever uses the glyf table in a way the window does not serve, subsets are
    still right (made from the table's bytes), and the face remembers to use them."""
    font = font_path("NotoSans", "regular")
    fresh, face = TTFontFace(str(font)), restored(font)

    def unusable(self, index):
        raise TypeError("not like this")

    monkeypatch.setattr(fontcache.TableWindow, "__getitem__", unusable)
    subset = sorted(set(map(ord, SAMPLE_TEXT)) & set(fresh.charToGlyph))
    assert face.makeSubset(subset) == fresh.makeSubset(subset)
    assert face.plain_glyf
