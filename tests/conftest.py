"""The whole suite: code tests (tests/*.py, on content trees of their own: helpers.write_content)
and content QA (tests/content_qa/, on whatever content/ holds)."""

import datetime
import logging
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis in CI (the workflow and .ci/run set CI): the same examples on every run, so that a
# red run is the code's doing and can be repeated; no example database. HYPOTHESIS_PROFILE
# picks one by name (e.g. HYPOTHESIS_PROFILE=ci locally).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


def _last_commit_date() -> str:
    """The suite's today: the date of the last commit (or a fixed date outside a checkout), so
    that the tests give the same result next year and whatever the clock or environment says."""
    try:
        date = subprocess.run(
            ["git", "log", "-1", "--format=%cs"],
            capture_output=True,
            text=True,
            timeout=10,
            cwd=Path(__file__).parent,
        ).stdout.strip()
        return datetime.date.fromisoformat(date).isoformat()
    except (OSError, ValueError, subprocess.SubprocessError):
        return "2026-12-01"


os.environ["HANDOUTS_TODAY"] = _last_commit_date()  # before helpers reads it
for name in ("HANDOUTS_CONTENT", "SOURCE_DATE_EPOCH"):  # tests set these where they mean to
    os.environ.pop(name, None)

import helpers  # noqa: E402
from helpers import ROOT, expanded, pdf_pages_text, readable_forms, run_cli  # noqa: E402


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


# -- privacy: after every test, no patient name where it must never go ---------------------------
# The names the tests give as patients and practitioners (write new tests with these).
PERSONAL_NAMES = (
    "Hanako Testperson",
    "テスト 花子",
    "Ken Testpractitioner",
    "テスト 健",
    "山田 花子",
    "𠮷田 花子",
    "Zebulon Quartermaine-Okonkwo",
    "鰐淵 千草",
    "Ichabod Pemberton-Vos",
)


def _files(folders: list[Path]) -> dict[Path, tuple[int, int]]:
    return {
        path: (status.st_mtime_ns, status.st_size)
        for folder in folders
        if folder.is_dir()
        for path in folder.rglob("*")
        if path.is_file() and (status := path.stat())
    }


def _names_in(path: Path) -> list[str]:
    data = path.read_bytes()
    texts = expanded(data)
    if path.suffix == ".pdf":
        texts += [text.encode("utf-8") for text in pdf_pages_text(data)]  # compressed text
    return [
        name
        for name in PERSONAL_NAMES
        if any(form in text for form in readable_forms(name) for text in texts)
    ]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def no_personal_data_left_behind(request, private_cache):
    """After each test that wrote anything there: out/, the caches (the suite's, and any a
    test made under its tmp_path) and what was logged or printed hold no patient name.
    (Personal sheets the tests write on purpose, elsewhere, are theirs to check.)"""
    watched = [ROOT / "out", private_cache]
    before = _files(watched)
    # Asked for now, so that the test's tmp_path is still there after it (torn down after us).
    tmp = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    logger, records = logging.getLogger("handouts"), _Records()
    level = logger.level
    logger.addHandler(records)
    logger.setLevel(logging.DEBUG)
    helpers.CLI_OUTPUT.clear()
    try:
        yield
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    if tmp is not None:
        watched += [p for p in tmp.rglob("*") if p.is_dir() and "cache" in p.name.lower()]
    written = [path for path, stamp in _files(watched).items() if before.get(path) != stamp]
    found = {str(path): names for path in written if (names := _names_in(path))}
    printed = [*records.messages, *helpers.CLI_OUTPUT]
    said = [name for name in PERSONAL_NAMES if any(name in text for text in printed)]
    if said:
        found["what was logged or printed"] = said
    assert not found, f"patient names left behind: {found}"
