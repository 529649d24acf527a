"""Every YAML file is read by one reader (handouts.content.yamlsrc): a broken settings or language
file
is a positioned content error in every command, never a traceback or a silent empty build."""

from __future__ import annotations

import pytest

from helpers import copy_content, run_cli


def _break(path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["list"],
        ["build", "--out", "{out}"],
        ["aftercare", "--lang", "ja", "--condition", "sciatica", "-o", "{out}/sheet.pdf"],
    ],
)
@pytest.mark.parametrize("broken", ["handouts.yaml", "ja/language.yaml"])
def test_broken_yaml_is_a_positioned_error(tmp_path, command, broken):
    content = copy_content(tmp_path)
    path = content / broken
    lines = len(path.read_text(encoding="utf-8").splitlines())
    _break(path, "font_size: [12, 14\nnext: 1\n")  # an unclosed flow list
    out = tmp_path / "out"
    args = [arg.replace("{out}", str(out)) for arg in command]
    result = run_cli("--content", str(content), *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    expected = f"{path}:{lines + 2}:"
    assert any(
        line.startswith(expected) and ": error: YAML syntax:" in line
        for line in result.stderr.splitlines()
    ), result.stderr
    if command[0] == "build" and broken == "handouts.yaml":
        assert not list(out.rglob("*.pdf"))  # nothing built from settings nobody can read


def test_shipped_yaml_files_read_as_plain_values():
    """fonts.yaml and the web page's catalog come through the same reader, as plain values."""
    from handouts.content.fontfiles import font_families
    from handouts.deliver.web.texts import catalog

    families = font_families()
    assert families and all(type(files["regular"]) is str for files in families.values())
    words = catalog()["en"]
    assert words and all(type(word) is str for word in words.values())


def test_a_broken_shipped_file_is_a_positioned_error(tmp_path):
    from handouts.content.yamlsrc import read_yaml
    from handouts.errors import ContentError

    path = tmp_path / "fonts.yaml"
    path.write_text("Noto Sans:\n  regular: a.ttf\n\tbold: b.ttf\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_yaml(path)
    assert [str(d.mark) for d in caught.value.diagnostics] == [f"{path}:3:1"]
