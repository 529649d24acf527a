"""Where the bundled fonts live and which families exist (no reportlab import here)."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.cache
def fonts_dir() -> Path:
    """The font folder: installed with the package, or the repository's fonts/ in a checkout."""
    packaged = Path(__file__).parent / "fonts"
    if (packaged / "fonts.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "fonts"


@functools.cache
def font_families() -> dict[str, dict[str, str]]:
    """Family name -> {"regular": file, "bold": file}, from fonts/fonts.yaml."""
    with open(fonts_dir() / "fonts.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def font_path(family: str, weight: str) -> Path:
    return fonts_dir() / font_families()[family][weight]


def charset(family: str, weight: str) -> frozenset[int]:
    """The code points the family's regular or bold file maps (cached per process)."""
    return _charset(str(family), weight)       # str(): a Text would miss the cache


@functools.cache
def _charset(family: str, weight: str) -> frozenset[int]:
    # A simple version: reportlab parses the file (rendering registers the same font anyway).
    from reportlab.pdfbase import pdfmetrics

    from handouts.render.fonts import family as register

    pair = register(family)
    return frozenset(pdfmetrics.getFont(getattr(pair, weight)).face.charToGlyph)
