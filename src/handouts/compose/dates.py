"""Dates and times in a CLDR pattern ("y年M月d日（EEE） H:mm"), as Babel formats them.

Importing Babel and loading a locale costs a cold personal sheet ~55 ms for one date. The
pattern fields our sheets use (year, month, day, weekday, hour, minute, AM/PM) only need the
locale's month, weekday and period names: those are taken from Babel once and kept in the
cache (they are the locale's, never a patient's). Any other field is formatted by Babel itself.
tests/test_dates.py compares the two for every field, width and locale we ship.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from typing import Any

from handouts import __version__, cache

KIND = "date-names"
WIDTHS: dict[int, Any] = {3: "abbreviated", 4: "wide", 5: "narrow", 6: "short"}  # Babel's names
# The fields formatted here, and the lengths Babel accepts for each (babel.dates.PATTERN_CHARS).
FIELDS = {
    "y": range(1, 10),
    "M": range(1, 6),
    "d": range(1, 4),
    "E": range(1, 7),
    "h": range(1, 3),
    "H": range(1, 3),
    "m": range(1, 3),
    "a": range(1, 6),
}


def format_when(when: datetime.datetime, pattern: str, locale: str) -> str:
    """babel.dates.format_datetime(when, pattern, locale=locale) for a naive `when`."""
    tokens = _tokens(pattern)
    if any(kind == "field" and value[1] not in FIELDS.get(value[0], ()) for kind, value in tokens):
        from babel.dates import format_datetime

        return format_datetime(when, pattern, locale=locale)
    names = _names(locale)
    return "".join(
        _field(when, value[0], value[1], names) if kind == "field" else value
        for kind, value in tokens
    )


def _field(when: datetime.datetime, char: str, num: int, names: dict) -> str:
    if char == "y":
        year = f"{when.year:0{num}d}"
        return year[-2:] if num == 2 else year
    if char == "M":
        return f"{when.month:0{num}d}" if num <= 2 else names["months"][str(num)][when.month - 1]
    if char == "E":
        return names["days"][str(max(num, 3))][when.weekday()]
    if char == "a":
        return names["periods"][str(max(num, 3))]["pm" if when.hour >= 12 else "am"]
    value = {"d": when.day, "H": when.hour, "h": when.hour % 12 or 12, "m": when.minute}[char]
    return f"{value:0{num}d}"


def _tokens(pattern: str) -> list[tuple[str, Any]]:
    """('chars', text) and ('field', (letter, count)) as babel.dates.tokenize_pattern reads a
    pattern: quoted text is literal, '' is a quote, runs of one ASCII letter are a field."""
    result: list[tuple[str, Any]] = []
    chars: list[str] = []
    quoted: list[str] | None = None
    field, count = "", 0
    for char in pattern.replace("''", "\0"):
        if quoted is not None:
            if char == "'":
                chars.extend(quoted)
                quoted = None
            else:
                quoted.append(char)
        elif char == "'" or not (char.isascii() and char.isalpha()):
            if field:
                result.append(("field", (field, count)))
                field, count = "", 0
            elif chars and char == "'":
                result.append(("chars", "".join(chars).replace("\0", "'")))
                chars = []
            if char == "'":
                quoted = []
            else:
                chars.append(char)
        else:
            if chars:
                result.append(("chars", "".join(chars).replace("\0", "'")))
                chars = []
            if char == field:
                count += 1
            else:
                if field:
                    result.append(("field", (field, count)))
                field, count = char, 1
    if field:
        result.append(("field", (field, count)))
    elif chars:
        result.append(("chars", "".join(chars).replace("\0", "'")))
    return result


@functools.cache
def _names(locale: str) -> dict:
    """The locale's month, weekday and AM/PM names by pattern width: cached, else from Babel."""
    key = hashlib.sha256(repr((__version__, _code_digest(), locale)).encode()).hexdigest()
    entry = cache.load(KIND, key, key)
    if entry is not None:
        try:
            return _checked(json.loads(entry.decode("utf-8")))
        except (ValueError, TypeError, KeyError):
            pass  # not what we write: ask Babel again
    names = _from_babel(locale)
    cache.store(KIND, key, key, json.dumps(names, ensure_ascii=False).encode("utf-8"))
    return names


@functools.cache
def _code_digest() -> str:
    """This module and Babel's version (its __init__.py, read without importing Babel)."""
    import importlib.util

    digest = hashlib.sha256()
    spec = importlib.util.find_spec("babel")
    for path in (__file__, spec.origin if spec else None):
        try:
            with open(path or "", "rb") as handle:  # no Babel: fails like a lost file
                digest.update(handle.read())
        except (OSError, TypeError):
            digest.update(str(path).encode())
    return digest.hexdigest()


def _from_babel(locale: str) -> dict:
    from babel import Locale
    from babel.dates import get_day_names, get_month_names, get_period_names

    parsed = Locale.parse(locale)
    periods = {}
    for num in (3, 4, 5):  # babel.dates.DateTimeFormat.format_period's fallbacks, 'a'
        found = {}
        for width in (WIDTHS[num], "wide", "narrow", "abbreviated"):
            known = get_period_names(width, "format", parsed)
            for period in ("am", "pm"):
                if period not in found and period in known:
                    found[period] = known[period]
        periods[str(num)] = found
    return {
        "months": {
            str(n): [get_month_names(WIDTHS[n], "format", parsed)[m] for m in range(1, 13)]
            for n in (3, 4, 5)
        },
        "days": {
            str(n): [get_day_names(WIDTHS[n], "format", parsed)[d] for d in range(7)]
            for n in (3, 4, 5, 6)
        },
        "periods": periods,
    }


def _checked(names: dict) -> dict:
    ok = (
        all(len(names["months"][str(n)]) == 12 for n in (3, 4, 5))
        and all(len(names["days"][str(n)]) == 7 for n in (3, 4, 5, 6))
        and all(set(names["periods"][str(n)]) == {"am", "pm"} for n in (3, 4, 5))
        and all(
            isinstance(v, str)
            for group in ("months", "days")
            for values in names[group].values()
            for v in values
        )
    )
    if not ok:
        raise ValueError("not stored names")
    return names
