"""Where settings come from: the command line beats the environment, which beats the default
(click's order, wherever --content is written); "today" is pinnable (HANDOUTS_TODAY)."""

from __future__ import annotations

import datetime
import re

import pytest

from helpers import TODAY, run_cli, write_content


@pytest.fixture
def trees(tmp_path):
    """Three content trees told apart by their conditions; 'default' is ./content of the cwd."""
    made = {}
    for name, slug in (
        ("option", "knee-ache"),
        ("environment", "back-ache"),
        ("default", "foot-ache"),
    ):
        folder = tmp_path / name
        folder.mkdir()
        made[name] = write_content(folder, conditions=(slug,))
    cwd = tmp_path / "default"  # its content/ is the default tree
    return made, cwd


def listed(result) -> str:
    assert result.returncode == 0, result.stderr
    return next(line.split()[0] for line in result.stdout.splitlines()[1:])


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_command_line_beats_the_environment(trees, where):
    made, cwd = trees
    option = ("--content", str(made["option"]))
    args = (*option, "list") if where == "before" else ("list", *option)
    result = run_cli(*args, cwd=cwd, env={"HANDOUTS_CONTENT": str(made["environment"])})
    assert listed(result) == "knee-ache"


def test_the_environment_beats_the_default(trees):
    made, cwd = trees
    result = run_cli("list", cwd=cwd, env={"HANDOUTS_CONTENT": str(made["environment"])})
    assert listed(result) == "back-ache"
    assert listed(run_cli("list", cwd=cwd)) == "foot-ache"


def test_the_command_line_wins_for_build_and_check_too(trees, tmp_path):
    made, cwd = trees
    env = {"HANDOUTS_CONTENT": str(tmp_path / "nowhere")}
    out = tmp_path / "out"
    result = run_cli(
        "--content",
        str(made["option"]),
        "build",
        "--lang",
        "en",
        "--kind",
        "aftercare",
        "--out",
        str(out),
        cwd=cwd,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.rglob("*.pdf")] == ["knee-ache-aftercare.pdf"]
    result = run_cli("check", "--content", str(made["option"]), cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    # Given twice, the one nearer the command (after it) wins.
    result = run_cli(
        "--content",
        str(made["environment"]),
        "list",
        "--content",
        str(made["option"]),
        cwd=cwd,
        env=env,
    )
    assert listed(result) == "knee-ache"


@pytest.mark.parametrize(
    "command",
    [(), ("build",), ("check",), ("list",), ("aftercare",), ("email",), ("mark-translated",)],
)
def test_help_names_the_environment_variable_and_the_default(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert re.search(
        r"--content PATH Content folder\. \[env var: HANDOUTS_CONTENT; default: "
        r"content\]",
        text,
    ), result.stdout


def test_review_age_is_judged_as_of_handouts_today(tmp_path):
    """Reviewed on TODAY with a 24-month limit: due two years on, overdue a day later."""
    content = write_content(tmp_path, conditions=("knee-ache",))
    due = (
        TODAY.replace(year=TODAY.year + 2)
        if (TODAY.month, TODAY.day) != (2, 29)
        else datetime.date(TODAY.year + 2, 2, 28)
    )
    on_time = run_cli(
        "check", "--content", str(content), "--strict", env={"HANDOUTS_TODAY": due.isoformat()}
    )
    assert on_time.returncode == 0, on_time.stderr
    late = run_cli(
        "check",
        "--content",
        str(content),
        "--strict",
        env={"HANDOUTS_TODAY": (due + datetime.timedelta(days=1)).isoformat()},
    )
    assert late.returncode == 1
    assert re.search(
        rf"knee-ache\.yaml:\d+:\d+: warning: reviewed on {TODAY.isoformat()}, "
        r"more than 24 months ago",
        late.stderr,
    ), late.stderr
    listed = run_cli(
        "list",
        "--reviews",
        "--content",
        str(content),
        env={"HANDOUTS_TODAY": (due + datetime.timedelta(days=1)).isoformat()},
    )
    assert listed.returncode == 0, listed.stderr
    assert re.search(
        rf"^knee-ache +en +reviewed {TODAY.isoformat()}, due {due.isoformat()}: "
        "OVERDUE$",
        listed.stdout,
        re.MULTILINE,
    ), listed.stdout
    soon = run_cli(
        "list",
        "--reviews",
        "--content",
        str(content),
        env={"HANDOUTS_TODAY": (due - datetime.timedelta(days=10)).isoformat()},
    )
    assert re.search(r"^knee-ache +ja +reviewed .*: due in 10 days$", soon.stdout, re.MULTILINE), (
        soon.stdout
    )


@pytest.mark.parametrize(
    "value",
    ["tomorrow", "2026-02-30", "2026-1-5", "26-11-21", "2026-11-21T10:00", "２０２６-１１-２１"],
)
def test_a_malformed_handouts_today_is_one_clear_error(tmp_path, value):
    content = write_content(tmp_path, conditions=("knee-ache",))
    for command in (("check",), ("list", "--reviews")):
        result = run_cli(*command, "--content", str(content), env={"HANDOUTS_TODAY": value})
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.startswith("error: HANDOUTS_TODAY=")
        assert "YYYY-MM-DD" in result.stderr and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
