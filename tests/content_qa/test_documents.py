"""Content QA: `handouts build` on the bundled content (whatever it holds), checked on the PDFs
it writes: every document within its page budget, fonts embedded, metadata, text, QR codes."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs, unquote, urlsplit

import pikepdf
import pytest
import yaml

from helpers import (
    CONTENT,
    char_sizes,
    decode_qr,
    fonts,
    page_count,
    page_image,
    pdf_pages_text,
    qpdf_check,
)

# What the content holds today: language folders, and the source language's conditions.
LANGS = sorted(
    p.name
    for p in CONTENT.iterdir()
    if p.is_dir() and p.name != "diagrams" and not p.name.startswith(".")
)
SOURCE = yaml.safe_load((CONTENT / "handouts.yaml").read_text(encoding="utf-8"))["source_language"]
CONDITIONS = sorted(p.stem for p in (CONTENT / SOURCE / "conditions").glob("*.yaml"))
DOCUMENTS = [
    (lang, slug, kind) for lang in LANGS for slug in CONDITIONS for kind in ("handout", "aftercare")
]


def content(relative: str) -> dict:
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


def pdf_path(built, lang, slug, kind):
    return built / lang / f"{slug}-{kind}.pdf"


def test_build_writes_every_document_and_a_manifest(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    expected = {f"{lang}/{slug}-{kind}.pdf" for lang, slug, kind in DOCUMENTS}
    assert set(manifest["documents"]) == expected
    for relative, entry in manifest["documents"].items():
        data = (built / relative).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert len(entry["inputs"]) == 64
    leftovers = [p for p in built.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


@pytest.mark.parametrize("lang,slug,kind", DOCUMENTS)
def test_page_budget_and_pdf_health(built, lang, slug, kind):
    path = pdf_path(built, lang, slug, kind)
    pages = page_count(path)
    # DESIGN: a handout takes at most 2 pages, an aftercare sheet 1; a language may give its
    # documents more (language.yaml page_budget_factor: an easy edition with furigana).
    factor = content(f"{lang}/language.yaml").get("page_budget_factor", 1)
    assert 1 <= pages <= (2 if kind == "handout" else 1) * factor
    assert qpdf_check(path) == []
    found = fonts(path)
    assert found, "no fonts at all"
    for font in found:
        assert font["embedded"], f"{font['name']} is not embedded"
        assert font["subset"], f"{font['name']} is not subset"


@pytest.mark.parametrize("lang,slug,kind", DOCUMENTS)
def test_metadata_is_set_and_language_tagged(built, lang, slug, kind):
    condition = content(f"{lang}/conditions/{slug}.yaml")
    clinic = content(f"{lang}/clinic.yaml")
    with pikepdf.open(pdf_path(built, lang, slug, kind)) as pdf:
        info = pdf.docinfo
        assert str(pdf.Root.Lang) == lang
        assert condition["title"] in str(info["/Title"])
        assert str(info["/Author"]) == clinic["name"]
        assert str(info["/Subject"])


@pytest.mark.parametrize("lang,slug", [(lang, slug) for lang in LANGS for slug in CONDITIONS])
def test_handout_text_extracts_character_for_character(built, lang, slug):
    condition = content(f"{lang}/conditions/{slug}.yaml")
    ui = content(f"{lang}/ui.yaml")
    text = "\n".join(pdf_pages_text(pdf_path(built, lang, slug, "handout")))
    lines = {line.strip() for line in text.splitlines()}
    assert condition["title"] in lines
    for heading in (
        "what_it_is",
        "symptoms",
        "causes",
        "how_acupuncture_may_help",
        "what_to_expect",
        "points",
        "self_care",
        "self_care",
    ):
        assert ui[heading] in lines, heading
    assert any(ui["see_a_doctor"] in line for line in lines)
    for flag in condition["see_a_doctor"]["urgent"]:
        assert flag[:8] in text
    assert condition["disclaimer"].replace(" ", "")[:12] in text.replace(" ", "").replace("\n", "")
    for point in condition["points"]:
        assert point["code"] in text


@pytest.mark.parametrize("lang,slug,kind", DOCUMENTS)
def test_body_text_is_at_least_12_pt(built, lang, slug, kind):
    sizes = char_sizes(pdf_path(built, lang, slug, kind))
    total = sum(sizes.values())
    body = sum(n for size, n in sizes.items() if size >= 12)
    # Everything but the footer, captions and marker numbers is 12 pt or larger.
    assert body / total > 0.75, sizes
    assert min(sizes) >= 9, sizes


@pytest.mark.parametrize("lang,slug,kind", DOCUMENTS)
def test_qr_codes_decode_from_a_150_dpi_render(built, lang, slug, kind):
    clinic = content("clinic.yaml")
    ui = content(f"{lang}/ui.yaml")
    path = pdf_path(built, lang, slug, kind)
    for index in range(page_count(path)):
        codes = decode_qr(page_image(path, index, dpi=150))
        assert len(codes) == 2, codes
        maps = [c for c in codes if c.startswith("https://")][0]
        mail = [c for c in codes if c.startswith("mailto:")][0]
        query = parse_qs(urlsplit(maps).query)["query"][0]
        assert query == clinic["map_query"]
        address, _, params = mail[len("mailto:") :].partition("?")
        assert address == clinic["email"]
        assert (
            unquote(parse_qs(params, keep_blank_values=True)["subject"][0]) == ui["mailto_subject"]
        )


@pytest.mark.parametrize("lang,slug,kind", DOCUMENTS)
def test_footer_gives_address_email_and_page_numbers(built, lang, slug, kind):
    clinic = content(f"{lang}/clinic.yaml")
    email = content("clinic.yaml")["email"]
    ui = content(f"{lang}/ui.yaml")
    pages = pdf_pages_text(pdf_path(built, lang, slug, kind))
    for number, text in enumerate(pages, start=1):
        assert clinic["address"] in text
        assert email in text
        assert ui["page"].format(page=number, pages=len(pages)) in text
