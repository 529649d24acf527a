"""Batch builds: parallel output identical to serial, incremental, failures isolated, variants."""

from __future__ import annotations

import pypdfium2 as pdfium

from helpers import char_sizes, copy_content, run_cli


def pdfs(out):
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")}


def test_parallel_build_is_byte_identical_to_serial(tmp_path):
    for jobs in ("1", "2"):
        result = run_cli("build", "--jobs", jobs, "--out", str(tmp_path / jobs))
        assert result.returncode == 0, result.stderr
    assert len(pdfs(tmp_path / "1")) == 8
    assert pdfs(tmp_path / "1") == pdfs(tmp_path / "2")
    assert ((tmp_path / "1" / "manifest.json").read_bytes()
            == (tmp_path / "2" / "manifest.json").read_bytes())


def test_unchanged_build_imports_no_reportlab(tmp_path):
    assert run_cli("build", "--out", str(tmp_path)).returncode == 0
    result = run_cli("build", "--out", str(tmp_path), python_options=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    assert "skipped 8" in result.stdout
    imported = [line for line in result.stderr.splitlines() if "import time:" in line]
    assert imported, "no import timing printed"
    assert not [line for line in imported if "reportlab" in line]


def test_a_changed_file_rebuilds_only_what_uses_it(tmp_path):
    content = copy_content(tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    path = content / "ja" / "conditions" / "sciatica.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert "built 2, skipped 6" in result.stdout, result.stdout
    assert "built 8" in run_cli("build", "--force", "--content", str(content),
                                "--out", str(out)).stdout


def test_one_failing_document_does_not_stop_the_others(tmp_path):
    content = copy_content(tmp_path)
    path = content / "en" / "conditions" / "leg-pain.yaml"
    text = path.read_text(encoding="utf-8")
    long_paragraph = "  - " + "Leg pain can have many causes and many treatments. " * 40 + "\n"
    path.write_text(text.replace("what_it_is:\n", "what_it_is:\n" + long_paragraph * 3, 1),
                    encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1
    assert "failed: en/leg-pain-handout.pdf" in result.stderr
    assert "over the budget" in result.stderr and "Traceback" not in result.stderr
    built = {str(p) for p in pdfs(out)}
    assert "en/leg-pain-handout.pdf" not in built
    assert len(built) == 7


def test_letter_paper_is_612_by_792_points(tmp_path):
    result = run_cli("build", "--paper", "letter", "--kind", "aftercare", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.rglob("*-aftercare-letter.pdf"))
    assert len(files) == 4
    for path in files:
        document = pdfium.PdfDocument(path)
        assert [tuple(round(v) for v in document[i].get_size()) for i in range(len(document))] \
            == [(612, 792)] * len(document)


def test_large_print_body_text_is_at_least_16_pt_and_variants_do_not_collide(tmp_path):
    """DESIGN: large print body text at least 16 pt (the rest at least 14 pt, test_pages)."""
    assert run_cli("build", "--out", str(tmp_path)).returncode == 0
    result = run_cli("build", "--large-print", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(pdfs(tmp_path)) == 16
    for path in tmp_path.rglob("*-large.pdf"):
        sizes = char_sizes(path)
        body = sum(n for size, n in sizes.items() if size >= 16)     # DESIGN: large print >= 16 pt
        assert body / sum(sizes.values()) > 0.7, (path.name, sizes)
