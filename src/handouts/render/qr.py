"""QR codes drawn as vector rectangles; each payload is encoded once per process."""

from __future__ import annotations

import functools

import qrcode
import qrcode.constants


@functools.cache
def matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix (no quiet zone) for a payload."""
    # A fixed mask skips qrcode's trial of all eight (pure Python, ~5x slower); any mask decodes.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                         mask_pattern=4)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


@functools.cache
def runs(payload: str) -> tuple[tuple[int, int, int], ...]:
    """Dark modules merged into horizontal runs: (row, first column, length)."""
    result = []
    for r, row in enumerate(matrix(payload)):
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
def _operators(payload: str, size: float) -> str:
    """The code as PDF path operators in a size x size box, formatted once per process (a QR
    code is ~1000 rectangles; formatting them on every page was most of the render time)."""
    module = size / len(matrix(payload))
    return "\n".join(f"{c * module:.3f} {size - (r + 1) * module:.3f} {length * module:.3f} "
                     f"{module:.3f} re" for r, c, length in runs(payload)) + "\nf"


def draw(canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the code in black with its lower-left corner at (x, y), `size` wide.

    The page is white: the caller keeps a quiet zone of at least 4 modules free around it.
    """
    canvas.saveState()
    canvas.translate(x, y)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.addLiteral(_operators(payload, size))
    canvas.restoreState()
