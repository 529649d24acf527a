"""Content QA: `handouts check --strict` and `handouts list` on the bundled content, whatever
it holds (judged as of the suite's today, the last commit's date)."""

from __future__ import annotations

import re

import yaml

from helpers import (
    CONTENT,
    JIS_NO_LINE_END,
    JIS_NO_LINE_START,
    check,
    copy_content,
    place_of,
    run_cli,
    supply_clinic_contact,
)

SOURCE = yaml.safe_load((CONTENT / "handouts.yaml").read_text(encoding="utf-8"))["source_language"]
LANGS = sorted(
    p.name
    for p in CONTENT.iterdir()
    if p.is_dir() and p.name != "diagrams" and not p.name.startswith(".")
)
CONDITIONS = sorted(p.stem for p in (CONTENT / SOURCE / "conditions").glob("*.yaml"))


def test_bundled_content_passes_strict_check_with_a_figure_per_document(tmp_path):
    content = copy_content(tmp_path)
    # The bundled phone number is a marked placeholder: a warning, so --strict fails on it ...
    result = check(content)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 1 warning(s)" in result.stdout
    line, column = place_of(content / "clinic.yaml", "03-XXXX-XXXX")
    assert re.search(
        rf"^{re.escape(str(content / 'clinic.yaml'))}:{line}:{column - 1}: warning: "
        r"phone '03-XXXX-XXXX' and opening hours are placeholders",
        result.stderr,
        re.MULTILINE,
    ), result.stderr
    assert check(content, "--strict").returncode == 1
    # ... until the clinic supplies its own number.
    supply_clinic_contact(content)
    result = check(content, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout
    for lang in LANGS:
        limits = yaml.safe_load((CONTENT / lang / "language.yaml").read_text(encoding="utf-8"))
        max_grade = (limits.get("plain_language") or {}).get("max_grade")
        for slug in CONDITIONS:
            for kind in ("handout", "aftercare"):
                figure = re.search(
                    rf"^{re.escape(f'{lang}/{slug} {kind}')}: (.*)$", result.stdout, re.MULTILINE
                )
                assert figure, (lang, slug, kind, result.stdout)
                if max_grade is not None:  # English: a grade at or under the limit
                    grade = re.match(
                        r"grade (\d+\.\d) \(max [\d.]+\), (\d+) words$", figure.group(1)
                    )
                    assert grade and float(grade.group(1)) <= max_grade, figure.group(0)


def test_every_translation_is_up_to_date():
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    rows = [
        line.split()
        for line in result.stdout.splitlines()[1:]
        if line.split() and line.split()[0] in CONDITIONS
    ]
    assert [row[0] for row in rows] == CONDITIONS
    for row in rows:
        assert set(row[1:]) <= {"source", "ok"}, row
    shared = [line for line in result.stdout.splitlines() if "shared files" in line]
    assert all(not re.search(r"\b(stale|missing|partial)\b", line) for line in shared), shared


def test_no_review_is_overdue():
    result = run_cli("list", "--reviews")
    assert result.returncode == 0, result.stderr
    assert "OVERDUE" not in result.stdout and "never reviewed" not in result.stdout, result.stdout


def test_japanese_line_breaking_keeps_the_jis_x_4051_minimum():
    """ja/language.yaml's kinsoku characters include every one the standard requires."""
    breaking = yaml.safe_load((CONTENT / "ja" / "language.yaml").read_text(encoding="utf-8"))[
        "line_breaking"
    ]
    assert [c for c in JIS_NO_LINE_START if c not in breaking["no_line_start"]] == []
    assert [c for c in JIS_NO_LINE_END if c not in breaking["no_line_end"]] == []
