"""out/manifest.json: what each built document was made from (inputs hash), its sha256 and the
warnings its build printed, so that an unchanged build can skip it and still repeat them.

Several builds may write into one out folder at once (other languages, other variants): each
re-reads the manifest under a lock and changes only its own documents' entries.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from handouts.errors import Diagnostic, Mark
from handouts.output import exclusive, write_atomic

MANIFEST = "manifest.json"
LOCK = ".manifest.lock"


def read(out_dir: Path) -> dict[str, dict]:
    """The well-formed entries; anything else (a damaged file, an entry that is null, a string,
    a list or lacks its hashes) is left out, so that document is simply built again."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict):
        return {}
    return {relative: entry for relative, entry in documents.items() if _well_formed(entry)}


def _well_formed(entry) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(key), str) for key in ("inputs", "sha256"))
        and isinstance(entry.get("warnings", []), list)
        and all(_is_record(record) for record in entry.get("warnings", []))
    )


def update(out_dir: Path, generator: str, built: dict[str, dict], removed: list[str]) -> None:
    """Record `built` and forget `removed`, keeping every other build's entries. A build that
    changes no entry writes nothing (a build that fails everywhere leaves out/ as it was)."""
    out_dir = Path(out_dir)
    if not built and not set(removed) & set(read(out_dir)):
        return
    with exclusive(out_dir / LOCK):
        entries = read(out_dir)  # as it is now, not as it was when this build began
        for relative in removed:
            entries.pop(relative, None)
        entries.update(built)
        manifest = {"generator": generator, "documents": dict(sorted(entries.items()))}
        write_atomic(
            out_dir / MANIFEST,
            (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        )


# Warnings are stored with paths relative to the content folder (the manifest is the same
# wherever the content lives) and shown again as the loader showed them.
def warning_record(diagnostic: Diagnostic, root: Path) -> dict:
    mark = diagnostic.mark
    path = None
    if mark is not None:
        try:
            relative = os.path.relpath(mark.path, root)
        except ValueError:  # another drive (Windows)
            relative = os.pardir
        path = Path(relative).as_posix() if not relative.startswith("..") else mark.path
    return {
        "path": path,
        "line": mark.line if mark else None,
        "column": mark.column if mark else None,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
    }


def warning_from(record: dict, root: Path) -> Diagnostic:
    path = record["path"]
    mark = None
    if path is not None:
        full = path if os.path.isabs(path) else str(Path(root) / path)
        mark = Mark(full, record["line"], record["column"])
    return Diagnostic(mark, record["message"], record["hint"], "warning")


def _is_record(record) -> bool:
    if not isinstance(record, dict) or not isinstance(record.get("message"), str):
        return False
    if not isinstance(record.get("hint"), (str, type(None))):
        return False
    if record.get("path") is None:
        return True
    return (
        isinstance(record["path"], str)
        and isinstance(record.get("line"), int)
        and isinstance(record.get("column"), int)
    )
