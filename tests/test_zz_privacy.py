"""Runs last (file order): after the whole suite, out/ holds no patient name used in the tests."""

from __future__ import annotations

from helpers import ROOT, pdf_pages_text

TEST_PATIENTS = ("Hanako Testperson", "テスト 花子", "Ken Testpractitioner", "テスト 健")


def test_no_patient_name_under_out():
    out = ROOT / "out"
    for path in (p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        texts = [data.decode("utf-8", "replace")]
        if path.suffix == ".pdf":
            texts += pdf_pages_text(data)   # PDF text is compressed: read it back
        for name in TEST_PATIENTS:
            assert not any(name in text for text in texts), f"{name} found in {path}"
