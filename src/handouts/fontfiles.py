"""Where the bundled fonts live and which families exist (no reportlab import here)."""

from __future__ import annotations

import functools
import struct
from pathlib import Path

import yaml


@functools.cache
def fonts_dir() -> Path:
    """The font folder: installed with the package, or the repository's fonts/ in a checkout."""
    packaged = Path(__file__).parent / "fonts"
    if (packaged / "fonts.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "fonts"


@functools.cache
def font_families() -> dict[str, dict[str, str]]:
    """Family name -> {"regular": file, "bold": file}, from fonts/fonts.yaml."""
    with open(fonts_dir() / "fonts.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def font_path(family: str, weight: str) -> Path:
    return fonts_dir() / font_families()[family][weight]


@functools.cache
def charset(family: str, weight: str) -> frozenset[int]:
    """The code points the family's font file maps to a glyph (from its cmap table).

    Read straight from the file (the table directory and the cmap only), without reportlab, so
    that checks and font choice per run of text cost a few milliseconds.
    """
    with open(font_path(str(family), weight), "rb") as handle:
        head = handle.read(12)
        directory = handle.read(16 * struct.unpack(">H", head[4:6])[0])
        tables = {directory[i:i + 4]: struct.unpack(">II", directory[i + 8:i + 16])
                  for i in range(0, len(directory), 16)}
        offset, length = tables[b"cmap"]
        handle.seek(offset)
        data = handle.read(length)
    start = 0
    count = struct.unpack(">H", data[start + 2:start + 4])[0]
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", data[start + 4 + 8 * i:start + 12 + 8 * i])
        subtables[(platform, encoding)] = start + offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):     # full Unicode first, then the BMP
        if key in subtables:
            return frozenset(_cmap_codes(data, subtables[key]))
    raise ValueError(f"{font_path(family, weight)}: no Unicode cmap")


def _cmap_codes(data: bytes, at: int) -> list[int]:
    fmt = struct.unpack(">H", data[at:at + 2])[0]
    codes: list[int] = []
    if fmt == 12:
        groups = struct.unpack(">I", data[at + 12:at + 16])[0]
        for i in range(groups):
            first, last, glyph = struct.unpack(">III", data[at + 16 + 12 * i:at + 28 + 12 * i])
            codes.extend(range(first + (glyph == 0), last + 1))
        return codes
    if fmt != 4:
        raise ValueError(f"cmap format {fmt} is not supported")
    segments = struct.unpack(">H", data[at + 6:at + 8])[0] // 2
    ends = struct.unpack(f">{segments}H", data[at + 14:at + 14 + 2 * segments])
    base = at + 16 + 2 * segments
    starts = struct.unpack(f">{segments}H", data[base:base + 2 * segments])
    deltas = struct.unpack(f">{segments}h", data[base + 2 * segments:base + 4 * segments])
    offsets_at = base + 4 * segments
    offsets = struct.unpack(f">{segments}H", data[offsets_at:offsets_at + 2 * segments])
    for i, (first, last, delta, offset) in enumerate(zip(starts, ends, deltas, offsets)):
        if first == 0xFFFF:
            continue
        if offset == 0:
            codes.extend(c for c in range(first, last + 1) if (c + delta) & 0xFFFF)
            continue
        for c in range(first, last + 1):
            where = offsets_at + 2 * i + offset + 2 * (c - first)
            glyph = struct.unpack(">H", data[where:where + 2])[0]
            if glyph and (glyph + delta) & 0xFFFF:
                codes.append(c)
    return codes
