"""Command-line conventions: help and environment variables for every option, usage errors as
exit 2, a console that cannot show Japanese, the version in one place."""

from __future__ import annotations

import importlib.metadata
import re

import click
import pytest
import yaml

from handouts import __version__
from handouts.cli import cli
from helpers import run_cli, write_content

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_says_what_it_does_and_its_environment_variable(name):
    result = run_cli(name, "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # help lines wrap anywhere
    for param in cli.commands[name].params:
        if not isinstance(param, click.Option):
            continue
        assert param.help, f"{name} {param.opts[0]} has no help text"
        variable = param.envvar or f"HANDOUTS_{name.upper().replace('-', '_')}_{param.name.upper()}"
        assert f"env var: {variable}" in text, (param.opts, text)


def test_the_fixed_environment_variables_still_work(tmp_path):
    """DESIGN.md section 2: HANDOUTS_CONTENT names the content folder; the command line wins."""
    content = write_content(tmp_path, conditions=("knee-ache",))
    by_env = run_cli("list", env={"HANDOUTS_CONTENT": str(content)})
    assert by_env.returncode == 0 and "knee-ache" in by_env.stdout, by_env.stderr
    both = run_cli("list", "--content", str(content), env={"HANDOUTS_CONTENT": "/nonexistent"})
    assert both.returncode == 0 and "knee-ache" in both.stdout, both.stderr


def test_an_option_from_the_environment_and_the_command_line_beats_it(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    out = tmp_path / "out"
    args = (
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        "--lang",
        "en",
        "--kind",
        "handout",
    )
    assert run_cli(*args, env={"HANDOUTS_BUILD_PAPER": "letter"}).returncode == 0
    assert (out / "en" / "knee-ache-handout-letter.pdf").exists()
    assert run_cli(*args, "--paper", "a4", env={"HANDOUTS_BUILD_PAPER": "letter"}).returncode == 0
    assert (out / "en" / "knee-ache-handout.pdf").exists()


def test_a_variable_named_like_version_does_not_print_the_version(tmp_path):
    content = write_content(tmp_path, conditions=("knee-ache",))
    result = run_cli("list", "--content", str(content), env={"HANDOUTS_VERSION": "1"})
    assert result.returncode == 0 and "knee-ache" in result.stdout, result.stdout


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])  # cp1252: a Windows console
def test_japanese_output_on_a_console_that_cannot_show_it(tmp_path, encoding):
    content = write_content(tmp_path, conditions=("knee-ache",))
    title = yaml.safe_load(
        (content / "ja" / "conditions" / "knee-ache.yaml").read_text(encoding="utf-8")
    )["title"]
    result = run_cli(
        "email",
        "--content",
        str(content),
        "--to",
        "patient@example.org",
        "--lang",
        "ja",
        "--condition",
        "knee-ache",
        "--dry-run",
        env={"PYTHONIOENCODING": encoding},
    )
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    # Shown as escapes (\uXXXX), or as itself where the console wrapper managed UTF-8.
    escaped = title.encode("ascii", "backslashreplace").decode()
    assert escaped in result.stdout or title in result.stdout, result.stdout
    assert "not sent (dry run)" in result.stdout


@pytest.mark.parametrize(
    "args,option",
    [
        (("aftercare", "--lang", "en", "--condition", "knee-ache", "-o", "sheet.txt"), "--output"),
        (
            (
                "email",
                "--to",
                "two@example.org, three@example.org",
                "--lang",
                "en",
                "--condition",
                "knee-ache",
                "--dry-run",
            ),
            "--to",
        ),
    ],
)
def test_a_malformed_option_value_is_a_usage_error(tmp_path, args, option):
    content = write_content(tmp_path, conditions=("knee-ache",))
    result = run_cli(*args, "--content", str(content), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert re.search(rf"Invalid value for .*'{option}'", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "sheet.txt").exists()


def test_the_version_is_in_one_place():
    """The installed metadata (pyproject reads handouts.__version__) and --version agree."""
    assert importlib.metadata.version("handouts") == __version__
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith(f"handouts {__version__} "), result
