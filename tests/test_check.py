"""`handouts check` on broken content trees (the tests' own): precise places, exit 1, no
traceback."""

from __future__ import annotations

import re

import pytest

from helpers import check, copy_content, edit, place_of, run_cli, write_content


def line_of(path, needle):
    return place_of(path, needle)[0]


def assert_reported(result, path, line, message_pattern):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    pattern = rf"{re.escape(str(path))}:{line}:\d+: error: .*{message_pattern}"
    assert re.search(pattern, result.stderr), result.stderr


def test_own_content_passes(tmp_path):
    result = check(write_content(tmp_path), "--strict")
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_yaml_syntax_error(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    edit(path, "title: Knee ache", "title: [Knee ache")
    assert_reported(check(content), path, line_of(path, "[Knee ache") + 1, "YAML syntax")


def test_unknown_key_with_hint(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "back-ache.yaml"
    edit(path, "\nsummary:", "\nsumary:")
    result = check(content)
    assert_reported(result, path, line_of(path, "sumary:"), "unknown key 'sumary'")
    assert "did you mean 'summary'?" in result.stderr


def test_missing_required_field(tmp_path):
    content = write_content(tmp_path)
    path = content / "ja" / "ui.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("qr_email:")) + "\n",
        encoding="utf-8",
    )
    # A translation missing a key falls back to English with a warning ...
    result = check(content)
    assert result.returncode == 0
    assert "qr_email" in result.stderr and "warning" in result.stderr
    # ... but the source language must have every required key.
    path = content / "en" / "aftercare.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^intro:.*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    assert_reported(check(content), path, 1, "missing required key 'intro'")


def test_unknown_point_code_with_hint(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    edit(path, "code: ST36", "code: GB31")
    edit(path, "code: LR3", "code: LV03")
    result = check(content)
    assert_reported(result, path, line_of(path, "GB31"), "unknown point code 'GB31'")
    assert_reported(
        result, path, line_of(path, "LV03"), r"unknown point code 'LV03'.*did you mean LR3\?"
    )


def test_alias_is_accepted(tmp_path):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    edit(path, "code: LR3", "code: LV3")
    result = check(content)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "value,message",
    [
        ("title: 42", "expected text"),
        ("title: ''", "text is empty"),
        ("title:\n  - a list", "expected text"),
    ],
)
def test_wrong_types(tmp_path, value, message):
    content = write_content(tmp_path)
    path = content / "en" / "conditions" / "knee-ache.yaml"
    edit(path, "title: Knee ache", value)
    assert_reported(
        check(content), path, line_of(path, "title:") + (1 if "\n" in value else 0), message
    )


def test_unknown_language_and_condition_in_build(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--lang", "fr", "--out", str(out))
    assert result.returncode == 1 and "unknown language 'fr'" in result.stderr
    result = run_cli(
        "build", "--content", str(content), "--condition", "knee-ach", "--out", str(out)
    )
    assert result.returncode == 1 and "did you mean 'knee-ache'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_missing_content_folder_is_a_clear_error(tmp_path):
    result = run_cli("check", "--content", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "no content found" in result.stderr and "Traceback" not in result.stderr


def test_usage_error_exits_2():
    assert run_cli("build", "--kind", "poster").returncode == 2


def test_point_without_a_diagram_position(tmp_path):
    content = write_content(tmp_path)
    registry = content / "points.yaml"
    lines, inside = [], False
    for line in registry.read_text(encoding="utf-8").splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            inside = line.strip() == "GV4:"
        if inside and line.strip().startswith(("view:", "x:", "y:")):
            continue
        lines.append(line)
    registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = content / "en" / "conditions" / "back-ache.yaml"
    assert_reported(
        check(content), path, line_of(path, "code: GV4"), "point GV4 has no diagram position"
    )


def test_personal_data_stays_out_of_out_and_metadata(tmp_path):
    import pikepdf

    content = write_content(tmp_path, conditions=("knee-ache",))
    refused = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        "--patient",
        "Hanako Testperson",
        "-o",
        "out/personal.pdf",
    )
    assert refused.returncode == 1 and "not written to out/" in refused.stderr
    target = tmp_path / "sheet.pdf"
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        "--patient",
        "Hanako Testperson",
        "--practitioner",
        "Ken Testpractitioner",
        "--note",
        "Private note",
        "-o",
        str(target),
    )
    assert result.returncode == 0, result.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    with pikepdf.open(target) as pdf:
        metadata = " ".join(str(v) for v in pdf.docinfo.values())
    for private in ("Hanako", "Testperson", "Ken Testpractitioner", "Private note"):
        assert private not in metadata
        assert private not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "option,value,message",
    [
        ("--date", "2026-13-45", "is not a date"),
        ("--next", "tomorrow", "is not a date and time"),
        ("--points", "ST36,XX99", "unknown point code 'XX99'"),
        ("--points", "LV03", "did you mean LR3"),
        ("--patient", "Hanako\nBcc: x@example.org", "control characters"),
    ],
)
def test_bad_personal_input_is_a_clear_error(tmp_path, option, value, message):
    content = write_content(tmp_path, conditions=("knee-ache",))
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        option,
        value,
        "-o",
        str(tmp_path / "sheet.pdf"),
    )
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "sheet.pdf").exists()


def test_a_note_that_cannot_fit_is_an_error_not_a_clipped_page(tmp_path):
    note = "Please keep stretching gently every morning and evening. " * 120
    content = write_content(tmp_path, conditions=("knee-ache",))
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        "--note",
        note,
        "-o",
        str(tmp_path / "sheet.pdf"),
    )
    assert result.returncode == 1
    assert "shorten --note" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "sheet.pdf").exists()


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        (
            "ja/ui.yaml",
            'patient_name: "{patient} 様"',
            'patient_name: "様"',
            r"patient_name: the placeholder \{patient\} is missing",
        ),
        (
            "ja/ui.yaml",
            'date_format: "y年M月d日"',
            'date_format: "y年M月"',
            r"date_format: 'y年M月' does not show d",
        ),
        (
            "en/ui.yaml",
            'next_visit_format: "EEEE, MMMM\\u00a0d, y, h:mm\\u00a0a"',
            'next_visit_format: "EEEE, MMMM d, y at h:mm a"',
            r"uses unknown pattern letters t",
        ),
        (
            "ja/ui.yaml",
            'aftercare_title: "{title}：{condition}"',
            'aftercare_title: "{title}：{slug}"',
            r"aftercare_title: unknown placeholder \{slug\}",
        ),
        (
            "clinic.yaml",
            "timezone: Asia/Tokyo",
            "timezone: Asia/Tokio",
            r"'Asia/Tokio' is not a time zone",
        ),
    ],
)
def test_labels_that_would_print_a_sheet_wrongly(tmp_path, file, old, new, message):
    content = copy_content(tmp_path)
    path = content / file
    edit(path, old, new)
    assert_reported(check(content), path, line_of(path, new.split(":")[0] + ":"), message)
