"""Translation state: which source text a translation was made from (a short content hash)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from handouts.content.yamlsrc import Map, Seq
from handouts.errors import HandoutsError, Mark

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


# -- per key: what each key of a translation was translated from --------------------------------
# A translated file records, under `translated_from:`, the hash of the source text of each key it
# translated: a key is a value's dotted path (title, sections.3.body, red_flags.1). An older file
# may record one hash of the whole source file (`translated_from: 6eb4132832a6`): it is then stale
# as a whole until `mark-translated` records its keys.
KEY_HASH = 8


def key_hashes(data: Any) -> dict[str, str]:
    """Each translatable key of a source file and a short hash of its text, in file order."""
    found: dict[str, str] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict) and value:
            for key, item in value.items():
                if key not in _NOT_TRANSLATED:
                    walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and value:
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}")
        elif path:
            found[path] = source_hash(value)[:KEY_HASH]

    walk(data, "")
    return found


def recorded_keys(value: Any) -> dict[str, str] | None:
    """The per-key record of a translation's `translated_from:` (None if it is not one)."""
    if not isinstance(value, dict):
        return None
    return {str(key): str(digest) for key, digest in value.items()}


def key_mark(data: Map, key: str) -> Mark:
    """Where a key (a dotted path) stands in a loaded file (yamlsrc Map): its key or list item,
    else the nearest place on its way there."""
    mark: Mark = data.mark
    at: Any = data
    for part in key.split("."):
        if isinstance(at, Map) and part in at:
            mark, at = at.key_marks.get(part, mark), at[part]
        elif isinstance(at, Seq) and part.isdigit() and int(part) < len(at):
            mark, at = at.item_marks[int(part)], at[int(part)]
        else:
            break
    return mark


_RECORD = re.compile(rf"^(\ufeff)?{TRANSLATED_FROM}:[ \t]*(#.*)?$")  # the per-key block
_OLD_RECORD = re.compile(rf"^(\ufeff)?{TRANSLATED_FROM}:[ \t]*[^ \t#].*$")  # one hash per file
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def record_keys(path: Path, hashes: dict[str, str]) -> bool:
    """Write each key's source hash under `translated_from:` in a translation file, keeping its
    byte order mark, line endings, comments and layout: an existing record is replaced where it
    stands; a new one (or an older file's one-line record) goes at the end of the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HandoutsError(f"cannot read {path}: {exc.strerror or exc}") from None
    text = raw.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    block = [
        f"{TRANSLATED_FROM}:  # the source text of each key, as translated "
        f"(handouts mark-translated){newline}"
    ]
    block += [
        f"  {_yaml_key(key)}: {_yaml_hash(digest)}{newline}" for key, digest in hashes.items()
    ]
    lines = text.splitlines(keepends=True)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    found = next((n for n, line in enumerate(lines) if _RECORD.match(line.rstrip("\r\n"))), None)
    if found is not None:
        end = found + 1
        while end < len(lines) and lines[end][:1] in (" ", "\t"):
            end += 1
        lines[found:end] = [(bom if found == 0 else "") + block[0], *block[1:]]
    else:
        old = next(
            (n for n, line in enumerate(lines) if _OLD_RECORD.match(line.rstrip("\r\n"))), None
        )
        if old is not None:
            del lines[old]
            if old == 0 and bom:
                lines[0:1] = [bom + lines[0]] if lines else [bom]
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines += block
    new = "".join(lines)
    if new == text:
        return False
    from handouts.output import write_atomic

    write_atomic(path, new.encode("utf-8"))
    return True


def _yaml_key(key: str) -> str:
    return key if _PLAIN_KEY.match(key) and key.lower() not in _YAML_WORDS else json.dumps(key)


def _yaml_hash(digest: str) -> str:
    return json.dumps(digest) if digest.isdigit() else digest  # not read as a number


_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
