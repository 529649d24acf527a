"""The YAML parser behind yamlsrc.load_yaml: PyYAML nodes -> Map/Seq/Text with their places.

Apart from yamlsrc so that importing the value types (Text, Map, Seq) does not import PyYAML
(~8 ms of a cold start): a warm start reads no YAML at all (yamlsrc.remembered).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from handouts.content.sourcefile import mark_at, read_source
from handouts.content.yamlsrc import INVALID, Map, Seq, Text
from handouts.errors import Diagnostics, Mark


def _mark(path: str, yaml_mark) -> Mark:
    return Mark(path, yaml_mark.line + 1, yaml_mark.column + 1)


def load_yaml(path: Path, diagnostics: Diagnostics, source: str | None = None) -> Any:
    """Parse one YAML file; problems go to `diagnostics` and the result is None.

    An empty file, or one with only comments, is an error too: every content file holds keys.
    """
    name = str(path)
    if source is None:
        source = read_source(path, diagnostics)
        if source is None:
            return None
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            diagnostics.error(
                Mark(name),
                "the file is empty"
                if not source.strip()
                else "the file has only comments, no keys",
                "see docs/content.md for the keys this file needs",
            )
            return None
        return _Converter(loader, name, source, diagnostics).convert(node)
    except _TooLarge:
        diagnostics.error(
            Mark(name),
            f"the file expands to more than {MAX_NODES} values",
            "aliases (*) that repeat other aliases multiply quickly",
        )
        return None
    except _TooDeep as exc:
        diagnostics.error(
            exc.mark,
            f"values are nested more than {MAX_DEPTH} levels deep",
            "content files nest a few levels at most: check the brackets and indentation",
        )
        return None
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        tab = _tab_near(source, where) if where is not None else None
        if tab is not None:
            diagnostics.error(
                mark_at(name, source, tab),
                "a tab character is used for indentation or spacing here",
                "YAML indents with spaces only: replace the tab with spaces",
            )
            return None
        message = exc.problem or "invalid YAML"
        if exc.context:
            started = exc.context_mark
            at = (
                f" that starts at line {started.line + 1}, column {started.column + 1}"
                if started is not None and started is not where
                else ""
            )
            message = f"{message} ({exc.context}{at})"
        diagnostics.error(
            _mark(name, where) if where else Mark(name),
            f"YAML syntax: {message}",
            "check indentation, colons and quotes on this line or the one before",
        )
        return None
    except yaml.YAMLError as exc:
        diagnostics.error(Mark(name), f"YAML error: {exc}")
        return None
    finally:
        loader.dispose()


def _tab_near(source: str, where) -> int | None:
    """Index of the tab a YAML error stops at: at its place, or in its line's indentation."""
    index = min(where.index, len(source))
    if index < len(source) and source[index] == "\t":
        return index
    start = source.rfind("\n", 0, index) + 1
    indent = len(source[start:]) - len(source[start:].lstrip(" \t"))
    tab = source.find("\t", start, start + indent)
    return tab if tab >= 0 else None


MAX_NODES = 100_000  # far beyond any real content file; stops alias "bombs"
MAX_DEPTH = 32  # content nests about five levels; deeper is a mistake or an attack

# The only tags a content file may carry (implicitly, or written out as !!str, !!int ...).
_YAML = "tag:yaml.org,2002:"
ALLOWED_TAGS = {
    yaml.ScalarNode: {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")},
    yaml.SequenceNode: {_YAML + "seq"},
    yaml.MappingNode: {_YAML + "map"},
}
_KIND = {yaml.ScalarNode: "a value", yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, mark: Mark):
        super().__init__(str(mark))
        self.mark = mark


class _PyLoader(yaml.SafeLoader):
    """The pure-Python loader (when libyaml is missing) composes recursively: stop deep
    nesting before Python's recursion limit does."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"values are nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader = getattr(yaml, "CSafeLoader", None) or _PyLoader


class _Converter:
    """Turns PyYAML nodes into Map/Seq/Text values, reporting bad values instead of raising."""

    def __init__(self, loader, path: str, source: str, diagnostics: Diagnostics):
        self.loader, self.path, self.source, self.diags = loader, path, source, diagnostics
        self.active: set[int] = set()  # nodes on the current path: a cycle means a bad alias
        self.count = 0

    def scalar(self, node) -> Any:
        try:
            return self.loader.construct_object(node)
        except yaml.YAMLError:
            raise
        except Exception:  # e.g. date: 2026-02-30, or !!int abc
            tag = node.tag.rsplit(":", 1)[-1]
            self.diags.error(
                _mark(self.path, node.start_mark),
                f"'{node.value}' is not a valid {tag}",
                "write dates as 2026-11-21; put other text in quotes",
            )
            return INVALID

    def tag_allowed(self, node) -> bool:
        """Tags make PyYAML build other kinds of values (sets, Python objects): refuse them
        on any node, at the node's place, rather than ignore them."""
        if node.tag in ALLOWED_TAGS[type(node)]:
            return True
        tag = "!!" + node.tag[len(_YAML) :] if node.tag.startswith(_YAML) else node.tag
        self.diags.error(
            _mark(self.path, node.start_mark),
            f"the tag {tag} on {_KIND[type(node)]} is not allowed",
            f"content files use plain YAML values: remove '{tag}'",
        )
        return False

    def convert(self, node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        if id(node) in self.active:
            self.diags.error(
                _mark(self.path, node.start_mark), "an alias (*) refers to a value that contains it"
            )
            return INVALID
        if len(self.active) >= MAX_DEPTH:
            raise _TooDeep(_mark(self.path, node.start_mark))
        if not self.tag_allowed(node):
            return INVALID
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node)
            if isinstance(node, yaml.SequenceNode):
                result = Seq()
                result.mark, result.item_marks = _mark(self.path, node.start_mark), []
                for item in node.value:
                    result.append(self.convert(item))
                    result.item_marks.append(_mark(self.path, item.start_mark))
                return result
            value = self.scalar(node)
            if isinstance(value, str):
                text = Text(value)
                text.path, text.source = self.path, self.source
                text.start, text.end = node.start_mark.index, node.end_mark.index
                text.line, text.column = node.start_mark.line + 1, node.start_mark.column + 1
                return text
            return value
        finally:
            self.active.discard(id(node))

    def mapping(self, node) -> Map:
        result = Map()
        result.mark, result.key_marks = _mark(self.path, node.start_mark), {}
        result.value_marks = {}
        for key_node, value_node in node.value:
            key_mark = _mark(self.path, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diags.error(key_mark, "a key must be a plain word, not a list or mapping")
                continue
            if not self.tag_allowed(key_node):
                continue
            key = self.scalar(key_node)
            if key is INVALID:
                continue
            if key is None:
                self.diags.error(key_mark, "a key is missing before ':'")
                continue
            key = str(key)
            if key in result:
                self.diags.error(
                    key_mark,
                    f"duplicate key '{key}'",
                    f"first given at line {result.key_marks[key].line}",
                )
                continue
            result[key] = self.convert(value_node)
            result.key_marks[key] = key_mark
            result.value_marks[key] = _mark(self.path, value_node.start_mark)
        return result
