"""Incremental builds: a document is rebuilt exactly when something it is made from changed (its
content files, the code and fonts, its options), and an unchanged build still tells what is
wrong (warnings repeated from the manifest; --strict fails on them)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil

import pytest

from helpers import ROOT, edit, pdf_pages_text, run_cli, write_content

ALL = {
    f"{lang}/{slug}-{kind}.pdf"
    for lang in ("en", "ja")
    for slug in ("knee-ache", "back-ache")
    for kind in ("handout", "aftercare")
}


def build(content, out, *options, env=None):
    result = run_cli("build", "--content", str(content), "--out", str(out), *options, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def counts(result) -> tuple[int, int, int]:
    found = re.search(r"built (\d+), skipped (\d+) \(unchanged\), failed (\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    return tuple(int(n) for n in found.groups())


def manifest(out) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]


def rebuilt(out, before: dict) -> set[str]:
    """Documents whose manifest entry changed inputs since `before`."""
    after = manifest(out)
    return {name for name in after if after[name]["inputs"] != before.get(name, {}).get("inputs")}


def test_a_changed_renderer_rebuilds_everything(tmp_path):
    """An upgrade or an edited install changes the code: the old PDFs are out of date."""
    site = tmp_path / "site"
    package = site / "handouts"
    shutil.copytree(
        ROOT / "src" / "handouts", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "fonts", package / "fonts")  # as in an installed wheel
    env = {"PYTHONPATH": str(site)}
    assert str(package) in run_cli("--version", env=env).stdout  # the copy is what runs
    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    assert counts(build(content, out, "--jobs", "1", env=env)) == (4, 0, 0)
    assert counts(build(content, out, "--jobs", "1", env=env)) == (0, 4, 0)
    renderer = package / "render" / "pdf.py"
    renderer.write_text(
        renderer.read_text(encoding="utf-8") + "\n# a changed renderer\n", encoding="utf-8"
    )
    assert counts(build(content, out, "--jobs", "1", env=env)) == (4, 0, 0)
    assert counts(build(content, out, "--jobs", "1", env=env)) == (0, 4, 0)


AFTERCARE = {name for name in ALL if name.endswith("-aftercare.pdf")}
EDITS = [  # (file, old, new, the documents made from it)
    # A condition file goes into its documents, and into its translations' (fallback).
    (
        "en/conditions/knee-ache.yaml",
        "title: Knee ache",
        "title: Knee pain",
        {"en/knee-ache-aftercare.pdf", "ja/knee-ache-aftercare.pdf"},
    ),
    (
        "ja/conditions/knee-ache.yaml",
        "title: ひざの痛み",
        "title: ひざのいたみ",
        {"ja/knee-ache-aftercare.pdf"},
    ),
    # Any other file of a language folder goes into every document of that language ...
    (
        "ja/aftercare.yaml",
        "title: ",
        "title: 新しい",
        {n for n in AFTERCARE if n.startswith("ja/")},
    ),
    # ... and of its translations when it is the source language's.
    ("en/ui.yaml", "qr_map: ", "qr_map: Please ", AFTERCARE),
    # Shared files and artwork go into every document.
    ("diagrams/test-body.svg", 'stroke-width="1.6"', 'stroke-width="1.8"', AFTERCARE),
    ("points.yaml", "y: 120.0", "y: 121.0", AFTERCARE),
]


def test_a_changed_file_rebuilds_exactly_the_documents_made_from_it(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    assert counts(build(content, out, "--kind", "aftercare")) == (4, 0, 0)
    for relative, old, new, expected in EDITS:
        before = manifest(out)
        edit(content / relative, old, new)
        result = build(content, out, "--kind", "aftercare")
        assert result.returncode == 0, result.stderr
        assert rebuilt(out, before) == expected, relative
        assert counts(result) == (len(expected), 4 - len(expected), 0), relative


def test_hidden_files_are_not_inputs(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    build(content, out)
    (content / "en" / ".ui.yaml.swp").write_text("an editor's scratch file", encoding="utf-8")
    (content / ".DS_Store").write_bytes(b"\0\1")
    assert counts(build(content, out)) == (0, 8, 0)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_the_content_tree_does_not_hang_the_build(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    os.mkfifo(content / "en" / "notes")  # nobody ever writes to it
    result = run_cli(
        "build",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "out"),
        "--lang",
        "en",
        "--kind",
        "aftercare",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert counts(result) == (1, 0, 0)


def test_a_library_caller_who_edits_content_gets_a_rebuild(tmp_path):
    """No cache outlives one build: the same process builds, edits, builds again."""
    from handouts.deliver.build import build as run_build

    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    target = ["en/knee-ache-aftercare.pdf"]
    select = dict(langs=["en"], conditions=["knee-ache"], kinds=["aftercare"], workers=1)
    assert run_build(content, out, **select).built == target
    assert run_build(content, out, **select).skipped == target
    edit(content / "en" / "aftercare.yaml", "title: ", "title: Edited, ")
    assert run_build(content, out, **select).built == target
    assert "Edited," in "".join(pdf_pages_text(out / target[0]))


WARNING = re.compile(r"^\S+:\d+:\d+: warning: .*$", re.MULTILINE)


def test_an_unchanged_build_repeats_the_warnings_and_strict_fails_on_them(tmp_path):
    content = write_content(tmp_path)
    (content / "ja" / "conditions" / "back-ache.yaml").unlink()  # English stands in
    out = tmp_path / "out"
    first = build(content, out)
    assert first.returncode == 0, first.stderr
    warnings = WARNING.findall(first.stderr)
    assert len(warnings) == 1, first.stderr
    assert re.search(
        r"ja/conditions/back-ache\.yaml:1:1: warning: no ja translation of "
        r"en/conditions/back-ache\.yaml; using the en text",
        warnings[0],
    )

    again = build(content, out)
    assert again.returncode == 0 and counts(again) == (0, 8, 0)
    assert WARNING.findall(again.stderr) == warnings

    strict = build(content, out, "--strict")
    assert strict.returncode == 1 and counts(strict) == (0, 8, 0)
    assert WARNING.findall(strict.stderr) == warnings
    assert "error: 1 warning(s) and --strict" in strict.stderr
    assert run_cli("check", "--content", str(content), "--strict").returncode == 1

    # Only the documents made from the file repeat its warning.
    english = build(content, out, "--lang", "en", "--strict")
    assert english.returncode == 0 and WARNING.findall(english.stderr) == []
    knee = build(content, out, "--condition", "knee-ache", "--strict")
    assert knee.returncode == 0 and WARNING.findall(knee.stderr) == []


def test_strict_build_without_warnings_passes(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    result = build(content, tmp_path / "out", "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


MALFORMED = [
    None,
    "a string",
    [1, 2],
    42,
    {},
    {"inputs": 5, "sha256": "x"},
    {"inputs": "x", "sha256": "y", "warnings": "none"},
    {"inputs": "x", "sha256": "y", "warnings": [None]},
]


def test_malformed_manifest_entries_are_ignored_and_rebuilt(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache", "back-ache", "foot-ache"))
    out = tmp_path / "out"
    assert counts(build(content, out)) == (12, 0, 0)
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    damaged = sorted(data["documents"])[: len(MALFORMED)]
    for name, entry in zip(damaged, MALFORMED):
        data["documents"][name] = entry
    (out / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    result = build(content, out)
    assert result.returncode == 0, result.stderr
    assert counts(result) == (len(MALFORMED), 12 - len(MALFORMED), 0)
    entries = manifest(out)  # every entry well-formed again
    assert set(entries) == {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    for name, entry in entries.items():
        assert isinstance(entry["inputs"], str) and entry["warnings"] == []
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()


DAMAGED = [
    "",
    "not json",
    "null",
    "[]",
    '{"documents": null}',
    '{"documents": []}',
    "[" * 100000 + "]" * 100000,
    "\udcff",
]


def test_a_damaged_manifest_rebuilds_everything(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    options = ("--lang", "en", "--kind", "aftercare")
    build(content, out, *options)
    for text in DAMAGED:
        (out / "manifest.json").write_bytes(text.encode("utf-8", "surrogateescape"))
        result = build(content, out, *options)
        assert result.returncode == 0, result.stderr
        assert counts(result) == (1, 0, 0), text[:20]
        assert set(manifest(out)) == {"en/knee-ache-aftercare.pdf"}


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "1e9", "12 34", "9" * 30, "\u0661\u0662"])
def test_source_date_epoch_that_is_not_a_number_is_one_clear_error(tmp_path, value):
    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    result = build(content, out, env={"SOURCE_DATE_EPOCH": value})
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: SOURCE_DATE_EPOCH=")
    assert "whole seconds since 1970-01-01" in result.stderr
    assert not out.exists()


def test_a_changed_source_date_epoch_rebuilds_with_its_date(tmp_path):
    import pikepdf

    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    options = ("--lang", "en", "--kind", "aftercare")
    assert counts(build(content, out, *options, env={"SOURCE_DATE_EPOCH": "1763683200"})) == (
        1,
        0,
        0,
    )
    assert counts(build(content, out, *options, env={"SOURCE_DATE_EPOCH": "1763683200"})) == (
        0,
        1,
        0,
    )
    assert counts(build(content, out, *options, env={"SOURCE_DATE_EPOCH": "1795219200"})) == (
        1,
        0,
        0,
    )
    with pikepdf.open(out / "en" / "knee-ache-aftercare.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20261121")  # 1795219200
