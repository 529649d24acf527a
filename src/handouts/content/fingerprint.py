"""What turns content into PDFs, as one hash: our package's code, the fonts and the installed
versions of the drawing libraries. Every cache that keeps something made by the code (built
documents, page counts, the loaded content, readings) is keyed by it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from handouts import __version__, cache
from handouts.content.contentfiles import file_sha256, files_below
from handouts.content.fontfiles import fonts_dir

# The libraries that draw: a new version may draw the same content differently.
RENDERERS = ("reportlab", "svglib", "qrcode")


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code and fonts that turn content into PDFs: our package's files, the fonts
    and the installed versions of the drawing libraries. Once per process (~15 ms, mostly the
    fonts): the code a process runs does not change under it."""
    digest = hashlib.sha256(f"handouts {__version__}".encode())
    package = Path(__file__).resolve().parents[1]
    fonts = fonts_dir().resolve()
    folders = [package] + ([] if package in fonts.parents else [fonts])
    for folder in folders:
        for path in files_below(folder):
            relative = path.relative_to(folder).as_posix()
            # Font files (10 MB): the cache remembers their digests by stat signature.
            file_digest = cache.file_digest if fonts in path.parents else file_sha256
            digest.update(f"{folder.name}/{relative}:{file_digest(path)};".encode())
    digest.update(";".join(installed_versions(RENDERERS)).encode())
    return digest.hexdigest()


def installed_versions(names) -> list[str]:
    """'name-version.dist-info' of each installed package of `names` (no import, no metadata
    scan): a cache keyed by them is not used with another version."""
    import importlib.util

    found = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            found.append(f"{name}-missing")
            continue
        site = Path(next(iter(spec.submodule_search_locations))).parent
        try:
            found += sorted(
                p.name
                for p in site.iterdir()
                if p.name.lower().startswith(f"{name}-") and p.suffix == ".dist-info"
            )
        except OSError:
            found.append(f"{name}-unknown")
    return found
