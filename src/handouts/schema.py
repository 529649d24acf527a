"""Turn located YAML values into model dataclasses, reporting every mismatch with its place.

A model class is the schema: its fields (with their types and `doc(...)` metadata) say which keys
a file may hold, which are required, and what each one means.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import types
import typing
from typing import Any

from handouts.errors import Diagnostics, Mark
from handouts.yamlsrc import Map, Seq, Text


def doc(text: str, **kwargs) -> Any:
    """A documented dataclass field; without `default` the key is required."""
    return dataclasses.field(metadata={"doc": text}, **kwargs)


def suggest(word: str, choices) -> str | None:
    """A 'did you mean' hint for a mistyped key or code."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def suggest_code(code: str, registry, aliases: dict[str, str]) -> str | None:
    """A 'did you mean' hint for a point code: a close code, or the code of a close alias."""
    close = difflib.get_close_matches(code.strip().upper(), [*registry, *aliases], n=1, cutoff=0.6)
    return f"did you mean {aliases.get(close[0], close[0])}?" if close else None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Map):
        return "a mapping"
    if isinstance(value, Seq):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    return f"a {type(value).__name__}"


_hints_cache: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _hints_cache:
        _hints_cache[cls] = typing.get_type_hints(cls)
    return _hints_cache[cls]


def convert(tp: Any, value: Any, mark: Mark, diags: Diagnostics, what: str) -> Any:
    """Check `value` against type `tp`; return the converted value or None after an error."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if value is None else convert(options[0], value, mark, diags, what)
    if dataclasses.is_dataclass(tp):
        return build(tp, value, mark, diags, what)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, Seq):
            diags.error(mark, f"{what}: expected a list, got {_describe(value)}",
                        "write one item per line, each starting with '- '")
            return None
        items = [convert(item_tp, item, item_mark, diags, what)
                 for item, item_mark in zip(value, value.item_marks)]
        return None if any(item is None for item in items) else items
    if origin is dict:
        _, item_tp = typing.get_args(tp)
        if not isinstance(value, Map):
            diags.error(mark, f"{what}: expected a mapping, got {_describe(value)}")
            return None
        result = {key: convert(item_tp, item, value.value_marks[key], diags, f"{what}.{key}")
                  for key, item in value.items()}
        return None if any(item is None for item in result.values()) else result
    if tp is Text:
        if not isinstance(value, Text):
            diags.error(mark, f"{what}: expected text, got {_describe(value)}",
                        "put the text in quotes if it starts with a special character")
            return None
        if not value.strip():
            diags.error(mark, f"{what}: text is empty")
            return None
        return value
    if tp is bool:
        if not isinstance(value, bool):
            diags.error(mark, f"{what}: expected true or false, got {_describe(value)}")
            return None
        return value
    if tp in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                tp is int and isinstance(value, float)):
            diags.error(mark, f"{what}: expected a number, got {_describe(value)}")
            return None
        return tp(value)
    if tp is datetime.date:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        diags.error(mark, f"{what}: expected a date, got {_describe(value)}", "write it as 2026-11-21")
        return None
    raise TypeError(f"schema type not supported: {tp!r}")  # a programming error, not user input


def build(cls: type, value: Any, mark: Mark, diags: Diagnostics, what: str) -> Any:
    """Build dataclass `cls` from a mapping: unknown, missing and mistyped keys are errors."""
    if not isinstance(value, Map):
        diags.error(mark, f"{what}: expected a mapping of keys, got {_describe(value)}")
        return None
    fields = {f.name: f for f in dataclasses.fields(cls)}
    errors_before = len(diags.errors)
    for key in value:
        if key not in fields:
            hint = suggest(key, fields) or f"allowed keys: {', '.join(fields)}"
            diags.error(value.key_marks[key], f"unknown key '{key}' in {what}", hint)
    kwargs = {}
    hints = _hints(cls)
    for name, field in fields.items():
        required = (field.default is dataclasses.MISSING
                    and field.default_factory is dataclasses.MISSING)
        if name in value and value[name] is not None:
            kwargs[name] = convert(hints[name], value[name], value.value_marks[name], diags,
                                   f"{what}.{name}" if what else name)
            if required and kwargs[name] == []:
                diags.error(value.value_marks[name], f"{what}.{name}: the list is empty",
                            field.metadata.get("doc"))
        elif required:
            diags.error(value.mark if name not in value else value.value_marks[name],
                        f"missing required key '{name}' in {what}", field.metadata.get("doc"))
    if len(diags.errors) > errors_before:
        return None
    return cls(**kwargs)
