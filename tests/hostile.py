"""Shared checks for the hostile-input tests: run the real CLI within a time bound and read its
verdict (exit code, one located error, no traceback, nothing written)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from helpers import ROOT

TODAY = "2026-11-21"  # pinned: date checks do not depend on when the suite runs
DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): ")


class Run:
    """A finished CLI run and how long it took."""

    def __init__(self, result: subprocess.CompletedProcess, seconds: float):
        self.returncode, self.stdout, self.stderr = result.returncode, result.stdout, result.stderr
        self.seconds = seconds

    def diagnostics(self, severity: str = "error") -> list[re.Match]:
        return [
            m
            for m in map(DIAGNOSTIC.match, self.stderr.splitlines())
            if m and m["severity"] == severity
        ]


def run(*args: str, bound: float = 60, env: dict | None = None, cwd: Path = ROOT) -> Run:
    """`python -m handouts ...`, killed (and the test failed) if it takes longer than `bound`.
    No SMTP settings are inherited; today is pinned."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("HANDOUTS_SMTP_")}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "handouts", *args],
        cwd=cwd,
        env={**base, "HANDOUTS_TODAY": TODAY, **(env or {})},
        capture_output=True,
        text=True,
        timeout=bound,
    )
    outcome = Run(result, time.monotonic() - started)
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert "internal error" not in outcome.stderr, outcome.stderr
    return outcome


def assert_one_error_at(
    outcome: Run, path: Path, line: int, column: int | None, *words: str
) -> str:
    """Exit 1 and exactly one located error, at path:line(:column), saying `words`."""
    assert outcome.returncode == 1, outcome.stdout + outcome.stderr
    errors = outcome.diagnostics()
    assert len(errors) == 1, outcome.stderr
    (error,) = errors
    assert os.path.abspath(error["path"]) == os.path.abspath(path), outcome.stderr
    assert int(error["line"]) == line, outcome.stderr
    if column is not None:
        assert int(error["col"]) == column, outcome.stderr
    text = error.string
    for word in words:
        assert word in text, text
    return text


def error_line(outcome: Run) -> str:
    """The one `error: ...` line of a command that is not about content."""
    lines = [
        line for line in outcome.stderr.splitlines() if line.strip() and ": warning: " not in line
    ]
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("error: "), outcome.stderr
    return lines[0]


def nothing_in(folder: Path) -> bool:
    """No file at all below `folder` (no PDF, no manifest, no temporary file)."""
    return not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))
