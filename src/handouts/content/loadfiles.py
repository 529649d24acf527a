"""Reading the content's YAML files: each file once, each problem a diagnostic at its place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from handouts.content.schema import build
from handouts.content.yamlsrc import load_mapping
from handouts.errors import Diagnostics, Mark


class ContentFiles:
    """The files of one content folder, read on first use."""

    def __init__(self, root: Path, diags: Diagnostics):
        self.root = root
        self.diags = diags
        self._raw: dict[Path, Any] = {}

    def raw(self, path: Path) -> Any:
        """Parsed YAML of one file (cached), or None if it is broken."""
        if path not in self._raw:
            self._raw[path] = load_mapping(path, self.diags)
        return self._raw[path]

    def build_file(self, path: Path, cls: type, what: str) -> Any:
        data = self.raw(path)
        return None if data is None else build(cls, data, data.mark, self.diags, what)

    def required(self, name: str, cls: type) -> Any:
        path = self.root / name
        if not present(path):
            self.diags.error(Mark(str(path)), f"missing file {name}")
            return None
        return self.build_file(path, cls, name)


def present(path: Path) -> bool:
    """Something stands at `path` (a file, a folder, even a broken link): reading it says what."""
    return os.path.lexists(path)
