"""Batch builds: parallel output identical to serial, incremental, failures isolated, variants.

All on the tests' own content tree (helpers.write_content: 2 conditions x 2 languages x 2 kinds)."""

from __future__ import annotations

import pypdfium2 as pdfium

from helpers import char_sizes, run_cli, write_content


def pdfs(out):
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")}


def test_parallel_build_is_byte_identical_to_serial(tmp_path):
    content = write_content(tmp_path)
    for jobs in ("1", "2"):
        result = run_cli(
            "build", "--content", str(content), "--jobs", jobs, "--out", str(tmp_path / jobs)
        )
        assert result.returncode == 0, result.stderr
    assert len(pdfs(tmp_path / "1")) == 8
    assert pdfs(tmp_path / "1") == pdfs(tmp_path / "2")
    assert (tmp_path / "1" / "manifest.json").read_bytes() == (
        tmp_path / "2" / "manifest.json"
    ).read_bytes()


def test_unchanged_build_imports_no_reportlab(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    result = run_cli(
        "build", "--content", str(content), "--out", str(out), python_options=("-X", "importtime")
    )
    assert result.returncode == 0, result.stderr
    assert "skipped 8" in result.stdout
    imported = [line for line in result.stderr.splitlines() if "import time:" in line]
    assert imported, "no import timing printed"
    assert not [line for line in imported if "reportlab" in line]


def test_a_changed_file_rebuilds_only_what_uses_it(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    path = content / "ja" / "conditions" / "knee-ache.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert "built 2, skipped 6" in result.stdout, result.stdout
    assert (
        "built 8"
        in run_cli("build", "--force", "--content", str(content), "--out", str(out)).stdout
    )


def test_one_failing_document_does_not_stop_the_others(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    text = path.read_text(encoding="utf-8")
    long_paragraph = "  - " + "Leg pain can have many causes and many treatments. " * 40 + "\n"
    path.write_text(
        text.replace("what_it_is:\n", "what_it_is:\n" + long_paragraph * 3, 1), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1
    assert "failed: en/knee-ache-handout.pdf" in result.stderr
    assert "over the budget" in result.stderr and "Traceback" not in result.stderr
    built = {str(p) for p in pdfs(out)}
    assert "en/knee-ache-handout.pdf" not in built
    assert len(built) == 7


def test_letter_paper_is_612_by_792_points(tmp_path):
    content = write_content(tmp_path)
    result = run_cli(
        "build",
        "--content",
        str(content),
        "--paper",
        "letter",
        "--kind",
        "aftercare",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "out").rglob("*-aftercare-letter.pdf"))
    assert len(files) == 4
    for path in files:
        document = pdfium.PdfDocument(path)
        assert [tuple(round(v) for v in document[i].get_size()) for i in range(len(document))] == [
            (612, 792)
        ] * len(document)


def test_large_print_body_text_is_at_least_18_pt_and_variants_do_not_collide(tmp_path):
    """Issue 17: large print body text at least 18 pt (the rest at least 14 pt, test_pages)."""
    content = write_content(tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    result = run_cli("build", "--content", str(content), "--large-print", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(pdfs(out)) == 16
    for path in out.rglob("*-large.pdf"):
        sizes = char_sizes(path)
        body = sum(n for size, n in sizes.items() if size >= 18)  # issue 17: large print >= 18 pt
        assert body / sum(sizes.values()) > 0.7, (path.name, sizes)
