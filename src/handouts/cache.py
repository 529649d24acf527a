"""A small on-disk cache for work that depends only on bundled files (never on patient data).

Location: $HANDOUTS_CACHE, else $XDG_CACHE_HOME/handouts, else ~/.cache/handouts. Entries are
named by a hash of everything they derive from, so they never go stale; any problem reading or
writing the cache is ignored and the work is simply done again.
"""

from __future__ import annotations

import os
from pathlib import Path


def _root() -> Path:
    explicit = os.environ.get("HANDOUTS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "handouts"


def read(kind: str, key: str) -> bytes | None:
    try:
        return (_root() / kind / key).read_bytes()
    except OSError:
        return None


def write(kind: str, key: str, data: bytes) -> None:
    from handouts.output import write_atomic
    from handouts.errors import HandoutsError

    try:
        write_atomic(_root() / kind / key, data)
    except (HandoutsError, OSError):
        pass   # a read-only home or a full disk only costs time
