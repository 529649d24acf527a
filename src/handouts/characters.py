"""Which characters are controls, invisible or blank: one definition for content, options and mail.

Content texts, the personal options of a sheet and email headers all ask the same questions of a
string; they ask them here so that a character refused in one place is refused in all.
"""

from __future__ import annotations

import re
import unicodedata

# Controls (Cc), invisible formatting (Cf: zero-width, bidi controls, soft hyphen ...) and the
# line/paragraph separators: nothing a one-line value (a name, a header) may contain.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})

# Characters that are not spaces by category but print as nothing (Hangul fillers, braille blank).
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

# Bidirectional controls reorder the text around them: what prints is not what the editor showed.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# Line structure a multi-line text (a paragraph, a note) may keep.
LINE_BREAKS = "\n\r\t"

# Characters no content file may hold at all (outside the YAML 1.1 printable set): C0 controls
# but tab and line breaks, DEL, C1 controls but NEL, surrogates, and the non-characters U+FFFE
# and U+FFFF. Written as this set, not as the complement of the printable set: `re` visits each
# character of a class's ranges one by one when it compiles, and the printable set's ~63,000
# took several ms at every start.
NOT_IN_FILES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def describe(char: str) -> str:
    """U+XXXX and the character's Unicode name: never the surrounding text."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def is_control(char: str) -> bool:
    return unicodedata.category(char) in CONTROL_CATEGORIES


def first_control(value: str, allow: str = "") -> str | None:
    """The first control or invisible formatting character of `value` not in `allow`."""
    for char in value:
        if char not in allow and is_control(char):
            return char
    return None


# str.isprintable() is False for every Cc, Cf, Zl, Zp (and non-ASCII space) character: texts
# that pass it, almost all of them, need no character-by-character look.
_INVISIBLE_LETTERS_TEXT = "".join(sorted(INVISIBLE_LETTERS))


def is_blank(value: str) -> bool:
    """True when nothing in `value` would print: only spaces, controls or invisible characters."""
    if value.isprintable():
        return not value.strip(" " + _INVISIBLE_LETTERS_TEXT)
    return all(
        char.isspace()
        or unicodedata.category(char) in CONTROL_CATEGORIES
        or char in INVISIBLE_LETTERS
        for char in value
    )


def hard_controls(value: str, allow: str = LINE_BREAKS) -> list[int]:
    """Indexes of control characters (Cc, line/paragraph separators) other than `allow`:
    they never belong in printed text."""
    if value.isprintable():
        return []
    return [
        index
        for index, char in enumerate(value)
        if char not in allow and unicodedata.category(char) in ("Cc", "Zl", "Zp")
    ]


def invisible(value: str) -> list[int]:
    """Indexes of invisible formatting characters (Cf: zero-width, bidi controls, soft hyphen)
    and invisible letters: allowed in text, but worth a look."""
    if value.isprintable() and INVISIBLE_LETTERS.isdisjoint(value):
        return []
    return [
        index
        for index, char in enumerate(value)
        if unicodedata.category(char) == "Cf" or char in INVISIBLE_LETTERS
    ]


def strip_controls(value: str) -> str:
    """`value` without controls or invisible formatting (for echoing a server's reply)."""
    return "".join(char for char in value if not is_control(char))
