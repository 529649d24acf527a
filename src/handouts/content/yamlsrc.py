"""Read YAML safely and keep where every value came from (file, line, column).

The values (Text, Map, Seq) live here, the parser in yamlparse (imported only when a file is
parsed): a warm start finds the few small files it reads first in the cache (`remembered`) and
never imports PyYAML, ~8 ms of a cold start."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from stat import S_ISREG
from typing import Any

from handouts.content.sourcefile import MAX_BYTES
from handouts.errors import Diagnostics, Mark


class Text(str):
    """A string from a content file that knows its place in the source."""

    path: str
    source: str
    start: int
    end: int
    line: int
    column: int
    # The language a text is written in when a translation lacks it and takes it from the
    # language it is made from (set by the loader, `as_fallback`); None: the language's own.
    fallback_from: str | None = None

    @property
    def mark(self) -> Mark:
        return Mark(self.path, self.line, self.column)

    def mark_of(self, index: int) -> Mark:
        """Where character `index` of this value stands in the file (best effort)."""
        char = self[index]
        occurrence = self[:index].count(char)
        pos = self.start - 1
        for _ in range(occurrence + 1):
            pos = self.source.find(char, pos + 1, self.end)
            if pos < 0:
                return self.mark
        line = self.source.count("\n", 0, pos) + 1
        column = pos - (self.source.rfind("\n", 0, pos) + 1) + 1
        return Mark(self.path, line, column)


def as_fallback(value: Any, lang: str) -> Any:
    """A copy of `lang`'s value for a translation that lacks it: each of its texts marked as
    written in `lang` (a text `lang` itself took from further keeps its own mark). The source's
    own values stay as they are."""
    if isinstance(value, Text):
        if value.fallback_from is not None:
            return value
        text = Text(value)
        text.__dict__.update(value.__dict__)
        text.fallback_from = lang
        return text
    if isinstance(value, (Map, Seq)):
        items = value.items() if isinstance(value, Map) else enumerate(value)
        copy = type(value)() if isinstance(value, Map) else Seq()
        for key, item in items:
            if isinstance(copy, Map):
                copy[key] = as_fallback(item, lang)
            else:
                copy.append(as_fallback(item, lang))
        copy.__dict__.update(
            {
                name: type(marks)(marks)
                for name, marks in value.__dict__.items()
                if isinstance(marks, (dict, list))
            }
        )
        copy.mark = value.mark
        return copy
    return value


def plain_text(value: str, path: str = "<text>") -> Text:
    """A Text made in code (tests, fallbacks) rather than read from a file."""
    text = Text(value)
    text.path, text.source, text.start, text.end = path, value, 0, len(value)
    text.line = text.column = 1
    return text


class _Invalid:
    """A value that was refused while reading (already reported): later stages skip it."""

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = _Invalid()


class Map(dict):
    """A YAML mapping that remembers the marks of its keys and values."""

    mark: Mark
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]


class Seq(list):
    """A YAML sequence that remembers the marks of its items."""

    mark: Mark
    item_marks: list[Mark]


def load_yaml(path: Path, diagnostics: Diagnostics, source: str | None = None) -> Any:
    """Parse one YAML file; problems go to `diagnostics` and the result is None.

    An empty file, or one with only comments, is an error too: every content file holds keys.
    """
    from handouts.content import yamlparse

    return yamlparse.load_yaml(path, diagnostics, source)


def load_mapping(path: Path, diagnostics: Diagnostics) -> Map | None:
    """`load_yaml` of a file whose top is a mapping of keys (every content file)."""
    data = load_yaml(path, diagnostics)
    if data is not None and not isinstance(data, Map):
        diagnostics.error(
            getattr(data, "mark", None) or Mark(str(path)),
            "expected a mapping of keys at the top of the file",
        )
        return None
    return data


def quick_mapping(path: Path) -> dict:
    """A mapping read only for a quick decision (which languages, which source), as plain
    values: whatever is wrong with the file reads as an empty mapping; the full load reports it
    at its place. Remembered (see `remembered`): build reads these files on every start."""
    return remembered(path, lambda: plain(load_mapping(path, Diagnostics()) or {}))


def read_yaml(path: Path) -> Any:
    """A file the program ships (fonts.yaml, the web page's catalog) as plain dicts, lists and
    strings; a problem raises ContentError, each at its place like any content error."""

    def read() -> Any:
        diagnostics = Diagnostics()
        data = load_mapping(path, diagnostics)
        diagnostics.raise_if_errors()
        return plain(data)

    return remembered(path, read)  # fonts.yaml: read on every start


def plain(value: Any) -> Any:
    """Map, Seq and Text as the dict, list and str they are (for code that keeps no places)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


REMEMBERED = "yaml"


def remembered(path: Path, read: Callable[[], Any]) -> Any:
    """`read()` (plain values read from the file at `path`), kept in the cache under the file's
    bytes, our code (fingerprint.code_fingerprint) and the YAML library (`parser_identity`): a
    warm start reads the few small files it needs first (fonts.yaml, handouts.yaml, each
    language.yaml) from here without importing PyYAML. Only values cache.pack can hold exactly
    are kept; a read that raises keeps nothing; a file that changes while it is read is not
    remembered."""
    from handouts import cache
    from handouts.content.fingerprint import code_fingerprint

    parser = parser_identity()
    try:
        status = os.stat(path)
        if parser is None or not S_ISREG(status.st_mode) or status.st_size > MAX_BYTES:
            return read()  # it says what is wrong, if anything
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return read()
    key = hashlib.sha256(
        f"{hashlib.sha256(data).hexdigest()} {code_fingerprint()} {parser}".encode()
    ).hexdigest()
    name = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()
    entry = cache.load(REMEMBERED, name, key)
    if entry is not None:
        try:
            return cache.unpack(entry)
        except ValueError:
            pass  # damaged: read the file
    value = read()
    try:
        payload = cache.pack(value)
        with open(path, "rb") as handle:
            unchanged = handle.read(MAX_BYTES + 1) == data
        if unchanged:
            cache.store(REMEMBERED, name, key, payload)
    except (cache.Unpackable, OSError):
        pass  # e.g. a date in the file: read it every time
    return value


@functools.cache
def parser_identity() -> str | None:
    """Which PyYAML a parse would use, found without importing it: its folder, the stat
    signature of its __init__.py (any reinstall changes it), its installed version and whether
    its libyaml binding is there; None if it cannot be told."""
    import importlib.util

    from handouts import cache

    spec = importlib.util.find_spec("yaml")
    if spec is None or not spec.origin or not spec.submodule_search_locations:
        return None
    folder = os.path.dirname(spec.origin)
    site = os.path.dirname(folder)
    try:
        listed = sorted(os.listdir(folder))
        versions = sorted(
            entry for entry in os.listdir(site) if entry.lower().startswith("pyyaml-")
        )
        signature = cache.stat_signature(os.stat(spec.origin))
    except OSError:
        return None
    binding = [entry for entry in listed if entry.startswith("_yaml")]
    return repr((folder, signature, versions, binding))
