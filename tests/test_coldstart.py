"""Cold start (issue #16): charset() without reportlab, what check and build import, the cache's
plain-data format, remembered digests, and that no patient data ever reaches the cache."""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from handouts import cache
from handouts.content.fontfiles import (
    FontFileError,
    charset,
    code_points,
    fingerprint,
    font_families,
    font_path,
)
from helpers import CONTENT, ONE_JA_HANDOUT, ROOT, expanded, readable_forms, run_cli


# charset(): the code points a font maps ---------------------------------------------------------
@pytest.mark.parametrize("family", sorted(font_families()))
@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_charset_is_what_reportlab_maps_to_a_glyph(family, weight):
    from reportlab.pdfbase.ttfonts import TTFontFace

    face = TTFontFace(str(font_path(family, weight)))
    assert charset(family, weight) == {code for code, glyph in face.charToGlyph.items() if glyph}


def test_charset_needs_no_reportlab():
    code = (
        "import sys, time\n"
        "from handouts.content.fontfiles import charset\n"
        "start = time.perf_counter()\n"
        "japanese = charset('BIZUDPGothic', 'regular')\n"
        "print(len(japanese), ord('坐') in japanese, ord('A') in charset('NotoSans', 'bold'),\n"
        "      ord('坐') in charset('NotoSans', 'regular'),\n"
        "      sorted(m for m in sys.modules if m.startswith('reportlab')),\n"
        "      time.perf_counter() - start < 0.5)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    count, kanji, latin, kanji_in_latin_font, reportlab_modules, fast = result.stdout.split(" ", 5)
    assert int(count) > 7000 and kanji == "True" and latin == "True"
    assert kanji_in_latin_font == "False"
    assert reportlab_modules.strip().startswith("[]"), reportlab_modules
    assert fast.strip() == "True"


def font_with_cmap(
    tmp_path: Path, subtables: list[tuple[int, int, bytes]], name: str = "probe.ttf"
) -> Path:
    """A minimal TrueType file: the sfnt header, a directory and a cmap (OpenType spec, 'cmap')."""
    header = struct.pack(">HH", 0, len(subtables))
    offset = 4 + 8 * len(subtables)
    records, bodies = b"", b""
    for platform, encoding, body in subtables:
        records += struct.pack(">HHL", platform, encoding, offset + len(bodies))
        bodies += body
    cmap = header + records + bodies
    font = struct.pack(">LHHHH", 0x00010000, 1, 16, 0, 0)
    font += struct.pack(">4sLLL", b"cmap", 0, 12 + 16, len(cmap)) + cmap
    path = tmp_path / name
    path.write_bytes(font)
    return path


def format4(segments: list[tuple[int, int, int, list[int] | None]]) -> bytes:
    """(start, end, idDelta, glyphIdArray or None) segments, plus the required 0xFFFF one."""
    segments = [*segments, (0xFFFF, 0xFFFF, 1, None)]
    count = len(segments)
    ends = b"".join(struct.pack(">H", end) for _, end, _, _ in segments)
    starts = b"".join(struct.pack(">H", start) for start, _, _, _ in segments)
    deltas = b"".join(struct.pack(">h", delta) for _, _, delta, _ in segments)
    glyph_arrays, range_offsets = b"", b""
    for n, (_, _, _, glyphs) in enumerate(segments):
        if glyphs is None:
            range_offsets += struct.pack(">H", 0)
        else:  # bytes from this idRangeOffset entry to the segment's first glyph id
            range_offsets += struct.pack(">H", 2 * (count - n) + len(glyph_arrays))
            glyph_arrays += b"".join(struct.pack(">H", g) for g in glyphs)
    body = (
        struct.pack(">HHHH", 2 * count, 0, 0, 0)
        + ends
        + b"\0\0"
        + starts
        + deltas
        + range_offsets
        + glyph_arrays
    )
    return struct.pack(">HHH", 4, 6 + len(body), 0) + body


def format12(groups: list[tuple[int, int, int]], fmt: int = 12) -> bytes:
    body = b"".join(struct.pack(">LLL", *group) for group in groups)
    return struct.pack(">HHLLL", fmt, 0, 16 + len(body), 0, len(groups)) + body


def test_cmap_format_4_deltas_glyph_arrays_and_notdef(tmp_path):
    # 'A'-'C' map by delta to glyphs 1-3; 'a'-'c' through the glyph array [5, 0, 6] ('b' maps to
    # .notdef, so it is not covered); U+00A0 maps to (0xA0 + 0xFF60) & 0xFFFF = 0: not covered.
    font = font_with_cmap(
        tmp_path,
        [
            (
                3,
                1,
                format4(
                    [
                        (0x41, 0x43, 1 - 0x41, None),
                        (0x61, 0x63, 0, [5, 0, 6]),
                        (0xA0, 0xA0, -0xA0, None),
                    ]
                ),
            )
        ],
    )
    assert code_points(font) == {0x41, 0x42, 0x43, 0x61, 0x63}


def test_cmap_format_12_preferred_and_format_13(tmp_path):
    bmp = format4([(0x41, 0x41, 1 - 0x41, None)])
    full = format12([(0x41, 0x42, 1), (0x1F600, 0x1F601, 0), (0x20000, 0x20000, 7)])
    font = font_with_cmap(tmp_path, [(3, 1, bmp), (3, 10, full)])
    # glyphs count up from each group's first: U+1F600 gets glyph 0 (.notdef), U+1F601 glyph 1
    assert code_points(font) == {0x41, 0x42, 0x1F601, 0x20000}
    many_to_one = format12([(0x30, 0x39, 4), (0x40, 0x40, 0)], fmt=13)
    font = font_with_cmap(tmp_path, [(0, 6, many_to_one)], "many-to-one.ttf")
    assert code_points(font) == set(range(0x30, 0x3A))


def test_unreadable_fonts_are_named(tmp_path):
    not_a_font = tmp_path / "x.ttf"
    not_a_font.write_bytes(b"OTTO" + bytes(40))
    with pytest.raises(FontFileError, match="not a TrueType font"):
        code_points(not_a_font)
    truncated = font_with_cmap(tmp_path, [(3, 10, format12([(0x41, 0x5A, 1)]))])
    truncated.write_bytes(truncated.read_bytes()[:-6])
    with pytest.raises(FontFileError, match="truncated"):
        code_points(truncated)


def test_fingerprint_covers_everything_but_glyph_outlines():
    data = bytearray(font_path("NotoSans", "regular").read_bytes())
    count = int.from_bytes(data[4:6], "big")
    tables = {
        data[at : at + 4].decode(): (
            int.from_bytes(data[at + 8 : at + 12], "big"),
            int.from_bytes(data[at + 12 : at + 16], "big"),
        )
        for at in range(12, 12 + 16 * count, 16)
    }
    original = fingerprint(bytes(data))
    for tag, (offset, length) in tables.items():
        changed = bytearray(data)
        changed[offset + length // 2] ^= 0x01
        assert (fingerprint(bytes(changed)) == original) == (tag == "glyf"), tag
    changed = bytearray(data)
    changed[12 + 8] ^= 0x01  # the directory itself
    assert fingerprint(bytes(changed)) != original


# check pays only for what it uses -----------------------------------------------------------
def imported_modules(*args: str) -> set[str]:
    result = run_cli(*args, python_options=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    return {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


def test_check_imports_no_pdf_making_modules():
    run_cli("check")  # fill the view cache
    modules = imported_modules("check")
    for heavy in ("qrcode", "svglib", "reportlab.graphics", "multiprocessing", "yaml"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in modules), heavy


def test_cold_build_imports_only_what_one_document_needs(tmp_path):
    args = (
        *ONE_JA_HANDOUT,
        "--out",
        str(tmp_path),
    )
    run_cli(*args)  # the cache as the front desk has it
    modules = imported_modules(*args)
    assert "reportlab.platypus" in modules
    for heavy in (
        "qrcode",
        "svglib",
        "reportlab.graphics",
        "multiprocessing",
        "concurrent.futures.process",
        "platformdirs",
        "yaml",  # the few small YAML files read first are remembered (yamlsrc.remembered)
    ):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in modules), heavy


def test_small_yaml_files_are_remembered_by_their_bytes(tmp_path, monkeypatch):
    from handouts.content.yamlsrc import REMEMBERED, quick_mapping

    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "language.yaml"
    path.write_text("source_language: en\nfurigana: {always: true}\n", encoding="utf-8")
    assert quick_mapping(path) == {"source_language": "en", "furigana": {"always": True}}
    (entry,) = (tmp_path / "cache" / REMEMBERED).iterdir()
    assert quick_mapping(path) == {"source_language": "en", "furigana": {"always": True}}
    path.write_text("source_language: ja\n", encoding="utf-8")  # other bytes: read again
    assert quick_mapping(path) == {"source_language": "ja"}
    entry.write_bytes(entry.read_bytes()[:-3] + b"xyz")  # damaged: read again
    assert quick_mapping(path) == {"source_language": "ja"}
    path.write_text("source_language: [\n", encoding="utf-8")  # broken: empty, as before
    assert quick_mapping(path) == {}
    path.write_text("updated: 2026-11-21\n", encoding="utf-8")  # a date: read every time
    assert str(quick_mapping(path)["updated"]) == "2026-11-21"
    assert str(quick_mapping(path)["updated"]) == "2026-11-21"


def test_the_yaml_library_is_told_without_importing_it():
    import yaml

    from handouts.content.yamlsrc import parser_identity

    identity = parser_identity()
    assert identity is not None and f"-{yaml.__version__}.dist-info" in identity
    assert ("'_yaml" in identity) == bool(getattr(yaml, "__with_libyaml__", False))


def test_page_count_without_a_pdf_is_the_rendered_count():
    from handouts.compose.composer import KINDS, compose
    from handouts.content.loader import load_library
    from handouts.render.pdf import count_pages, render

    library, _ = load_library(CONTENT)
    for lang in library.languages:
        for slug in library.conditions:
            for kind in KINDS:
                doc = compose(library, lang, slug, kind)
                for paper, large in (("a4", False), ("letter", True)):
                    style = library.page_style(lang, paper, large)
                    assert count_pages(doc, style) == render(doc, style)[1]


# The cache's plain-data format ------------------------------------------------------------------
plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=200),
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.tuples(inner, inner)
        | st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=50)
        | st.lists(st.integers(0, 9) | st.floats(allow_nan=False), min_size=1)
        | st.lists(st.lists(st.integers(-5, 5), max_size=3), min_size=1, max_size=5)
        | st.lists(st.tuples(st.integers(), st.floats(allow_nan=False)), min_size=1)
        | st.dictionaries(st.integers(-3, 3) | st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=30,
)


def same(a, b) -> bool:
    """Equal, and of the same type all the way down (1 is not 1.0, a tuple is not a list)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


@given(plain)
@settings(max_examples=300, deadline=None)
def test_pack_round_trips_exactly(value):
    assert same(cache.unpack(cache.pack(value)), value)


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_unpacking_garbage_is_a_value_error(data):
    try:
        cache.unpack(data)
    except ValueError:
        pass


def test_packed_numbers_are_little_endian_on_every_machine():
    packed = cache.pack([1, 2**40, -3])
    assert (2**40).to_bytes(8, "little") in packed and (-3).to_bytes(
        8, "little", signed=True
    ) in packed
    assert struct.pack("<d", 1.5) in cache.pack([1.5, 2.5])


def test_pack_refuses_what_it_cannot_restore_exactly():
    with pytest.raises(cache.Unpackable):
        cache.pack({"when": time})


def test_damaged_entries_read_as_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path))
    cache.store("probe", "one", "key-1", b"payload")
    assert cache.load("probe", "one", "key-1") == b"payload"
    assert cache.load("probe", "one", "key-2") is None
    entry = tmp_path / "probe" / "one"
    good = entry.read_bytes()
    for damaged in (good[:-1], good[:20], good.replace(b"payload", b"paylaod"), b"", b"\xff" * 99):
        entry.write_bytes(damaged)
        assert cache.load("probe", "one", "key-1") is None


def test_file_digest_is_remembered_by_stat_signature(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path / "cache"))
    font = tmp_path / "font.ttf"
    font.write_bytes(b"version one " * 1000)
    # A file written just now is hashed every time (two writes within one timestamp tick
    # must not leave a stale digest): nothing is remembered.
    assert cache.file_digest(font) == hashlib.sha256(b"version one " * 1000).hexdigest()
    assert not (tmp_path / "cache" / "digests").exists()
    # Ten seconds later it is remembered, and the remembered digest is what is returned.
    later = os.stat(font).st_ctime_ns + 10_000_000_000  # by the file system's clock
    monkeypatch.setattr(cache, "_file_system_now", lambda folder: later)
    assert cache.file_digest(font) == hashlib.sha256(b"version one " * 1000).hexdigest()
    (entry,) = (tmp_path / "cache" / "digests").iterdir()
    data = entry.read_bytes()
    signature = data[len(cache.MAGIC) :].split(b" ")[0].decode()
    cache.store("digests", entry.name, signature, b"ab" * 32)
    assert cache.file_digest(font) == "ab" * 32
    # Same size, mtime set back: the change is seen all the same (ctime moved on).
    status = os.stat(font)
    font.write_bytes(b"version two " * 1000)
    os.utime(font, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert cache.file_digest(font) == hashlib.sha256(b"version two " * 1000).hexdigest()
    entry.write_bytes(b"damaged")
    assert cache.file_digest(font) == hashlib.sha256(b"version two " * 1000).hexdigest()
    assert cache.file_digest(tmp_path / "missing.ttf") == "-"


def test_code_fingerprint_is_remembered_by_its_files_stat_signatures(tmp_path, monkeypatch):
    import shutil

    from handouts.content import fingerprint as module

    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path / "cache"))
    package = tmp_path / "handouts"
    shutil.copytree(
        ROOT / "src" / "handouts", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(module, "__file__", str(package / "content" / "fingerprint.py"))

    def fresh() -> str:
        module.code_fingerprint.cache_clear()
        return module.code_fingerprint()

    # Files changed just now: hashed, nothing remembered.
    hashed = fresh()
    assert not (tmp_path / "cache" / "fingerprints").exists()
    # Settled: remembered, and what is remembered is what is returned.
    later = time.time_ns() + 10_000_000_000
    monkeypatch.setattr(cache, "_file_system_now", lambda folder: later)
    assert fresh() == hashed
    (entry,) = (tmp_path / "cache" / "fingerprints").iterdir()
    key = entry.read_bytes()[len(cache.MAGIC) :].split(b" ")[0].decode()
    cache.store("fingerprints", entry.name, key, b"ab" * 32)
    assert fresh() == "ab" * 32
    # A file changed (same size, mtime set back), added or removed: hashed anew.
    code = package / "clock.py"
    status = os.stat(code)
    code.write_bytes(code.read_bytes()[:-1] + b"#")
    os.utime(code, ns=(status.st_atime_ns, status.st_mtime_ns))
    changed = fresh()
    assert changed not in (hashed, "ab" * 32)
    (package / "extra.py").write_text("")
    added = fresh()
    assert added not in (hashed, changed)
    (package / "extra.py").unlink()
    assert fresh() == changed
    entry.write_bytes(b"damaged")
    assert fresh() == changed


# Privacy: nothing personal in the cache --------------------------------------------------------
PATIENT = "Zebulon Quartermaine-Okonkwo"
PATIENT_JA = "鰐淵 千草"
NOTE = "Avoid the sauna until Thursday; Zorblatt kumquat tea is fine"


@pytest.mark.parametrize("lang,patient", [("en", PATIENT), ("ja", PATIENT_JA)])
def test_no_patient_data_in_the_cache(tmp_path, lang, patient):
    folder = tmp_path / "cache"
    for args in (
        ["aftercare", "-o", str(tmp_path / "sheet.pdf")],
        [
            "email",
            "--to",
            "patient@example.com",
            "--kind",
            "aftercare",
            "--eml",
            str(tmp_path / "message.eml"),
        ],
    ):
        result = run_cli(
            *args,
            "--lang",
            lang,
            "--condition",
            "sciatica",
            "--patient",
            patient,
            "--date",
            "2026-11-21",
            "--points",
            "GB30,LR3",
            "--note",
            NOTE,
            "--practitioner",
            "Dr Ichabod Pemberton-Vos",
            env={"HANDOUTS_CACHE": str(folder)},
        )
        assert result.returncode == 0, result.stderr
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.parent.name for p in files} >= {"fonts", "qr", "views"}
    # Whole words only: a single character (or digits) is in any font's cmap arrays.
    secrets = [patient, *patient.split(), NOTE, "Zorblatt", "kumquat", "Ichabod", "Pemberton-Vos"]
    for path in files:
        assert not any(part in path.name for part in secrets), path
        for data in expanded(path.read_bytes()):
            for secret in secrets:
                for form in readable_forms(secret):
                    assert form not in data, f"{secret!r} found in {path}"


def test_qr_codes_of_a_personal_sheet_are_the_clinics():
    """The QR cache is keyed by payload: a personal sheet must only carry the clinic's codes."""
    from handouts.compose.composer import compose
    from handouts.compose.personal import personal_details
    from handouts.content.loader import load_library
    from handouts.deliver.build import render_one  # noqa: F401  (the same path the CLI takes)

    library, _ = load_library(CONTENT)
    for lang in library.languages:
        personal = personal_details(
            library,
            lang,
            patient=PATIENT,
            date="2026-11-21",
            points="GB30,LR3",
            next_visit=None,
            practitioner="Dr Vos",
            note=NOTE,
        )
        generic = compose(library, lang, "sciatica", "aftercare").footer.codes
        assert compose(library, lang, "sciatica", "aftercare", personal).footer.codes == generic
        for payload, _caption in generic:
            assert PATIENT not in payload and "Vos" not in payload
