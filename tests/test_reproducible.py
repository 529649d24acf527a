"""Identical input gives byte-identical PDFs; SOURCE_DATE_EPOCH sets the recorded dates."""

from __future__ import annotations

import pikepdf

from helpers import run_cli, write_content


def build(content, out, env=None):
    result = run_cli("build", "--content", str(content), "--force", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")}


def test_two_builds_are_byte_identical(tmp_path):
    content = write_content(tmp_path)
    first = build(content, tmp_path / "first")
    again = build(content, tmp_path / "again")
    assert len(again) == 8
    assert again == first


def test_source_date_epoch_is_honoured(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    pdfs = build(content, out, env={"SOURCE_DATE_EPOCH": "1763683200"})  # 2025-11-21 00:00 UTC
    with pikepdf.open(out / next(iter(pdfs))) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20251121")


def test_unchanged_build_rewrites_nothing(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    build(content, out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0
    assert "built 0, skipped 8" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
