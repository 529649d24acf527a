"""Translation state: which source text a translation was made from (a short content hash)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError

TRANSLATED_FROM = "translated_from"
_NOT_TRANSLATED = {TRANSLATED_FROM, "review"}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k not in _NOT_TRANSLATED}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value if isinstance(value, (int, float, bool, type(None))) else str(value)


def source_hash(data: Any) -> str:
    """Hash of a source file's translatable content (formatting and comments do not count)."""
    canonical = json.dumps(_plain(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


_LINE = re.compile(rf"^{TRANSLATED_FROM}:.*$", re.MULTILINE)


def record_hash(path: Path, digest: str) -> bool:
    """Write `translated_from: digest` into a translation file, keeping its comments and layout."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HandoutsError(f"cannot read {path}: {exc.strerror or exc}") from None
    line = f"{TRANSLATED_FROM}: {digest}"
    new = _LINE.sub(line, text, count=1) if _LINE.search(text) else f"{line}\n{text}"
    if new == text:
        return False
    from handouts.output import write_atomic

    write_atomic(path, new.encode("utf-8"))
    return True
