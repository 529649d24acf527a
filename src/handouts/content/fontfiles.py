"""Where the bundled fonts live, which families exist, and what a font file maps.

No reportlab here: `check` asks which characters a font has (`charset`) by reading only the
file's table directory and its cmap table, which takes a millisecond or two.
"""

from __future__ import annotations

import array
import functools
import hashlib
import struct
import sys
from pathlib import Path

from handouts import __version__, cache

# Unicode cmap subtables, best first: (platform, encoding). Full-repertoire tables (format 12 or
# 13) come before BMP-only ones; Windows symbol fonts (3, 0) are mapped as they are.
UNICODE_CMAPS = [(3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0), (3, 0)]


@functools.cache
def fonts_dir() -> Path:
    """The font folder: installed with the package, or the repository's fonts/ in a checkout."""
    packaged = Path(__file__).parent.parent / "fonts"
    if (packaged / "fonts.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "fonts"


@functools.cache
def font_families() -> dict[str, dict[str, str]]:
    """Family name -> {"regular": file, "bold": file}, from fonts/fonts.yaml."""
    from handouts.content.yamlsrc import read_yaml

    return read_yaml(fonts_dir() / "fonts.yaml")


def font_path(family: str, weight: str) -> Path:
    return fonts_dir() / font_families()[family][weight]


def charset(family: str, weight: str) -> frozenset[int]:
    """The code points the family's regular or bold file maps to a glyph (never .notdef).

    Cached per process: callers may ask once per character (check does)."""
    return _charset(str(family), weight)  # str(): a Text would miss the cache


@functools.cache
def _charset(family: str, weight: str) -> frozenset[int]:
    return code_points(font_path(family, weight))


class FontFileError(ValueError):
    """A file that is not a TrueType font we can read."""


@functools.cache
def code_points(path: Path) -> frozenset[int]:
    """Code points mapped to a real glyph by the file's best Unicode cmap subtable.

    Kept in the cache (kind "charsets", one entry per file) under the file's SHA-256 (which
    cache.file_digest remembers by the file's stat signature), our version and this module's
    code: reading a Japanese font's 11,000 mappings costs a cold start ~3 ms a file. A damaged
    entry, or one made for other bytes or code, is read again from the font."""
    key = _charset_key(path)
    name = hashlib.sha256(str(Path(path).resolve()).encode("utf-8", "surrogateescape"))
    if key is not None:
        entry = cache.load(CHARSETS, name.hexdigest(), key)
        if entry is not None:
            try:
                stored = cache.unpack(entry)
                if type(stored) is list and set(map(type, stored)) <= {int}:  # at C speed
                    return frozenset(stored)
            except ValueError:
                pass  # not what we write: read the font
    found = _read_code_points(path)
    if key is not None:
        cache.store(CHARSETS, name.hexdigest(), key, cache.pack(sorted(found)))
    return found


CHARSETS = "charsets"


def _charset_key(path: Path) -> str | None:
    digest = cache.file_digest(path)
    if digest == "-":
        return None  # unreadable: the read will say why
    try:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:  # e.g. run from a zip
        code = "-"
    return hashlib.sha256(f"{digest} {__version__} {code}".encode()).hexdigest()


def _read_code_points(path: Path) -> frozenset[int]:
    with open(path, "rb") as handle:
        directory = table_directory(handle.read(12 + 16 * 256), str(path))
        try:
            offset, length = directory["cmap"]
        except KeyError:
            raise FontFileError(f"{path}: no cmap table") from None
        handle.seek(offset)
        cmap = handle.read(length)
    try:
        return frozenset(_map_cmap(cmap))
    except struct.error:
        raise FontFileError(f"{path}: the cmap table is truncated") from None


def table_directory(data: bytes, name: str = "font") -> dict[str, tuple[int, int]]:
    """Table tag -> (offset, length), from the start of a TrueType file (not a collection)."""
    try:
        version, count = struct.unpack_from(">LH", data, 0)
        if version not in (0x00010000, 0x74727565):  # TrueType outlines: 1.0 or 'true'
            raise FontFileError(f"{name}: not a TrueType font (version 0x{version:08X})")
        return {
            tag.decode("latin-1"): (offset, length)
            for tag, _, offset, length in struct.iter_unpack(">4sLLL", data[12 : 12 + 16 * count])
        }
    except struct.error:
        raise FontFileError(f"{name}: truncated table directory") from None


def fingerprint(data: bytes, name: str = "font") -> str:
    """A hash of every byte of a TrueType file except the glyph outlines (the glyf table).

    What parsing a font produces (names, metrics, cmap, widths, glyph offsets) depends on these
    bytes and on nothing else; the outlines are only ever read from the file itself, when a
    subset is embedded. The directory (which holds glyf's offset, length and checksum) is
    hashed too. Hashing 0.4 MB instead of 4.6 MB keeps a cold start cheap.
    """
    directory = table_directory(data, name)
    digest = hashlib.sha256(data[: 12 + 16 * len(directory)])
    for tag, (offset, length) in sorted(directory.items()):
        if tag != "glyf":
            digest.update(data[offset : offset + length])
    return digest.hexdigest()


def _map_cmap(cmap: bytes) -> set[int]:
    _, count = struct.unpack_from(">HH", cmap, 0)
    subtables: dict[tuple[int, int], tuple[int, int]] = {}
    for platform, encoding, offset in struct.iter_unpack(">HHL", cmap[4 : 4 + 8 * count]):
        fmt = struct.unpack_from(">H", cmap, offset)[0]
        if fmt in _READERS:
            subtables.setdefault((platform, encoding), (fmt, offset))
    for choice in UNICODE_CMAPS:
        if choice in subtables:
            fmt, offset = subtables[choice]
            return _READERS[fmt](cmap, offset)
    raise FontFileError("no Unicode cmap subtable in a format we read (0, 4, 6, 12, 13)")


def _format0(cmap: bytes, offset: int) -> set[int]:
    glyphs = cmap[offset + 6 : offset + 6 + 256]
    return {code for code, glyph in enumerate(glyphs) if glyph}


def _format4(cmap: bytes, offset: int) -> set[int]:
    segments = struct.unpack_from(">H", cmap, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", cmap, offset + 14)
    starts = struct.unpack_from(f">{segments}H", cmap, offset + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", cmap, offset + 16 + 4 * segments)
    range_offsets_at = offset + 16 + 6 * segments
    range_offsets = struct.unpack_from(f">{segments}H", cmap, range_offsets_at)
    codes: set[int] = set()
    for n, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, range_offsets)):
        if start > end:
            continue
        if range_offset == 0:  # glyph = code + delta: at most one code gets 0
            codes.update(code for code in range(start, end + 1) if (code + delta) & 0xFFFF)
            continue
        at = range_offsets_at + 2 * n + range_offset
        available = max(0, min(end - start + 1, (len(cmap) - at) // 2))  # broken fonts: 0
        glyphs = struct.unpack_from(f">{available}H", cmap, at)
        codes.update(
            code
            for code, glyph in zip(range(start, end + 1), glyphs)
            if glyph and (glyph + delta) & 0xFFFF
        )
    codes.discard(0xFFFF)  # the required final segment maps nothing
    return codes


def _format6(cmap: bytes, offset: int) -> set[int]:
    first, count = struct.unpack_from(">HH", cmap, offset + 6)
    glyphs = struct.unpack_from(f">{count}H", cmap, offset + 10)
    return {first + n for n, glyph in enumerate(glyphs) if glyph}


def _groups(cmap: bytes, offset: int) -> tuple[array.array, array.array, array.array]:
    """Format 12/13 groups as three arrays: first codes, last codes, glyphs (10,000 groups for
    a Japanese font: arrays keep this to a millisecond)."""
    count = struct.unpack_from(">L", cmap, offset + 12)[0]
    if offset + 16 + 12 * count > len(cmap):
        raise struct.error("groups beyond the table")
    values = array.array("L" if array.array("L").itemsize == 4 else "I")
    values.frombytes(cmap[offset + 16 : offset + 16 + 12 * count])
    if sys.byteorder == "little":
        values.byteswap()
    return values[0::3], values[1::3], values[2::3]


def _format12(cmap: bytes, offset: int) -> set[int]:
    firsts, lasts, glyphs = _groups(cmap, offset)
    codes = set(firsts)
    for first, last in zip(firsts, lasts):
        if last > first:  # glyph counts up along the range
            codes.update(range(first + 1, last + 1))
    codes.difference_update(first for first, glyph in zip(firsts, glyphs) if not glyph)
    return codes


def _format13(cmap: bytes, offset: int) -> set[int]:
    codes: set[int] = set()
    for first, last, glyph in zip(*_groups(cmap, offset)):
        if glyph:  # the whole range shares one glyph
            codes.update(range(first, last + 1))
    return codes


_READERS = {0: _format0, 4: _format4, 6: _format6, 12: _format12, 13: _format13}
