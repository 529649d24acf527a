"""Property tests: whatever an editor saves, loading reports Diagnostics and never crashes.

The loader may only return diagnostics or raise ContentError/HandoutsError, and every
diagnostic must point somewhere (line and column from 1).
"""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from handouts.content.loader import load
from handouts.content.model import LanguageStyle
from handouts.content.texts import document_texts, texts
from handouts.content.yamlsrc import load_yaml
from handouts.deliver import checks
from handouts.errors import Diagnostic, Diagnostics, HandoutsError
from helpers import CONTENT

FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Files an editor or translator may break (relative to the content folder).
TARGETS = [
    "handouts.yaml",
    "clinic.yaml",
    "points.yaml",
    "en/language.yaml",
    "en/ui.yaml",
    "en/points.yaml",
    "en/aftercare.yaml",
    "en/conditions/sciatica.yaml",
    "ja/language.yaml",
    "ja/ui.yaml",
    "ja/conditions/sciatica.yaml",
    "styles.yaml",
]
ORIGINALS = {t: (CONTENT / t).read_text(encoding="utf-8") for t in TARGETS}  # read once


def assert_diagnostics(diagnostics) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic), diagnostic
        assert diagnostic.mark is not None, f"no place: {diagnostic}"
        assert diagnostic.mark.line >= 1 and diagnostic.mark.column >= 1, str(diagnostic)
        assert diagnostic.severity in ("error", "warning")


# -- strategies -------------------------------------------------------------------------------
keys = st.one_of(
    st.sampled_from(
        [
            "title",
            "summary",
            "points",
            "code",
            "date",
            "review",
            "x",
            "font",
            "what_it_is",
            "see_a_doctor",
            "translated_from",
        ]
    ),
    st.text(min_size=1, max_size=8),
)
# Unquoted YAML that PyYAML types on reading: impossible dates, tags, aliases and merges.
RAW = [
    "2026-02-30",
    "2026-13-01",
    "1e400",
    ".nan",
    "yes",
    "~",
    "0x1F",
    "0o17",
    "!!int abc",
    "!!float x",
    "!!bool maybe",
    "!!timestamp soon",
    "!!binary '@@'",
    "!!set {a: 1}",
    "!python/object:os.system x",
    "*nowhere",
    "&a [*a]",
    "&b {c: *b}",
    "<<: *a",
    "{a: 1, a: 2}",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates().map(datetime.date.isoformat),
    st.integers(0, len(RAW) - 1).map(lambda i: f"RAWFRAGMENT{i:02d}"),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=12,
)


def dump(value) -> str:
    """YAML text for a value, with the RAW fragments spliced in where their tokens stand."""
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=False)
    for index, raw in enumerate(RAW):
        text = text.replace(f"RAWFRAGMENT{index:02d}", raw)
    return text


@st.composite
def damaged(draw, text: str) -> str:
    """`text` with editing accidents: bad indentation, tabs, stray quotes, duplicated lines."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        accident = draw(
            st.sampled_from(
                [
                    "indent",
                    "dedent",
                    "tab",
                    "quote",
                    "duplicate",
                    "truncate",
                    "colon",
                    "bracket",
                    "bom",
                ]
            )
        )
        line = lines[at]
        if accident == "indent":
            lines[at] = " " * draw(st.integers(1, 5)) + line
        elif accident == "dedent":
            lines[at] = line.lstrip()
        elif accident == "tab":
            lines[at] = "\t" + line
        elif accident == "quote":
            cut = draw(st.integers(0, len(line)))
            lines[at] = line[:cut] + draw(st.sampled_from(['"', "'"])) + line[cut:]
        elif accident == "duplicate":
            lines.insert(at, line)
        elif accident == "truncate":
            lines[at] = line[: draw(st.integers(0, len(line)))]
            del lines[at + 1 :]
        elif accident == "colon":
            lines[at] = line + ": " + draw(st.sampled_from(["", "x", "[", "{a", "- b"]))
        elif accident == "bracket":
            lines[at] = line.replace(": ", ": [", 1)
        else:
            lines[at] = "\ufeff" + line
    return "\n".join(lines)


yaml_texts = st.one_of(
    st.text(max_size=200),
    values.map(dump).flatmap(damaged),
    st.sampled_from(sorted(ORIGINALS.values())).flatmap(damaged),
)


# -- the YAML reader ----------------------------------------------------------------------------
@FAST
@given(yaml_texts)
@example("review:\n  date: 2026-02-30\n")  # a date that does not exist
@example("points: &a [*a]\n")  # an alias inside itself
@example("x: !!int twelve\n")
def test_load_yaml_reports_only_diagnostics(source):
    diagnostics = Diagnostics()
    load_yaml(Path("fuzz.yaml"), diagnostics, source=source)
    assert_diagnostics(diagnostics)


# -- the whole loader on a copy where one file is replaced -------------------------------------
@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """One copy per test module; each example overwrites one file and puts it back."""
    target = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(CONTENT, target)
    return target


def load_with(content: Path, relative: str, text: str):
    path = content / relative
    original = path.read_bytes()
    path.write_text(text, encoding="utf-8")
    try:
        return load(content)
    except HandoutsError:  # ContentError included: a clean, user-facing failure
        return None
    finally:
        path.write_bytes(original)


def assert_loads_cleanly(content: Path, relative: str, text: str) -> None:
    loaded = load_with(content, relative, text)
    if loaded is None:
        return
    assert_diagnostics(loaded.diagnostics)
    if loaded.library is not None:
        # Valid but unusual content: the cheap content checks must cope too (no rendering).
        for language in loaded.library.languages.values():
            found = checks.check_claims(language, texts(language, skip=(LanguageStyle,)))
            for slug, condition in language.conditions.items():
                found += checks.check_review(condition, loaded.library.settings.review_max_months)
                for kind in ("handout", "aftercare"):
                    found += checks.check_readability(
                        language, slug, document_texts(language, slug, kind)
                    )[0]
            assert_diagnostics(found)


def _sub(relative: str, pattern: str, new: str) -> str:
    return re.sub(pattern, new, ORIGINALS[relative], count=1, flags=re.MULTILINE)


@FAST
@given(st.sampled_from(TARGETS), yaml_texts)
@example(
    "en/conditions/sciatica.yaml",
    _sub("en/conditions/sciatica.yaml", r"^points:\n(?:  .*\n)+", "points: []\n"),
)
@example(
    "ja/conditions/sciatica.yaml",
    _sub("ja/conditions/sciatica.yaml", r"^points:\n(?:  .*\n)+", "points: []\n"),
)
@example("points.yaml", _sub("points.yaml", r"view: \S+", "view: nowhere"))
@example("styles.yaml", _sub("styles.yaml", r"size: 12,", "size: -3,"))
def test_content_load_reports_only_diagnostics(content, relative, text):
    assert_loads_cleanly(content, relative, text)


def paths(value, prefix=()):
    """Every key path into a parsed YAML value (mapping keys and list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


@st.composite
def wrong_types(draw):
    """A real content file with the value at one known key replaced by another kind of value."""
    relative = draw(st.sampled_from(TARGETS))
    data = yaml.safe_load(ORIGINALS[relative])
    where = draw(st.sampled_from([p for p in paths(data) if p]))
    parent = data
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = draw(values)
    return relative, dump(data)


@FAST
@given(wrong_types())
def test_wrong_types_at_known_keys_are_diagnostics(content, case):
    assert_loads_cleanly(content, *case)
