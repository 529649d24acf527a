"""What turns content into PDFs, as one hash: our package's code, the fonts and the installed
versions of the drawing libraries. Every cache that keeps something made by the code (built
documents, page counts, the loaded content, readings) is keyed by it.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from handouts import __version__, cache
from handouts.content.contentfiles import file_sha256, files_below
from handouts.content.fontfiles import fonts_dir

# The libraries that draw: a new version may draw the same content differently.
RENDERERS = ("reportlab", "svglib", "qrcode")


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code and fonts that turn content into PDFs: our package's files, the fonts
    and the installed versions of the drawing libraries. Once per process: the code a process
    runs does not change under it.

    Remembered in the cache under the stat signatures of those files (as cache.file_digest
    remembers a font's digest) and the versions: reading and hashing our ~90 files cost every
    start ~5 ms. A file added, removed or changed, or another version, makes another key."""
    package = Path(__file__).resolve().parents[1]
    fonts = fonts_dir().resolve()
    folders = [package] + ([] if package in fonts.parents else [fonts])
    files = [(folder, path) for folder in folders for path in files_below(folder)]
    versions = installed_versions(RENDERERS)
    try:
        statuses = [os.stat(path) for _, path in files]
    except OSError:
        return _fingerprint(files, versions, fonts)  # the hashing says "-" for it
    signature = hashlib.sha256(
        "\n".join(
            [
                *versions,
                *(
                    f"{path}:{cache.stat_signature(status)}"
                    for (_, path), status in zip(files, statuses)
                ),
            ]
        ).encode("utf-8", "surrogateescape")
    ).hexdigest()
    name = hashlib.sha256(str(package).encode("utf-8", "surrogateescape")).hexdigest()
    remembered = cache.load(FINGERPRINTS, name, signature)
    if remembered is not None and len(remembered) == 64:
        try:
            return bytes.fromhex(remembered.decode("ascii")).hex()
        except ValueError:
            pass  # damaged: hash again
    fingerprint = _fingerprint(files, versions, fonts)
    if cache.settled(statuses):
        cache.store(FINGERPRINTS, name, signature, fingerprint.encode("ascii"))
    return fingerprint


FINGERPRINTS = "fingerprints"


def _fingerprint(files: list[tuple[Path, Path]], versions: list[str], fonts: Path) -> str:
    digest = hashlib.sha256(f"handouts {__version__}".encode())
    for folder, path in files:
        relative = path.relative_to(folder).as_posix()
        # Font files (10 MB): the cache remembers their digests by stat signature.
        file_digest = cache.file_digest if fonts in path.parents else file_sha256
        digest.update(f"{folder.name}/{relative}:{file_digest(path)};".encode())
    digest.update(";".join(versions).encode())
    return digest.hexdigest()


def installed_versions(names) -> list[str]:
    """'name-version.dist-info' of each installed package of `names` (no import, no metadata
    scan): a cache keyed by them is not used with another version."""
    import importlib.util

    found = []
    listed: dict[Path, list[str]] = {}  # site-packages holds hundreds of names: list it once
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            found.append(f"{name}-missing")
            continue
        site = Path(next(iter(spec.submodule_search_locations))).parent
        try:
            if site not in listed:
                listed[site] = os.listdir(site)
        except OSError:
            found.append(f"{name}-unknown")
            continue
        found += sorted(
            entry
            for entry in listed[site]
            if entry.lower().startswith(f"{name}-") and entry.endswith(".dist-info")
        )
    return found
