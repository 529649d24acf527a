"""The marks of the body views as printed, read from a page of the PDF (tests/pdfscan.py), and
every place where two of them come too close.

A mark is what the reader must tell apart on paper: a point's dot (with the white halo drawn
under it), the open diamond of a point not treated today, a numbered badge (its ring
included). A leader line belongs to its number's dot and badge and must keep off every other
mark; no mark may touch any text (R/L labels, captions, the legend beside the views).

Marks are recognised by what they are in the file, not by what the renderer says: dots and
leaders inside /Leader <</N n>>, badges inside /Badge <</N n>>, diamonds as the closed,
stroked and filled rhombi outside the views' artwork (/View), halos as white discs centred on
a dot.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pdfscan

Pt = tuple[float, float]


@dataclass(frozen=True)
class Mark:
    kind: str  # "dot", "diamond" or "badge"
    number: int  # the point's number (0: a diamond, which has none)
    centre: Pt
    radius: float  # a dot or badge: its outer radius (halo, ring); a diamond: 0
    corners: tuple[Pt, ...] = ()  # a diamond: its outer corners (stroke included)
    order: int = 0  # where on the page it is painted (its first paint)

    def name(self) -> str:
        x, y = self.centre
        label = f"#{self.number}" if self.number else ""
        return f"{self.kind}{label} at ({x:.1f}, {y:.1f})"


def _tag(item, name: str):
    return next((props for tag, props in item.tags if tag == name), None)


def _circle(paints) -> tuple[float, float, float]:
    x0, y0, x1, y1 = pdfscan.bbox([p for paint in paints for p in paint.points])
    return (x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) / 2


def _rhombus(paint) -> tuple[Pt, float] | None:
    """Centre and half-diagonal of a diamond: four corners on the axes of its box."""
    points = paint.points
    if len(points) != 4 or not (paint.stroke and paint.fill):
        return None
    x0, y0, x1, y1 = pdfscan.bbox(points)
    cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    if half <= 0 or abs((y1 - y0) / 2 - half) > 0.01:
        return None
    expected = [(cx, y1), (x1, cy), (cx, y0), (x0, cy)]
    if all(min(math.dist(p, q) for q in expected) < 0.01 for p in points):
        return (cx, cy), half
    return None


def marks_and_leaders(page: pdfscan.Page) -> tuple[list[Mark], dict[int, list], list[Mark]]:
    """Every mark on the page, each number's leader segments and the dots' halos."""
    marks: list[Mark] = []
    leaders: dict[int, list] = {}
    dots: dict[int, list] = {}
    badges: dict[int, list] = {}
    halos = []
    order = {id(paint): index for index, paint in enumerate(page.paints)}
    for paint in page.paints:
        leader, badge = _tag(paint, "/Leader"), _tag(paint, "/Badge")
        if leader is not None:
            number = int(leader["/N"])
            if paint.stroke and not paint.fill:
                leaders.setdefault(number, []).extend(paint.segments)
            else:
                dots.setdefault(number, []).append(paint)
        elif badge is not None:
            badges.setdefault(int(badge["/N"]), []).append(paint)
        elif _tag(paint, "/View") is None:
            diamond = _rhombus(paint)
            if diamond is not None:
                (cx, cy), half = diamond
                reach = half + paint.line_width / math.sqrt(2)  # the stroke's mitred corners
                corners = ((cx, cy + reach), (cx + reach, cy), (cx, cy - reach), (cx - reach, cy))
                marks.append(Mark("diamond", 0, (cx, cy), 0.0, corners, order[id(paint)]))
            elif paint.fill and not paint.stroke and paint.fill_gray > 0.99:
                halos.append(paint)
    rings = []
    for number, paints in dots.items():
        cx, cy, r = _circle(paints)
        marks.append(Mark("dot", number, (cx, cy), r, (), order[id(paints[0])]))
        for halo in halos:
            hx, hy, hr = _circle([halo])
            if math.dist((cx, cy), (hx, hy)) < 0.05 and hr > r:
                rings.append(Mark("halo", number, (hx, hy), hr, (), order[id(halo)]))
    for number, paints in badges.items():
        cx, cy, r = _circle(paints)
        ring = max((p.line_width for p in paints if p.stroke), default=0.0)
        marks.append(Mark("badge", number, (cx, cy), r + ring / 2, (), order[id(paints[0])]))
    return marks, leaders, rings


# -- distances (negative or zero: touching or overlapping) ---------------------------------------
def segment_distance(p: Pt, a: Pt, b: Pt) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = (
        0.0
        if length == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    )
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def _side(o: Pt, a: Pt, b: Pt) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _cross(p1: Pt, p2: Pt, q1: Pt, q2: Pt) -> bool:
    return (_side(q1, q2, p1) > 0) != (_side(q1, q2, p2) > 0) and (_side(p1, p2, q1) > 0) != (
        _side(p1, p2, q2) > 0
    )


def _inside(p: Pt, polygon: tuple[Pt, ...]) -> bool:
    """Inside a convex polygon (either winding)."""
    sides = [_side(a, b, p) for a, b in zip(polygon, polygon[1:] + polygon[:1])]
    return all(s >= 0 for s in sides) or all(s <= 0 for s in sides)


def _edges(polygon: tuple[Pt, ...]) -> list[tuple[Pt, Pt]]:
    return list(zip(polygon, polygon[1:] + polygon[:1]))


def _poly_gap(a: tuple[Pt, ...], b: tuple[Pt, ...]) -> float:
    if any(_inside(p, b) for p in a) or any(_inside(p, a) for p in b):
        return -1.0
    if any(_cross(*e, *f) for e in _edges(a) for f in _edges(b)):
        return -1.0
    return min(
        min(segment_distance(p, *e) for p in a for e in _edges(b)),
        min(segment_distance(p, *e) for p in b for e in _edges(a)),
    )


def _point_gap(p: Pt, polygon: tuple[Pt, ...]) -> float:
    if _inside(p, polygon):
        return -1.0
    return min(segment_distance(p, *e) for e in _edges(polygon))


def gap(a: Mark, b: Mark) -> float:
    """The clear space between two marks' outer edges."""
    if a.corners and b.corners:
        return _poly_gap(a.corners, b.corners)
    if a.corners or b.corners:
        poly, circle = (a, b) if a.corners else (b, a)
        return _point_gap(circle.centre, poly.corners) - circle.radius
    return math.dist(a.centre, b.centre) - a.radius - b.radius


def segment_gap(mark: Mark, start: Pt, end: Pt) -> float:
    if mark.corners:
        if _inside(start, mark.corners) or any(
            _cross(start, end, *e) for e in _edges(mark.corners)
        ):
            return -1.0
        return min(
            min(segment_distance(p, start, end) for p in mark.corners),
            min(segment_distance(q, *e) for q in (start, end) for e in _edges(mark.corners)),
        )
    return segment_distance(mark.centre, start, end) - mark.radius


def box_gap(mark: Mark, box: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = box
    rect = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    if mark.corners:
        return _poly_gap(mark.corners, rect)
    cx, cy = mark.centre
    nx, ny = min(max(cx, x0), x1), min(max(cy, y0), y1)
    return math.hypot(cx - nx, cy - ny) - mark.radius


def problems(page: pdfscan.Page, least: float) -> list[str]:
    """Every pair of marks closer than `least` points, every leader that comes that close to
    a mark not its own, every halo painted over another mark and every mark that touches a
    text."""
    marks, leaders, halos = marks_and_leaders(page)
    found = []
    for a, b in itertools.combinations(marks, 2):
        space = gap(a, b)
        if space < least:
            found.append(f"{a.name()} and {b.name()} are {space:.2f} pt apart")
    for number, segments in leaders.items():
        for mark in marks:
            if mark.number == number and mark.kind != "diamond":
                continue
            for start, end in segments:
                space = segment_gap(mark, start, end)
                if space < least:
                    found.append(f"leader #{number} passes {space:.2f} pt from {mark.name()}")
                    break
    for halo in halos:
        for mark in marks:
            if mark.number != halo.number and mark.order < halo.order and gap(halo, mark) < 0:
                found.append(f"the {halo.name()} covers {mark.name()}")
    for mark in marks:
        for text in page.texts:
            if _tag(text, "/Badge") is not None:
                continue  # a badge's number: its ring is checked as a mark
            if box_gap(mark, text.box) < 0:
                found.append(f"{mark.name()} covers text {text.codes!r}")
    return found
