import pytest

from helpers import ROOT, run_cli


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real `handouts build` of the bundled content, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out
