"""The loaded content, kept on disk: a cold start reads it back instead of parsing the YAML,
checking it and building the model again (issue #16: ~20 ms of a cold build or check).

What `content.load(root)` returns depends only on the files under the content folder, the
folder's name as given (it is in every mark), our code and the bundled fonts (fonts.yaml), and
the YAML library. The key hashes all of these (every file under the folder, byte for byte, and
fingerprint.code_fingerprint), so an entry is never stale: a changed file, another version of our
code
or of PyYAML, another Python makes a new key, and the entry for the folder is replaced.

Safe by construction:
- only content is stored: `load` reads the content folder and nothing else. A personal sheet's
  details (a patient's name, notes) are command-line values that never pass through here;
- only a load without errors is stored (with errors, refused values are placeholders compared
  by identity, and check must report every problem afresh anyway);
- an entry is one pickle behind handouts.cache's key and SHA-256 check; the unpickler builds
  only our own model classes and a few standard value types (no function is ever looked up, so
  a planted file cannot run code), and anything it cannot read is ignored: the content is then
  loaded as if there were no cache, and the entry replaced.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import sys
from pathlib import Path
from typing import Any

from handouts import __version__, cache

KIND = "content"
FORMAT = "1"
# Value types from outside our package that a loaded library holds.
ALLOWED = {
    ("datetime", "date"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
}


def entry_name(root: Path) -> str:
    """One entry per content folder (a new key replaces it)."""
    where = str(Path(root).resolve()).encode("utf-8", "surrogateescape")
    return hashlib.sha256(where).hexdigest()[:32]


def key(root: Path) -> str | None:
    """A hash of everything a load of `root` depends on; None if a file cannot be read."""
    from handouts.content.contentfiles import files_below
    from handouts.content.fingerprint import code_fingerprint
    from handouts.content.yamlsrc import parser_identity

    parser = parser_identity()  # PyYAML's version and binding, without importing it
    if parser is None:
        return None
    digest = hashlib.sha256(
        repr(
            (
                FORMAT,
                __version__,
                code_fingerprint(),
                sys.version,
                parser,
                pickle.HIGHEST_PROTOCOL,
                str(root),
            )
        ).encode()
    )
    try:
        for path in files_below(Path(root)):
            if not path.is_file():  # a pipe or socket: never cache such a tree
                return None
            relative = path.relative_to(root).as_posix()
            content = hashlib.sha256(path.read_bytes()).hexdigest()
            digest.update(f"{relative}\0{content}\n".encode("utf-8", "surrogateescape"))
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def recall(root: Path, entry_key: str):
    """The Loaded stored for `root` under exactly this key, or None."""
    from handouts.content.loader import Loaded

    payload = cache.load(KIND, entry_name(root), entry_key)
    if payload is None:
        return None
    try:
        loaded = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # damaged or foreign: load the content again
        return None
    if type(loaded) is not Loaded or loaded.library is None or loaded.diagnostics.errors:
        return None
    return loaded


def remember(root: Path, entry_key: str, loaded) -> None:
    """Store a load without errors (a load with errors is not stored)."""
    if loaded.library is None or loaded.diagnostics.errors:
        return
    try:
        payload = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return  # something new in the model: load every time
    cache.store(KIND, entry_name(root), entry_key, payload)


def _model_modules() -> frozenset[str]:
    """The modules whose classes a loaded library is made of (all imported by content.py)."""
    from handouts import errors
    from handouts.content import loader as content, loadlanguage, model, schema, style, yamlsrc

    return frozenset(
        module.__name__ for module in (content, errors, loadlanguage, model, schema, style, yamlsrc)
    )


class _Unpickler(pickle.Unpickler):
    """Builds the classes of our model's modules and a few value types; refuses every other
    global (functions included: a pickle can only call what find_class hands it) and imports
    nothing."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        if module in _model_modules() and "." not in name:
            found = getattr(sys.modules[module], name, None)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"not a content value: {module}.{name}")
