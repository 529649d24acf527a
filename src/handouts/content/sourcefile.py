"""Read one content file as text, refusing what is not a small regular UTF-8 text file.

Everything the loader reads (YAML and SVG) comes through here, so a directory, a symbolic link
loop, a pipe, a huge file or a stray NUL byte is named as such, at its place, in bounded time.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from handouts.characters import NOT_IN_FILES, describe
from handouts.errors import Diagnostics, Mark

MAX_BYTES = 256_000  # content files are a few kilobytes; this is far beyond any real one


def mark_at(path: str, source: str, index: int) -> Mark:
    """Line and column (1-based, in characters) of `source[index]`."""
    line = source.count("\n", 0, index) + 1
    return Mark(path, line, index - (source.rfind("\n", 0, index) + 1) + 1)


def file_problem(path: Path) -> tuple[str, str | None] | None:
    """(problem, hint) when something other than a regular file stands at `path`, else None."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (
                "this is a symbolic link loop, not a file",
                "point the link at a real file, or replace it with the file",
            )
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return (
                f"this is a symbolic link to nothing ({os.readlink(path)})",
                "point the link at a real file, or replace it with the file",
            )
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "file not found", None
        return f"cannot read file: {exc.strerror or exc}", None
    if stat.S_ISDIR(info.st_mode):
        return "this is a directory, not a file", f"put the file {path.name} here instead"
    if not stat.S_ISREG(info.st_mode):
        return ("this is a pipe, device or socket, not a regular file", "put a text file here")
    if info.st_size > MAX_BYTES:
        return (
            f"the file has {_size(info.st_size)}; a content file may have at most "
            f"{_size(MAX_BYTES)}",
            "split it, or remove what does not belong in it",
        )
    return None


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count / 1e3:.0f} KB"


def read_source(path: Path, diagnostics: Diagnostics) -> str | None:
    """The file's text, or None after reporting why it cannot be used."""
    name = str(path)
    problem = file_problem(path)
    if problem is not None:
        diagnostics.error(Mark(name), *problem)
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        diagnostics.error(Mark(name), f"cannot read file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_BYTES:
        diagnostics.error(Mark(name), f"the file has more than {_size(MAX_BYTES)}")
        return None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        prefix = data[: exc.start].decode("utf-8", "replace")
        diagnostics.error(
            mark_at(name, prefix + "x", len(prefix)),
            f"file is not UTF-8 text (byte 0x{data[exc.start]:02X}: {exc.reason})",
            "the file is UTF-16: save it as UTF-8" if utf16 else "save the file as UTF-8",
        )
        return None
    bad = NOT_IN_FILES.search(source)
    if bad is not None:
        char = bad.group()
        more = len(NOT_IN_FILES.findall(source)) - 1
        what = "a NUL byte (U+0000)" if char == "\0" else f"the control character {describe(char)}"
        diagnostics.error(
            mark_at(name, source, bad.start()),
            f"the file contains {what}" + (f" (and {more} more)" if more else ""),
            "NUL bytes come from binary or UTF-16 files: save the file as UTF-8 text"
            if char == "\0"
            else "delete it: it is invisible in most editors",
        )
        return None
    return source
