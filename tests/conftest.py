"""The whole suite: code tests (tests/*.py, on content trees of their own: helpers.write_content)
and content QA (tests/content_qa/, on whatever content/ holds)."""

import datetime
import os
import subprocess
from pathlib import Path

import pytest


def _last_commit_date() -> str:
    """The suite's today: the date of the last commit (or a fixed date outside a checkout), so
    that the tests give the same result next year and whatever the clock or environment says."""
    try:
        date = subprocess.run(["git", "log", "-1", "--format=%cs"], capture_output=True,
                              text=True, timeout=10, cwd=Path(__file__).parent).stdout.strip()
        return datetime.date.fromisoformat(date).isoformat()
    except (OSError, ValueError, subprocess.SubprocessError):
        return "2026-12-01"


os.environ["HANDOUTS_TODAY"] = _last_commit_date()   # before helpers reads it
for name in ("HANDOUTS_CONTENT", "SOURCE_DATE_EPOCH"):  # tests set these where they mean to
    os.environ.pop(name, None)

from helpers import ROOT, run_cli  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Every test run (and the CLI processes it starts) uses its own cache folder, never the
    user's; tests that need an empty cache pass their own HANDOUTS_CACHE."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("HANDOUTS_CACHE")
    os.environ["HANDOUTS_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("HANDOUTS_CACHE", None)
    else:
        os.environ["HANDOUTS_CACHE"] = previous


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real `handouts build` of the bundled content, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out
