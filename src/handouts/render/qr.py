"""QR codes drawn as vector rectangles; each payload is encoded once (per process, and across
processes through the cache: encoding in pure Python and importing qrcode cost a cold start
~10 ms).

Only the footer's codes are drawn here (document.Footer: the clinic's map link and mailto
address, the same in every document); tests/test_coldstart.py checks that a personal sheet's
codes are exactly the generic sheet's, so no patient data can reach the cache this way.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from handouts import __version__, cache

KIND = "qr"
ENCODER_FILES = ("main.py", "util.py", "base.py", "constants.py")  # of the qrcode package


@functools.cache
def matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix (no quiet zone) for a payload."""
    import qrcode  # here, not at import: it pulls in PIL's drawing modules
    import qrcode.constants

    # A fixed mask skips qrcode's trial of all eight (pure Python, ~5x slower); any mask decodes.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=4
    )
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


def dark_runs(rows: tuple[tuple[bool, ...], ...]) -> tuple[tuple[int, int, int], ...]:
    """Dark modules merged into horizontal runs: (row, first column, length)."""
    result = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                result.append((r, start, c - start))
            else:
                c += 1
    return tuple(result)


@functools.cache
def encoded(payload: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """(modules per side, dark runs) of the payload's code: from the cache, else encoded."""
    key = _key(payload)
    entry = cache.load(KIND, key, key)
    if entry is not None:
        try:
            return _checked(cache.unpack(entry))
        except (ValueError, TypeError):
            pass  # not what we write: encode again
    rows = matrix(payload)
    size, runs = len(rows), dark_runs(rows)
    cache.store(KIND, key, key, cache.pack([size, [n for run in runs for n in run]]))
    return size, runs


def _checked(stored) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """A stored code, if it is one: a QR size (21 to 177 modules) and runs inside it."""
    size, flat = stored
    if type(size) is not int or not 21 <= size <= 177 or len(flat) % 3:
        raise ValueError("not a stored QR code")
    runs = tuple(zip(flat[0::3], flat[1::3], flat[2::3]))
    if not all(type(n) is int for n in flat) or not all(
        0 <= r < size and c >= 0 and 0 < length <= size - c for r, c, length in runs
    ):
        raise ValueError("not a stored QR code")
    return size, runs


@functools.cache
def _encoder_digest() -> str:
    """The installed qrcode encoder's source: a new qrcode version makes new cache keys."""
    import importlib.util

    spec = importlib.util.find_spec("qrcode")
    digest = hashlib.sha256(Path(__file__).read_bytes())
    origin = spec.origin if spec else None
    for name in ENCODER_FILES:
        try:
            if origin is None:
                raise OSError("qrcode is not installed from files")
            digest.update(Path(origin).with_name(name).read_bytes())
        except (OSError, AttributeError, TypeError):
            digest.update(name.encode())
    return digest.hexdigest()


def _key(payload: str) -> str:
    return hashlib.sha256(repr((__version__, _encoder_digest(), payload)).encode()).hexdigest()


@functools.cache
def _operators(payload: str, size: float) -> str:
    """The code as PDF path operators in a size x size box, formatted once per process (a QR
    code is ~1000 rectangles; formatting them on every page was most of the render time)."""
    modules, runs = encoded(payload)
    module = size / modules
    return (
        "\n".join(
            f"{c * module:.3f} {size - (r + 1) * module:.3f} {length * module:.3f} {module:.3f} re"
            for r, c, length in runs
        )
        + "\nf"
    )


def draw(canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the code in black with its lower-left corner at (x, y), `size` wide.

    The page is white: the caller keeps a quiet zone of at least 4 modules free around it.
    """
    canvas.saveState()
    canvas.translate(x, y)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral(_operators(payload, size))
    canvas.restoreState()
