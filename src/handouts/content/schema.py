"""Turn located YAML values into model dataclasses, reporting every mismatch with its place.

A model class is the schema: its fields (with their types and `doc(...)` metadata) say which keys
a file may hold, which are required, and what each one means.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import types
import typing
from typing import Any

from handouts.characters import BIDI_CONTROLS, describe, hard_controls, invisible, is_blank
from handouts.content.yamlsrc import INVALID, Map, Seq, Text
from handouts.errors import Diagnostics, Mark
from handouts.records import Record, record


def doc(
    text: str,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    max_length: int | None = None,
    **kwargs,
) -> Any:
    """A documented dataclass field; without `default` the key is required.

    `at_least`/`at_most` bound a number; `max_length` bounds each text of the field (else the
    class's `text_limit`, else TEXT_LIMIT)."""
    metadata = {"doc": text, "at_least": at_least, "at_most": at_most, "max_length": max_length}
    return dataclasses.field(metadata=metadata, **kwargs)


# A text longer than this is a mistake (a pasted file, a runaway value): refused at load time
# so that nothing later lays out or measures megabytes of text. Classes may set a lower
# `text_limit` (labels are short), fields their own `max_length`.
TEXT_LIMIT = 2500


@record(frozen=True, eq=False, repr=False)
class Marks(Record):
    """Where a model object came from: its mapping, and the value of each key given."""

    mark: Mark
    fields: dict[str, Mark]


_MARKS = "_marks"


def where(obj: Any, field: str | None = None) -> Mark | None:
    """The place of a model object built from content (its mapping) or of one field's value
    (any type: numbers, dates and booleans too); a field left to its default gives the
    object's place. None for objects made in code."""
    marks = getattr(obj, _MARKS, None)
    if marks is None:
        return None
    return marks.fields.get(field, marks.mark) if field else marks.mark


def replace(obj: Any, **changes) -> Any:
    """dataclasses.replace that keeps the object's marks."""
    new = dataclasses.replace(obj, **changes)
    if hasattr(obj, _MARKS):
        object.__setattr__(new, _MARKS, getattr(obj, _MARKS))
    return new


def _closest(word: str, choices) -> str | None:
    import difflib  # here: only a misspelt key needs it (not a warm start)

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices) -> str | None:
    """A 'did you mean' hint for a mistyped key or name."""
    close = _closest(word, choices)
    return f"did you mean '{close}'?" if close else None


def suggest_code(code: str, registry, aliases: dict[str, str]) -> str | None:
    """A 'did you mean' hint for a point code: a close code, or the code of a close alias
    (codes are written bare, as printed: "did you mean LR3?")."""
    close = _closest(code.strip().upper(), [*registry, *aliases])
    return f"did you mean {aliases.get(close, close)}?" if close else None


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


def convert(
    tp: Any,
    value: Any,
    mark: Mark,
    diags: Diagnostics,
    what: str,
    limit: int = TEXT_LIMIT,
    bounds: tuple = (None, None, None),
) -> Any:
    """Check `value` against type `tp`; return the converted value or None after an error."""
    if value is INVALID:  # refused while reading, already reported
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return (
            None if value is None else convert(options[0], value, mark, diags, what, limit, bounds)
        )
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return build(tp, value, mark, diags, what)
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, Seq):
            diags.error(
                mark,
                f"{what}: expected a list, got {_describe(value)}",
                "write one item per line, each starting with '- '",
            )
            return None
        items = [
            convert(item_tp, item, item_mark, diags, what, limit, bounds)
            for item, item_mark in zip(value, value.item_marks)
        ]
        return None if any(item is None for item in items) else items
    if origin is dict:
        _, item_tp = typing.get_args(tp)
        if not isinstance(value, Map):
            diags.error(mark, f"{what}: expected a mapping, got {_describe(value)}")
            return None
        result = {
            key: convert(
                item_tp, item, value.value_marks[key], diags, f"{what}.{key}", limit, bounds
            )
            for key, item in value.items()
        }
        return None if any(item is None for item in result.values()) else result
    if tp is Text:
        return _text(value, mark, diags, what, limit)
    if tp is bool:
        if not isinstance(value, bool):
            diags.error(mark, f"{what}: expected true or false, got {_describe(value)}")
            return None
        return value
    if tp in (int, float):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (tp is int and isinstance(value, float))
        ):
            diags.error(mark, f"{what}: expected a number, got {_describe(value)}")
            return None
        if not math.isfinite(value):
            diags.error(mark, f"{what}: expected a number, got {value}")
            return None
        low, high, hint = bounds
        if (low is not None and value < low) or (high is not None and value > high):
            span = (
                f"from {low:g} to {high:g}"
                if low is not None and high is not None
                else f"at least {low:g}"
                if low is not None
                else f"at most {high:g}"
            )
            diags.error(mark, f"{what}: {value:g} is out of range (it must be {span})", hint)
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
        diags.error(
            mark, f"{what}: expected a date, got {_describe(value)}", "write it as 2026-11-21"
        )
        return None
    raise TypeError(f"schema type not supported: {tp!r}")  # a programming error, not user input


def _text(value: Any, mark: Mark, diags: Diagnostics, what: str, limit: int) -> Text | None:
    """A text: not empty, not huge, no control characters; invisible ones are warnings."""
    if not isinstance(value, Text):
        diags.error(
            mark,
            f"{what}: expected text, got {_describe(value)}",
            "put the text in quotes if it starts with a special character",
        )
        return None
    if len(value) > limit:
        diags.error(
            mark,
            f"{what}: the text has {len(value)} characters, more than the {limit} allowed here",
            "shorten it, or split it into list items",
        )
        return None
    if is_blank(value):
        diags.error(
            mark,
            f"{what}: text is empty"
            + (" (it has only invisible or control characters)" if value.strip() else ""),
        )
        return None
    controls = hard_controls(value)
    for index, times in _first_of_each(value, controls):
        diags.error(
            value.mark_of(index),
            f"{what}: control character {describe(value[index])} in the text{times}",
            "delete it: it does not print",
        )
    for index, times in _first_of_each(value, invisible(value)):
        char = value[index]
        effect = "reorders the text around it" if char in BIDI_CONTROLS else "is invisible"
        diags.warning(
            value.mark_of(index),
            f"{what}: {describe(char)} {effect}{times}",
            "delete it unless the language needs it: readers and screen readers "
            "get something other than what the editor shows",
        )
    return None if controls else value


def _first_of_each(value: str, indexes: list[int]) -> list[tuple[int, str]]:
    """(first index, " (N times)") per distinct character: one diagnostic each, not thousands."""
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for index in indexes:
        first.setdefault(value[index], index)
        counts[value[index]] = counts.get(value[index], 0) + 1
    return [
        (index, f" ({counts[char]} times)" if counts[char] > 1 else "")
        for char, index in first.items()
    ]


def build(cls: type, value: Any, mark: Mark, diags: Diagnostics, what: str) -> Any:
    """Build dataclass `cls` from a mapping: unknown, missing and mistyped keys are errors.

    The object keeps its marks (`where`): its mapping's and each given value's."""
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
    failed = False
    hints = _hints(cls)
    class_limit = getattr(cls, "text_limit", TEXT_LIMIT)
    for name, field in fields.items():
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        meta = field.metadata
        if name in value and value[name] is INVALID:
            failed = True
        elif name in value and value[name] is not None:
            kwargs[name] = convert(
                hints[name],
                value[name],
                value.value_marks[name],
                diags,
                f"{what}.{name}" if what else name,
                meta.get("max_length") or class_limit,
                (meta.get("at_least"), meta.get("at_most"), meta.get("doc")),
            )
            failed = failed or kwargs[name] is None
            if required and kwargs[name] == []:
                diags.error(
                    value.value_marks[name], f"{what}.{name}: the list is empty", meta.get("doc")
                )
        elif required:
            diags.error(
                value.mark if name not in value else value.value_marks[name],
                f"missing required key '{name}' in {what}",
                meta.get("doc"),
            )
    if failed or len(diags.errors) > errors_before:
        return None
    obj = cls(**kwargs)
    object.__setattr__(
        obj,
        _MARKS,
        Marks(value.mark, {name: value.value_marks[name] for name in fields if name in value}),
    )
    return obj
