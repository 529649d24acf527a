"""TrueType faces without parsing: what reportlab's parser produced, kept per font file on disk.

Parsing a 4.6 MB Japanese font in reportlab's pure-Python parser takes 30-80 ms per file, more
than the rest of a cold build. What the parse produces (names, metrics, the cmap, widths, glyph
offsets) depends only on the file, so it is stored once per font file in the cache
(handouts.cache, kind "fonts") and later restored into a TTFontFace made without parsing.

This is the ONE module that relies on reportlab internals: that a TTFontFace is fully described
by its instance attributes, and what TTFont.__init__ sets. tests/test_fontcache.py compares a
restored face and font with freshly parsed ones attribute by attribute, and the subset bytes;
it fails loudly if reportlab changes either.

Safe by construction:
- the key hashes this module and cache.py (the format), our version, reportlab's version, the
  file name and every byte of the font that parsing reads (all but the glyph outlines, which
  are never cached: subsetting reads them from the file itself);
- an entry for another key, truncated or damaged (SHA-256 of the payload), or not a value this
  module wrote reads as missing: the font is parsed again and the entry replaced;
- entries hold plain data (JSON and number arrays, no pickle) and nothing but font data: no
  document, text or patient data passes through here.
"""

from __future__ import annotations

import functools
import hashlib
import io
from fnmatch import fnmatch
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from handouts import __version__, cache
from handouts.content.fontfiles import fingerprint

KIND = "fonts"
NOT_STORED = ("_ttf_data", "filename", "_pdfScale")  # the file's bytes and path; a function
# Restored on first use: glyphToChar only serves shaping (uharfbuzz), hmetrics and glyphPos only
# subsetting. Building these 40,000 Python objects up front would cost a cold start ~5 ms a font.
LAZY = ("glyphToChar", "hmetrics", "glyphPos")
REQUIRED = ("name", "ascent", "descent", "unitsPerEm", "charToGlyph", "charWidths", "table", *LAZY)


def load_font(name: str, path: Path) -> TTFont:
    """A TTFont named `name` for the file, as TTFont(name, path) would make it."""
    return make_font(name, load_face(path))


def load_face(path: Path) -> TTFontFace:
    """The parsed face of a TrueType file: restored from the cache, or parsed and stored."""
    path = Path(path)
    data = path.read_bytes()
    key = cache_key(path, data)
    entry = cache.load(KIND, entry_name(path), key)
    if entry is not None:
        try:
            return restore(cache.unpack(entry), data, path)
        except ValueError:
            pass  # not what this module writes: parse again
    source = io.BytesIO(data)  # parse exactly the bytes that were hashed
    source.name = str(path)
    face = TTFontFace(source)
    try:
        cache.store(KIND, entry_name(path), key, cache.pack(state(face)))
    except cache.Unpackable:
        pass  # reportlab keeps something new: parse every time (test_fontcache fails loudly)
    return face


def entry_name(path: Path) -> str:
    """One entry per font file (its name and a hash of where it is): a new key replaces it."""
    where = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{path.stem}-{where[:12]}"


@functools.cache
def _code_digest() -> str:
    """The storage format is this module and cache.py: any change to either makes a new key."""
    digest = hashlib.sha256()
    for module in (__file__, cache.__file__):
        try:
            digest.update(Path(module).read_bytes())
        except OSError:  # e.g. run from a zip: the version still counts
            digest.update(module.encode())
    return digest.hexdigest()


def cache_key(path: Path, data: bytes) -> str:
    parts = [
        _code_digest(),
        __version__,
        reportlab.Version,
        path.name,
        rl_config.allowTTFSubsetting,
        getattr(rl_config, "autoGenerateMissingTTFName", None),
        fingerprint(data, str(path)),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def state(face: TTFontFace) -> dict:
    """A parsed face's attributes as plain data (name strings keep their decoded form; the
    LAZY attributes are packed on their own, to be unpacked when first read)."""
    attributes, names, lazy = {}, {}, {}
    for attribute, value in vars(face).items():
        if attribute in NOT_STORED:
            continue
        if type(value) is TTFNameBytes:
            names[attribute] = [bytes(value), value.ustr]
        elif attribute in LAZY:
            lazy[attribute] = cache.pack(value)
        else:
            attributes[attribute] = value
    return {"attributes": attributes, "names": names, "lazy": lazy}


class RestoredFace(TTFontFace):
    """A TTFontFace restored from the cache. Its LAZY attributes are unpacked on first read
    (a packed one that turns out damaged raises AttributeError naming it), and a subset copies
    only the glyphs it embeds: reportlab's makeSubset slices the 4 MB glyf table out of the
    file for every 256 characters, and each such copy costs a fresh process ~3 ms."""

    plain_glyf = False  # set if reportlab ever uses the table in a way TableWindow does not

    def __getattr__(self, attribute):  # only called for attributes not yet set
        packed = self.__dict__.get("_packed", {})
        if attribute not in packed:
            raise AttributeError(attribute)
        try:
            value = cache.unpack(packed.pop(attribute))
        except ValueError as exc:
            raise AttributeError(f"{attribute}: damaged font cache entry ({exc})") from None
        setattr(self, attribute, value)
        return value

    def get_table(self, tag):
        if tag != "glyf" or self.plain_glyf:
            return TTFontFace.get_table(self, tag)
        offset, length = self.get_table_pos(tag)
        return TableWindow(self._ttf_data, offset, length)

    def makeSubset(self, subset):
        try:
            return TTFontFace.makeSubset(self, subset)
        except (TypeError, AttributeError, IndexError):
            if self.plain_glyf:
                raise
            self.plain_glyf = True  # and test_fontcache fails: see to it
            return TTFontFace.makeSubset(self, subset)


class TableWindow:
    """A table of the font file that slices like bytes without copying the whole table."""

    def __init__(self, data: bytes, offset: int, length: int):
        self._data, self._offset, self._length = data, offset, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                raise IndexError("TableWindow slices have a step of 1")
            return self._data[self._offset + start : self._offset + max(start, stop)]
        if not -self._length <= index < self._length:
            raise IndexError("index out of range")
        return self._data[self._offset + index % self._length]


def restore(stored, data: bytes, path: Path) -> TTFontFace:
    """A TTFontFace equal to TTFontFace(path), from `state` output and the file's bytes."""
    if not isinstance(stored, dict) or set(stored) != {"attributes", "names", "lazy"}:
        raise ValueError("not a stored face")
    attributes, names, lazy = stored["attributes"], stored["names"], stored["lazy"]
    if not all(isinstance(part, dict) for part in (attributes, names, lazy)):
        raise ValueError("not a stored face")
    if any(
        attribute not in attributes and attribute not in names and attribute not in lazy
        for attribute in REQUIRED
    ):
        raise ValueError("stored face lacks parsed data")
    if not all(type(value) is bytes for value in lazy.values()):
        raise ValueError("not a stored face")
    face = RestoredFace.__new__(RestoredFace)
    vars(face).update(attributes)
    face._packed = dict(lazy)  # type: ignore[attr-defined]  # (*)
    for attribute, (raw, text) in names.items():
        value = bytes.__new__(TTFNameBytes, raw)
        value.ustr = text
        setattr(face, attribute, value)
    face._ttf_data = data  # type: ignore[attr-defined]  # (*)
    face.filename = str(path)
    face._pdfScale = _scale(face.unitsPerEm)  # type: ignore[attr-defined]  # (*)
    # (*) reportlab's private attributes, set as its own parser sets them: not in its stub.
    return face


def _scale(units_per_em: int):
    """Font units to thousandths of an em, as TTFontFile.extractInfo defines it."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def make_font(name: str, face: TTFontFace) -> TTFont:
    """What TTFont.__init__(name, filename) makes, around an already parsed face."""
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable  # type: ignore[attr-defined]  # private
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob or ())
    return font
