"""A row of body views' badge and R/L label positions, kept across processes in the cache.

Placing the badges (render/leaders.py) is a search that costs a cold handout ~100 ms, and its
result depends only on the row's key (views, markers, sizes), the view files, the side labels'
widths and our code, all of which the entry's key hashes. Only generic documents are stored:
a personal sheet's row tells which points were treated, so it is laid out every time (the
caller decides, diagram.DiagramRow.placements). A damaged or foreign entry is laid out again.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from handouts import __version__, cache

KIND = "layouts"


@functools.lru_cache(maxsize=256)
def row_layout(key: tuple, lay_out) -> tuple[dict, list]:
    """`lay_out(key)` from the cache, else computed and stored (key as diagram._row_layout).
    Also kept per process: rows are laid out many times while pages are."""
    digest = _entry_key(key)
    entry = cache.load(KIND, digest, digest)
    if entry is not None:
        try:
            return _checked(cache.unpack(entry), key)
        except (ValueError, TypeError):
            pass  # not what we write: lay out again
    badges, sides = result = lay_out(key)
    labels = [label for label, _ in key[9]]
    # A label is stored as its place in the key's labels: the restored row draws the very
    # same strings (content Text, or a Fallback that knows its language).
    stored = [
        [
            (next(i for i, known in enumerate(labels) if known is label), x, y)
            for label, x, y in view
        ]
        for view in sides
    ]
    cache.store(KIND, digest, digest, cache.pack([badges, stored]))
    return result


def _checked(stored, key: tuple) -> tuple[dict, list]:
    """A stored layout, if it is one for this key: a badge per numbered marker, labels per view."""
    badges, sides = stored
    views, labels = key[0], [label for label, _ in key[9]]
    numbered = {
        (index, number) for index, (_, marks) in enumerate(views) for number, *_ in marks if number
    }
    if (
        type(badges) is not dict
        or set(badges) != numbered
        or not all(
            type(b) is tuple and len(b) == 2 and all(type(v) is float for v in b)
            for b in badges.values()
        )
    ):
        raise ValueError("not a stored row layout")
    if (
        type(sides) is not list
        or len(sides) != len(views)
        or not all(
            type(view) is list
            and all(
                type(label) is tuple
                and len(label) == 3
                and type(label[0]) is int
                and 0 <= label[0] < len(labels)
                and all(type(v) is float for v in label[1:])
                for label in view
            )
            for view in sides
        )
    ):
        raise ValueError("not a stored row layout")
    return badges, [[(labels[i], x, y) for i, x, y in view] for view in sides]


@functools.cache
def _code_digest() -> str:
    """The code that lays a row out (and this format): any change to it makes new keys."""
    from handouts.render import diagram, leaders, views

    digest = hashlib.sha256()
    for module in (__file__, cache.__file__, diagram.__file__, leaders.__file__, views.__file__):
        try:
            digest.update(Path(module).read_bytes())
        except OSError:  # e.g. run from a zip: the version still counts
            digest.update(module.encode())
    return digest.hexdigest()


def _entry_key(key: tuple) -> str:
    """The key holds the side labels with their measured widths (in whatever fonts they are
    drawn), so only the drawings' files are added."""
    files = [hashlib.sha256(Path(svg).read_bytes()).hexdigest() for svg, _ in key[0]]
    return hashlib.sha256(repr((_code_digest(), __version__, key, files)).encode()).hexdigest()
