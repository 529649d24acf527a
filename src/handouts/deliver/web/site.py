"""The content the page serves: loaded once, fonts warmed, reloaded when a content file changes.

A content error does not stop the page: it shows the same `path:line:col` lines as
`handouts check` until the file is fixed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path

from handouts.content.contentfiles import find_content
from handouts.content.loader import load
from handouts.content.model import Library
from handouts.errors import Diagnostic, HandoutsError

log = logging.getLogger(__name__)
RECHECK_SECONDS = 1.0  # how often a request may look for changed content files


GENERIC_KEPT = 64  # generic documents kept rendered (about 150 KB each)


class Site:
    def __init__(self, root: Path):
        self.root = find_content(Path(root))
        self.library: Library | None = None
        self.problems: list[Diagnostic] = []
        self._generic: OrderedDict[tuple, bytes] = OrderedDict()
        self._stamp: tuple | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.refresh(force=True)

    def current(self) -> Library | None:
        """The library, reloaded first if a content file changed; None while content is broken."""
        if time.monotonic() - self._checked >= RECHECK_SECONDS:
            self.refresh()
        return self.library

    def refresh(self, force: bool = False) -> None:
        with self._lock:
            self._checked = time.monotonic()
            stamp = _stamp(self.root)
            if not force and stamp == self._stamp:
                return
            self._stamp = stamp
            self._generic.clear()
            try:
                loaded = load(self.root)
            except HandoutsError as exc:  # e.g. the folder itself went away
                self.problems, self.library = [Diagnostic(None, exc.format_message())], None
                return
            self.problems = list(loaded.diagnostics.errors)
            self.library = loaded.library
            if self.library is not None:
                warm(self.library)
            log.info("content loaded from %s (%d error(s))", self.root, len(self.problems))

    def generic(self, library: Library, lang: str, slug: str, kind: str, options) -> bytes:
        """A generic document (no personal data), rendered once per content version.

        Identical input gives identical bytes, so a kept copy is the document itself; a
        personal sheet is never kept.
        """
        from handouts.deliver.documents import make

        key = (id(library), lang, slug, kind, options)
        with self._lock:
            data = self._generic.get(key)
            if data is not None:
                self._generic.move_to_end(key)
                return data
        data = make(library, lang, slug, kind, options).data
        with self._lock:
            self._generic[key] = data
            while len(self._generic) > GENERIC_KEPT:
                self._generic.popitem(last=False)
        return data


def warm(library: Library) -> None:
    """Render one document per language: fonts and body views load now, not on a request."""
    from handouts.deliver.documents import make

    for lang in library.languages:
        slug = library.conditions[0]
        try:
            make(library, lang, slug, "handout")
        except Exception:  # a document that fails says so when it is asked for
            log.debug("warm-up of %s/%s failed", lang, slug, exc_info=True)


def _stamp(root: Path) -> tuple:
    """Every content file's name, size and modification time (a change of any shows)."""
    entries = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            try:
                info = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            entries.append((folder, name, info.st_size, info.st_mtime_ns))
    return tuple(entries)
