"""The body views as inline SVG with a clickable, keyboard-usable badge for every point.

The artwork comes from content/diagrams (the same files the PDFs draw), copied element by element
through the SVG subset of docs/diagrams.md, so nothing but shapes reaches the page. Badges sit
next to the registry positions (label_positions below), so they never cover each other.
"""

from __future__ import annotations

import functools
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from handouts.content.model import Library

SVG = "{http://www.w3.org/2000/svg}"
ELEMENTS = {"svg", "g", "path", "ellipse", "circle", "line", "polyline", "polygon", "rect"}
ATTRIBUTES = {
    "d",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x1",
    "y1",
    "x2",
    "y2",
    "points",
    "x",
    "y",
    "width",
    "height",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "fill-opacity",
}
BADGE_RADIUS = 13.0  # SVG units; the leg views are drawn at about 4 units per cm
BADGE_DISTANCE = 26.0
MARGIN = 14.0  # room around the artwork for badges


@dataclass(frozen=True)
class Spot:
    code: str
    x: float
    y: float
    badge: tuple[float, float]


@dataclass(frozen=True)
class BodyView:
    id: str
    box: tuple[float, float, float, float]  # viewBox with room for badges
    artwork: Markup
    spots: tuple[Spot, ...]


def body_views(library: Library) -> list[BodyView]:
    """Every view that has points, with a badge per point."""
    # In registry order: the views of the first points (the large leg views) come first.
    order: list[str] = list(
        dict.fromkeys(e.view for e in library.registry.values() if e.view is not None)
    )
    ranked = sorted(
        library.views.items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    views = tuple((view, path, _mtime(path)) for view, path in ranked)
    return _body_views(
        views,
        tuple(
            (code, e.view, e.x, e.y)
            for code, e in sorted(library.registry.items())
            if e.view is not None
        ),
    )


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=4)
def _body_views(views, points) -> list[BodyView]:
    """Built once per set of artwork and positions (the same for every request)."""
    result = []
    for view_id, path, _ in views:
        here = [(code, x, y) for code, view, x, y in points if view == view_id]
        if not here:
            continue
        artwork, (width, height) = _artwork(Path(path))
        box = (-MARGIN, -MARGIN, width + 2 * MARGIN, height + 2 * MARGIN)
        badges = label_positions(
            [(x, y) for _, x, y in here],
            (-MARGIN, -MARGIN, width + MARGIN, height + MARGIN),
            width / 2,
        )
        if badges is None:
            badges = [(x, y) for _, x, y in here]  # crowded: badges on the points
        spots = tuple(Spot(code, x, y, badge) for (code, x, y), badge in zip(here, badges))
        result.append(BodyView(view_id, box, artwork, spots))
    return result


def label_positions(
    points: list[tuple[float, float]], bounds: tuple[float, float, float, float], centre_x: float
) -> list[tuple[float, float]] | None:
    """One badge per point, outward from the body's middle, clear of the other badges and if
    possible of the points; None when two badges would cover each other."""
    x0, y0, x1, y1 = bounds
    radius = BADGE_RADIUS
    placed: list[tuple[float, float]] = []
    for px, py in points:
        outward = -1.0 if px < centre_x else 1.0
        best = None
        for reach in (BADGE_DISTANCE * f for f in (1, 1.5, 2, 2.6)):
            for angle in (0, 30, -30, 60, -60, 90, -90, 120, -120, 150, -150, 180):
                cx = px + outward * reach * math.cos(math.radians(angle))
                cy = py + reach * math.sin(math.radians(angle))
                if (
                    x0 + radius <= cx <= x1 - radius
                    and y0 + radius <= cy <= y1 - radius
                    and all(math.dist((cx, cy), q) >= 2 * radius + 1.5 for q in placed)
                    and all(math.dist((cx, cy), q) >= radius + 3 for q in points)
                ):
                    best = (cx, cy)
                    break
            if best:
                break
        best = best or (px + outward * BADGE_DISTANCE, py)
        if any(math.dist(best, q) < 2 * radius for q in placed):
            return None
        placed.append(best)
    return placed


def _artwork(path: Path) -> tuple[Markup, tuple[float, float]]:
    root = ET.parse(path).getroot()
    box = root.get("viewBox") or f"0 0 {root.get('width')} {root.get('height')}"
    _, _, width, height = (float(v) for v in box.replace(",", " ").split())
    inner = "".join(_copy(child) for child in root)
    return Markup(inner), (width, height)


def _copy(element: ET.Element) -> str:
    """The element and its children, keeping only the allowed names and attributes."""
    tag = element.tag.removeprefix(SVG)
    if tag not in ELEMENTS or tag == "svg":
        return ""
    attributes = "".join(
        f' {name}="{escape(value)}"'
        for name, value in sorted(element.attrib.items())
        if name in ATTRIBUTES
    )
    children = "".join(_copy(child) for child in element)
    return f"<{tag}{attributes}>{children}</{tag}>"
