import os

import pytest

from helpers import ROOT, run_cli


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
