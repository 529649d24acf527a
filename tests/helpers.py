"""Helpers that read real outputs back: text, fonts, pages and QR codes of produced PDFs."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
# One Japanese handout, forced: what the cold-start and cache tests build.
ONE_JA_HANDOUT = (
    "build",
    "--force",
    "--jobs",
    "1",
    "--lang",
    "ja",
    "--condition",
    "sciatica",
    "--kind",
    "handout",
)
# The suite's "today" (HANDOUTS_TODAY, set by conftest.py): the date of the last commit, so that
# no result depends on the calendar.
TODAY = datetime.date.fromisoformat(os.environ["HANDOUTS_TODAY"])


# JIS X 4051 (and W3C's JLREQ, which follows it): the characters every Japanese line breaker must
# keep from the start of a line (closing brackets cl-02, hyphens cl-03, dividing punctuation
# cl-04, middle dots cl-05, full stops cl-06, commas cl-07, iteration marks cl-09) and from its
# end (opening brackets cl-01). The prolonged sound mark (cl-10) and small kana (cl-11) are left
# out: the standard lets a typesetter allow them at a line start. Written here from the standard,
# not read from content/ja/language.yaml, so that the content's rules are checked too.
JIS_NO_LINE_START = (
    "）〕］｝〉》」』】〙〗〟’”｠»"  # cl-02 closing brackets
    "‐〜゠–"  # cl-03 hyphens
    "？！‼⁇⁈⁉"  # cl-04 dividing punctuation
    "・：；"  # cl-05 middle dots
    "。．"  # cl-06 full stops
    "、，"  # cl-07 commas
    "ヽヾゝゞ々〻"
)  # cl-09 iteration marks
JIS_NO_LINE_END = "（〔［｛〈《「『【〘〖〝‘“｟«"  # cl-01 opening brackets

# What the command line printed in the current test (conftest.py checks it for patient names).
CLI_OUTPUT: list[str] = []


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict | None = None,
    input: str | None = None,
    python_options: tuple[str, ...] = (),
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    """Run the command line exactly as a user would (a fresh process)."""
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, *python_options, "-m", "handouts", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )
    CLI_OUTPUT.extend((result.stdout, result.stderr))
    return result


def bundled_documents() -> int:
    """How many generic documents a plain `handouts build` makes of the bundled content: every
    language folder x every condition of the source language x 2 kinds."""
    source = read_yaml(CONTENT / "handouts.yaml")["source_language"]
    langs = [
        p
        for p in CONTENT.iterdir()
        if p.is_dir() and p.name != "diagrams" and not p.name.startswith(".")
    ]
    return len(langs) * len(list((CONTENT / source / "conditions").glob("*.yaml"))) * 2


def page_factor(lang: str) -> int:
    """A language's page_budget_factor (language.yaml): an easy edition may use more pages."""
    return read_yaml(CONTENT / lang / "language.yaml").get("page_budget_factor", 1)


def copy_content(tmp_path: Path) -> Path:
    """A copy of the bundled content: for content QA, and for code tests that need real texts."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


# -- a small content tree of the tests' own ------------------------------------------------------
# Code tests build from this tree, so that the clinic can edit content/ (add points, conditions,
# languages; reword anything) without breaking them. The registry, the body view, point texts,
# clinic data, settings and each condition's title, points and review are the tree's own. Labels,
# typography, general aftercare and the other condition sections are required by the schema and
# grow with it, so they are taken from the bundled source language and Japanese (first
# condition): tests read them back from the tree, never assume their wording.
OWN_POINTS = {  # code: (view position, bilateral, en name, ja name)
    "LR3": {
        "aliases": ["LV3"],
        "meridian": "Liver",
        "bilateral": True,
        "view": "test-body",
        "x": 62.0,
        "y": 170.0,
    },
    "ST36": {
        "aliases": [],
        "meridian": "Stomach",
        "bilateral": True,
        "view": "test-body",
        "x": 64.0,
        "y": 120.0,
    },
    "GV4": {
        "aliases": ["DU4"],
        "meridian": "Governor Vessel",
        "bilateral": False,
        "view": "test-body",
        "x": 50.0,
        "y": 60.0,
    },
}
OWN_CONDITIONS = {  # slug: (en title, ja title, points)
    "knee-ache": ("Knee ache", "ひざの痛み", ["ST36", "LR3"]),
    "back-ache": ("Back ache", "腰の痛み", ["GV4", "ST36"]),
    "foot-ache": ("Foot ache", "足の痛み", ["LR3"]),
}
POINT_TEXTS = {
    "en": {
        "LR3": (
            "Taichong",
            "On the top of the foot, in the hollow between the first two toe bones.",
            "Used for foot pain.",
        ),
        "ST36": (
            "Zusanli",
            "Below the knee, four finger-widths down, beside the shin bone.",
            "Used for tired legs.",
        ),
        "GV4": (
            "Mingmen",
            "On the middle of the lower back, below the 2nd lumbar vertebra.",
            "Used for low back pain.",
        ),
    },
    "ja": {
        "LR3": ("太衝", "足の甲で、親指と人さし指の骨の間のくぼみです。", "足の痛みに使われます。"),
        "ST36": (
            "足三里",
            "ひざの下、指4本分下がった、すねの骨の外側です。",
            "脚の疲れに使われます。",
        ),
        "GV4": ("命門", "腰の真ん中で、第2腰椎の下です。", "腰の痛みに使われます。"),
    },
}
TEST_VIEW = """<svg xmlns="http://www.w3.org/2000/svg" width="100" height="200"
     viewBox="0 0 100 200">
  <g id="body">
    <path d="M 30 10 L 70 10 L 80 190 L 20 190 Z" fill="#ececec" stroke="#222222"
          stroke-width="1.6"/>
  </g>
  <g id="landmarks">
    <line id="lm-midline" x1="50" y1="10" x2="50" y2="190" fill="none" stroke="#555555"
          stroke-width="1.3"/>
  </g>
</svg>
"""


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as the bundled content writes them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def write_yaml(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write_content(
    tmp_path: Path, conditions=("knee-ache", "back-ache"), reviewed: datetime.date = TODAY
) -> Path:
    """Write a minimal valid content tree (en source, ja translation) into tmp_path/content."""
    from handouts.content.translation import TRANSLATED_FROM, source_hash

    root = tmp_path / "content"
    (root / "diagrams").mkdir(parents=True)
    (root / "diagrams" / "test-body.svg").write_text(TEST_VIEW, encoding="utf-8")
    write_yaml(
        root / "handouts.yaml",
        {"source_language": "en", "content_version": "test-1", "review_max_months": 24},
    )
    write_yaml(
        root / "clinic.yaml",
        {
            "email": "clinic@example.org",
            "phone": "03-5555-0123",
            "map_query": "1-2-3 Example, Tokyo, Japan",
            "emergency_number": "119",
            "advice_line": "#7119",
            "timezone": "Asia/Tokyo",
            "visit_minutes": 60,
        },
    )
    write_yaml(root / "points.yaml", {"points": OWN_POINTS})
    # The page design as bundled: tests of the layout read their limits from the issue, not
    # from this file.
    shutil.copy(CONTENT / "styles.yaml", root / "styles.yaml")
    base = sorted((CONTENT / "en" / "conditions").glob("*.yaml"))[0].name
    sources = {}
    for lang in ("en", "ja"):
        folder = root / lang
        for name in ("language.yaml", "ui.yaml", "aftercare.yaml"):
            data = read_yaml(CONTENT / lang / name)
            if name == "ui.yaml":
                data["views"] = {"test-body": "Test body" if lang == "en" else "テストの体"}
            if name != "language.yaml":  # typography is not translated
                sources.setdefault(name, data)
            write_yaml(folder / name, data)
        write_yaml(
            folder / "clinic.yaml",
            {
                "name": "Test Clinic" if lang == "en" else "テスト治療院",
                "address": "1-2-3 Example, Tokyo",
                "hours": "Mon-Fri 10:00-18:00",
            },
        )
        sources.setdefault("clinic.yaml", read_yaml(folder / "clinic.yaml"))
        write_yaml(
            folder / "points.yaml",
            {
                code: {
                    "name": name,
                    **({"reading": "てすと"} if lang == "ja" else {}),
                    "location": location,
                    "use": use,
                }
                for code, (name, location, use) in POINT_TEXTS[lang].items()
            },
        )
        sources.setdefault("points.yaml", read_yaml(folder / "points.yaml"))
        for slug in conditions:
            en_title, ja_title, codes = OWN_CONDITIONS[slug]
            data = read_yaml(CONTENT / lang / "conditions" / base)
            data["title"] = en_title if lang == "en" else ja_title
            data["points"] = [{"code": code, "why": POINT_TEXTS[lang][code][2]} for code in codes]
            # next review after the age limit (24 months), so that the age limit is what tests meet
            data["review"] = {
                "by": "Test reviewer",
                "role": "Test role",
                "date": reviewed,
                "next": datetime.date(reviewed.year + 3, reviewed.month, 1),
            }
            relative = f"conditions/{slug}.yaml"
            sources.setdefault(relative, data)
            write_yaml(folder / relative, data)
    for name, source in sources.items():  # the translation is up to date with its source
        path = root / "ja" / name
        data = read_yaml(path)
        data[TRANSLATED_FROM] = source_hash(
            {k: v for k, v in source.items() if k != TRANSLATED_FROM}
        )
        write_yaml(path, {TRANSLATED_FROM: data.pop(TRANSLATED_FROM), **data})
    return root


def supply_clinic_contact(content: Path, phone: str = "03-5555-0123") -> None:
    """What a clinic does first: its own phone number instead of the bundled placeholder."""
    path = content / "clinic.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("placeholder: true") for line in lines), path
    path.write_text(
        "\n".join(
            f'phone: "{phone}"' if line.startswith("phone:") else line
            for line in lines
            if not line.startswith("placeholder:")
        )
        + "\n",
        encoding="utf-8",
    )


def check(content: Path, *options: str) -> subprocess.CompletedProcess:
    return run_cli("check", "--content", str(content), *options)


def build(content: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    return run_cli("build", "--content", str(content), "--out", str(out), *options)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a content file (which must contain it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def place_of(path: Path, needle: str) -> tuple[int, int]:
    """(line, column) of the first occurrence of `needle`, both 1-based, in characters."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def pdf_pages_text(pdf: Path | bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def page_count(pdf: Path | bytes) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(pdf))


def page_image(pdf: Path | bytes, index: int, dpi: int = 150):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    return document[index].render(scale=dpi / 72).to_pil()


def decode_qr(image) -> list[str]:
    import zxingcpp

    return sorted(
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    )


def char_sizes(pdf: Path | bytes) -> Counter:
    """How many characters are drawn at each font size (points), over all pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    sizes: Counter = Counter()
    document = pdfium.PdfDocument(pdf)
    for i in range(len(document)):
        textpage = document[i].get_textpage()
        for c in range(textpage.count_chars()):
            if not textpage.get_text_range(c, 1).isspace():
                sizes[round(raw.FPDFText_GetFontSize(textpage.raw, c), 1)] += 1
    return sizes


def fonts(pdf: Path) -> list[dict]:
    """Every font resource in the file (pages and forms): name, embedded, subset."""
    import pikepdf

    found = {}
    with pikepdf.open(pdf) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                font = obj
                if font.get("/Subtype") == "/Type0":
                    font = font.DescendantFonts[0]
                descriptor = font.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                name = str(obj.get("/BaseFont"))
                found[name] = {
                    "name": name,
                    "embedded": embedded,
                    "subset": len(name) > 8 and name[7] == "+",
                }
    return list(found.values())


def qpdf_check(pdf: Path) -> list[str]:
    """Problems qpdf finds (through pikepdf, which bundles qpdf): empty when the file is clean."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return list(document.check_pdf_syntax())


# -- privacy: every form a name could take in a file ---------------------------------------------
def readable_forms(text: str) -> list[bytes]:
    """`text` as it would be stored: UTF-8, UTF-16, UTF-32, hex, JSON."""
    forms = []
    for encoding in ("utf-8", "utf-16-be", "utf-16-le", "utf-32-le"):
        forms.append(text.encode(encoding))
    forms.append(text.encode("utf-8").hex().encode())
    forms.append(json.dumps(text).encode())  # JSON escapes
    forms.append(json.dumps(text, ensure_ascii=False).encode())
    return forms


def expanded(data: bytes) -> list[bytes]:
    """The bytes, and what zlib or the cache's own format unpack from them (if anything)."""
    from handouts import cache

    found = [data]
    for start in range(min(len(data), 64)):
        try:
            found.append(zlib.decompressobj().decompress(data[start:]))
        except zlib.error:
            continue
    header_end = data.find(b"\n", len(cache.MAGIC)) if data.startswith(cache.MAGIC) else -1
    if header_end >= 0:
        try:
            found.append(repr(cache.unpack(data[header_end + 1 :])).encode())
        except ValueError:
            pass
    return found
