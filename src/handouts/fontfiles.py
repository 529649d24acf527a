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
