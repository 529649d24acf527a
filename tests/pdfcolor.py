"""The fill colour of every run of visible text a PDF draws, read from its content streams
(pikepdf): the colour operators (g, rg, k, sc, scn) tracked across q/Q and form XObjects."""

from __future__ import annotations

import io

import pikepdf

_TEXT = {"Tj", "TJ", "'", '"'}


def _gray(operator: str, operands) -> float | None:
    """The colour as a grey level (0 black, 1 white): the lightest channel (a colour as light
    as its lightest ink is what a grey laser print makes of it)."""
    values = [float(v) for v in operands if not isinstance(v, pikepdf.Name)]
    if operator == "k":  # CMYK: ink
        c, m, y, k = values
        return max(1 - min(1.0, c + k), 1 - min(1.0, m + k), 1 - min(1.0, y + k))
    if not values:
        return None
    return max(values)


def text_fills(pdf: bytes) -> list[tuple[int, float, str]]:
    """(page number, grey level, text operator) of each visible text-showing operator."""
    document = pikepdf.open(io.BytesIO(pdf))
    found: list[tuple[int, float, str]] = []

    def walk(stream_owner, number: int, fill: float, mode: int) -> None:
        stack: list[tuple[float, int]] = []
        resources = stream_owner.get("/Resources", {})
        for operands, operator in pikepdf.parse_content_stream(stream_owner):
            name = str(operator)
            if name == "q":
                stack.append((fill, mode))
            elif name == "Q" and stack:
                fill, mode = stack.pop()
            elif name in ("g", "rg", "k", "sc", "scn"):
                level = _gray(name, operands)
                if level is not None:
                    fill = level
            elif name == "Tr":
                mode = int(operands[0])
            elif name in _TEXT and mode not in (3, 7):
                found.append((number, fill, name))
            elif name == "Do":
                xobject = resources.get("/XObject", {}).get(str(operands[0]))
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    walk(xobject, number, fill, mode)

    for number, page in enumerate(document.pages):
        walk(page.obj, number, 0.0, 0)
    return found
