"""Helpers that read real outputs back: text, fonts, pages and QR codes of produced PDFs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            input: str | None = None, python_options: tuple[str, ...] = ()
            ) -> subprocess.CompletedProcess:
    """Run the command line exactly as a user would (a fresh process)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, *python_options, "-m", "handouts", *args],
                          cwd=cwd or ROOT,
                          env=full_env, capture_output=True, text=True, input=input, timeout=300)


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def supply_clinic_contact(content: Path, phone: str = "03-5555-0123") -> None:
    """What a clinic does first: its own phone number instead of the bundled placeholder."""
    path = content / "clinic.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("placeholder: true") for line in lines), path
    path.write_text("\n".join(f'phone: "{phone}"' if line.startswith("phone:") else line
                              for line in lines if not line.startswith("placeholder:")) + "\n",
                    encoding="utf-8")


def check(content: Path, *options: str) -> subprocess.CompletedProcess:
    return run_cli("check", "--content", str(content), *options)


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

    return sorted(r.text for r in zxingcpp.read_barcodes(image)
                  if r.format == zxingcpp.BarcodeFormat.QRCode)


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
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                name = str(obj.get("/BaseFont"))
                found[name] = {"name": name, "embedded": embedded,
                               "subset": len(name) > 8 and name[7] == "+"}
    return list(found.values())


def qpdf_check(pdf: Path) -> list[str]:
    """Problems qpdf finds (through pikepdf, which bundles qpdf): empty when the file is clean."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        return list(document.check_pdf_syntax())
