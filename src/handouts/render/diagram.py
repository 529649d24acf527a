"""Body views (SVG via svglib) drawn side by side, with numbered point markers and labels."""

from __future__ import annotations

import functools
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab.lib.colors import Color, black, white
from reportlab.platypus import Flowable

from handouts import cache
from handouts.document import View
from handouts.linebreak import wrap
from handouts.render.text import TextStyle

FAINT = Color(0.6, 0.6, 0.6)
LABEL_RADIUS = 7.0       # for 9 pt marker numbers; markers grow with their number size
DOT_RADIUS = 1.6
LABEL_DISTANCE = 15.0
GAP = 10.0
CACHE_FORMAT = 1        # bump when the operators written to the cache change shape
CAPTION_MAX = 110.0   # points; longer captions wrap


@functools.cache
def load_view(path: Path):
    """The SVG as a reportlab Drawing, parsed once per process.

    svglib converts the SVG's px to points (x 0.75); registry positions are in SVG units, so the
    drawing is scaled back to the SVG's own units here.
    """
    from svglib.svglib import svg2rlg  # svglib pulls in lxml; only diagrams need it

    drawing = svg2rlg(str(path))
    if drawing is None:
        raise ValueError(f"cannot read diagram {path}")
    view_box = [float(v) for v in _view_box(path)]
    factor = view_box[2] / drawing.width
    drawing.scale(factor, factor)
    drawing.width, drawing.height = view_box[2], view_box[3]
    return drawing


@functools.cache
def view_size(path: Path) -> tuple[float, float]:
    """Width and height of a view in its own SVG units (from the viewBox)."""
    box = [float(v) for v in _view_box(path)]
    return box[2], box[3]


@functools.cache
def view_operators(path: Path) -> str:
    """The view as PDF drawing operators, in its SVG units.

    Rendering the SVG's curves through svglib and reportlab is slow and the same artwork appears
    in every document, so it is done once and the operators are reused: in this process, and
    across processes through a small cache keyed by the SVG's bytes (the front desk's single
    handout then needs no SVG parsing at all). Views carry no text, images or transparency
    (docs/diagrams.md), so the operators need no page resources.
    """
    data = path.read_bytes()
    key = hashlib.sha256(data + f"|{reportlab.Version}|{CACHE_FORMAT}".encode()).hexdigest()
    cached = cache.read("views", key)
    if cached is not None:
        return cached.decode("ascii")
    from reportlab.graphics import renderPDF   # only when the cache misses (reportlab.graphics)
    from reportlab.pdfgen.canvas import Canvas

    scratch = Canvas(io.BytesIO())
    renderPDF.draw(load_view(path), scratch, 0, 0, showBoundary=False)
    operators = [op for op in scratch._code if " Tf " not in op]   # font picks: no text here
    if any(token in op.split() for op in operators for token in ("gs", "Do", "sh", "BI")):
        raise ValueError(f"{path}: uses features the diagrams may not (transparency, images)")
    text = "\n".join(operators)
    cache.write("views", key, text.encode("ascii"))
    return text


def _view_box(path: Path) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    box = root.get("viewBox")
    return box.replace(",", " ").split() if box else ["0", "0", root.get("width"), root.get("height")]


def label_radius(number_size: float) -> float:
    """Radius of a numbered marker (and its legend badge) for a number size in points."""
    return LABEL_RADIUS * number_size / 9


def label_positions(points: list[tuple[float, float]], bounds: tuple[float, float, float, float],
                    centre_x: float, radius: float = LABEL_RADIUS,
                    distance: float = LABEL_DISTANCE,
                    obstacles: list[tuple[float, float]] = ()) -> list[tuple[float, float]]:
    """Place one label circle per point so that no label overlaps another label or a dot."""
    x0, y0, x1, y1 = bounds
    dots = [*points, *obstacles]
    placed: list[tuple[float, float]] = []
    for px, py in points:
        outward = -1.0 if px < centre_x else 1.0
        angles = [0, 30, -30, 60, -60, 90, -90, 120, -120, 150, -150, 180]
        best = None
        for reach in (distance, distance * 1.5, distance * 2.0, distance * 2.6):
            for angle in angles:
                rad = math.radians(angle)
                cx = px + outward * reach * math.cos(rad)
                cy = py + reach * math.sin(rad)
                if not (x0 + radius <= cx <= x1 - radius and y0 + radius <= cy <= y1 - radius):
                    continue
                clear_labels = all(math.dist((cx, cy), q) >= 2 * radius + 1.5 for q in placed)
                clear_dots = all(math.dist((cx, cy), q) >= radius + DOT_RADIUS + 1.5 for q in dots)
                if clear_labels and clear_dots:
                    best = (cx, cy)
                    break
            if best:
                break
        best = best or (px + outward * distance, py)
        if any(math.dist(best, q) < 2 * radius for q in placed):
            # Numbers drawn over each other misnumber the points: refuse instead.
            from handouts.errors import HandoutsError

            raise HandoutsError("a body diagram has no room to number every point without "
                                "covering another")
        placed.append(best)
    return placed


@dataclass
class ViewPlacement:
    view: View
    x: float                 # slot left edge
    slot: float              # slot width
    left: float              # drawing origin
    base: float
    scale: float             # points per SVG unit
    markers: list            # (Marker, dot (x, y), label (x, y) or None)


class DiagramRow(Flowable):
    """Views side by side at a common height, each with a caption underneath."""

    def __init__(self, views: tuple[View, ...], max_height: float, caption: TextStyle,
                 number: TextStyle):
        super().__init__()
        self.views, self.max_height = views, max_height
        self.caption, self.number = caption, number
        self.label_radius = label_radius(number.size)
        self.label_distance = LABEL_DISTANCE * self.label_radius / LABEL_RADIUS
        self.sizes = [view_size(view.svg) for view in views]

    def _slots(self, height: float, caption_room: float = CAPTION_MAX) -> list[float]:
        """Width of each view's slot: the view plus room for labels, or its caption if wider
        (captions longer than `caption_room` wrap)."""
        return [max(height * width / tall + 2 * self.label_distance,
                    min(self.caption.width(view.caption) + 4, caption_room))
                for view, (width, tall) in zip(self.views, self.sizes)]

    def natural_width(self) -> float:
        """Width the views take at their full height."""
        return sum(self._slots(self.max_height)) + GAP * (len(self.views) - 1)

    def wrap(self, avail_width, avail_height):
        gaps = GAP * (len(self.views) - 1)
        # Each caption may take an equal share of the row at most; longer ones wrap.
        self.caption_room = min(CAPTION_MAX, (avail_width - gaps) / len(self.views))
        height = self.max_height
        while height > 20 and sum(self._slots(height, self.caption_room)) + gaps > avail_width:
            height *= 0.95
        self.view_height, self.width = height, avail_width
        self.captions = [wrap(view.caption, slot - 4, self.caption.width, self.caption.rules)
                         for view, slot in zip(self.views, self._slots(height, self.caption_room))]
        self.caption_height = max(len(lines) for lines in self.captions) * self.caption.leading + 2
        self.height = self.view_height + self.caption_height
        return avail_width, self.height

    def placements(self) -> list[ViewPlacement]:
        """Where each view, marker dot and label goes, in this flowable's coordinates."""
        h = self.view_height
        slots = self._slots(h, self.caption_room)
        x = (self.width - sum(slots) - GAP * (len(slots) - 1)) / 2
        base = self.caption_height
        result = []
        for view, (width, tall), slot in zip(self.views, self.sizes, slots):
            scale = h / tall
            left = x + (slot - width * scale) / 2
            dots = [(left + m.x * scale, base + (tall - m.y) * scale) for m in view.markers]
            numbered = [dot for dot, m in zip(dots, view.markers) if m.number]
            labels = iter(label_positions(numbered, (x, base, x + slot, base + h),
                                          x + slot / 2, self.label_radius, self.label_distance,
                                          obstacles=dots))
            markers = [(m, dot, next(labels) if m.number else None)
                       for m, dot in zip(view.markers, dots)]
            result.append(ViewPlacement(view, x, slot, left, base, scale, markers))
            x += slot + GAP
        return result

    def draw(self):
        canvas = self.canv
        for place, caption in zip(self.placements(), self.captions):
            canvas.saveState()
            canvas.translate(place.left, place.base)
            canvas.scale(place.scale, place.scale)
            canvas.addLiteral(view_operators(place.view.svg))
            canvas.restoreState()
            self._markers(place.markers)
            canvas.setFillColor(black)
            canvas.setFont(self.caption.font_name, self.caption.size)
            for index, line in enumerate(caption):
                top = place.base - 2 - index * self.caption.leading
                canvas.drawCentredString(place.x + place.slot / 2, self.caption.baseline(top), line)

    def _markers(self, markers):
        canvas = self.canv
        # Faint, unnumbered dots first, so numbered markers are drawn on top of them.
        canvas.setStrokeColor(FAINT)
        canvas.setLineWidth(0.8)
        for marker, (px, py), _ in markers:
            if not marker.number:
                canvas.circle(px, py, DOT_RADIUS, stroke=1, fill=0)
        for marker, (px, py), label in markers:
            if not marker.number:
                continue
            lx, ly = label
            canvas.setStrokeColor(black)
            canvas.setFillColor(black)
            canvas.setLineWidth(0.8)
            canvas.line(px, py, lx, ly)
            canvas.circle(px, py, DOT_RADIUS, stroke=0, fill=1)
            filled = marker.emphasis == "highlight"
            canvas.setLineWidth(1.6 if filled else 1.0)
            canvas.setFillColor(black if filled else white)
            canvas.circle(lx, ly, self.label_radius, stroke=1, fill=1)
            canvas.setFillColor(white if filled else black)
            canvas.setFont(self.number.font_name, self.number.size)
            canvas.drawCentredString(lx, ly - self.number.size * 0.35, str(marker.number))
