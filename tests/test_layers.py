"""The layer contract ([tool.importlinter] in pyproject.toml), checked by import-linter: each
layer imports only from the layers below it (cli > deliver > render > compose > content > base
modules), and reportlab is imported only inside handouts.render."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.exit(lint_imports_command())",
]


def lint(source: Path, cwd: Path) -> subprocess.CompletedProcess:
    """lint-imports with the project's contracts, on the package found under `source`."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run(
        [*LINT, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_layers_are_kept():
    done = lint(ROOT / "src", ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_an_upward_import_and_reportlab_outside_render_break_the_contract(tmp_path):
    """The contract can fail: a copy of the package with an upward import (compose -> deliver)
    and a reportlab import in content breaks both contracts, naming the lines."""
    source = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "handouts", source / "handouts", ignore=shutil.ignore_patterns("__pycache__")
    )
    with open(source / "handouts" / "compose" / "document.py", "a", encoding="utf-8") as file:
        file.write("\nfrom handouts.deliver import build  # upward\n")
    with open(source / "handouts" / "content" / "style.py", "a", encoding="utf-8") as file:
        file.write("\nimport reportlab  # outside render\n")
    done = lint(source, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 kept, 2 broken" in done.stdout
    assert "handouts.compose.document -> handouts.deliver.build" in done.stdout
    assert "handouts.content.style -> reportlab" in done.stdout
