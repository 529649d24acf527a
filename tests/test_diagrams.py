"""Body views as rendered: every marker sits on the body, where the registry puts it, and no
marker label overlaps another label or a dot."""

from __future__ import annotations

import io
import itertools
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from handouts import document as d
from handouts.render.diagram import DOT_RADIUS, DiagramRow
from handouts.render.pdf import Styles
from helpers import CONTENT, page_image

SVG = "{http://www.w3.org/2000/svg}"
DPI = 300
REGISTRY = yaml.safe_load((CONTENT / "points.yaml").read_text(encoding="utf-8"))["points"]
VIEWS = sorted({entry["view"] for entry in REGISTRY.values()})


def styles() -> Styles:
    data = yaml.safe_load((CONTENT / "en" / "language.yaml").read_text(encoding="utf-8"))
    return Styles.for_typography(d.Typography(data["font"], 12, data["leading"], True, "", "", ()))


def markers(view: str) -> tuple[d.Marker, ...]:
    codes = sorted(code for code, entry in REGISTRY.items() if entry["view"] == view)
    return tuple(d.Marker(n, REGISTRY[c]["x"], REGISTRY[c]["y"]) for n, c in enumerate(codes, 1))


def render(view: d.View, height: float = 90 * mm):
    """Draw one view with our renderer; return the page image and the marker placements."""
    s = styles()
    row = DiagramRow((view,), height, s.small, s.number)
    width, row_height = row.wrap(150 * mm, 200 * mm)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, row_height))
    row.drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    placement = row.placements()[0]
    return page_image(buffer.getvalue(), 0, dpi=DPI), placement, row_height


def to_pixel(point, page_height):
    x, y = point
    return round(x * DPI / 72), round((page_height - y) * DPI / 72)


def body_with_probes(view: str, tmp_path: Path) -> Path:
    """The view's silhouette alone, filled black, with a red probe at each registry point."""
    ET.register_namespace("", SVG[1:-1])
    tree = ET.parse(CONTENT / "diagrams" / f"{view}.svg")
    root = tree.getroot()
    for child in list(root):
        if child.get("id") != "body":
            root.remove(child)
    for shape in root.iter():
        if shape.get("fill") not in (None, "none"):
            shape.set("fill", "#000000")
    for marker in markers(view):
        ET.SubElement(root, f"{SVG}circle", cx=str(marker.x), cy=str(marker.y), r="1.2",
                      fill="#ff0000", stroke="none")
    path = tmp_path / f"{view}.svg"
    tree.write(path)
    return path


@pytest.mark.parametrize("view", VIEWS)
def test_markers_lie_on_the_body_where_the_registry_says(view, tmp_path):
    full, placement, page_height = render(
        d.View(view, CONTENT / "diagrams" / f"{view}.svg", view, markers(view)))
    probes, probe_placement, _ = render(
        d.View(view, body_with_probes(view, tmp_path), view, ()))
    assert probe_placement.left == placement.left and probe_placement.scale == placement.scale
    tolerance = round(1.2 * DPI / 25.4)          # 1.2 mm on paper
    for marker, dot, _ in placement.markers:
        px, py = to_pixel(dot, page_height)
        # The marker dot is drawn there ...
        assert sum(full.getpixel((px, py))[:3]) < 200, f"{view} #{marker.number}: no dot drawn"
        # ... on top of the red probe svglib drew at the registry position (same transform) ...
        window = probes.crop((px - tolerance, py - tolerance, px + tolerance, py + tolerance))
        rgb = window.convert("RGB").tobytes()
        near = any(rgb[i] > 200 and rgb[i + 1] < 90 and rgb[i + 2] < 90
                   for i in range(0, len(rgb), 3))
        assert near, f"{view} #{marker.number}: drawn away from its registry position"
        # ... and inside the filled silhouette, with margin on every side.
        ring = DOT_RADIUS * DPI / 72 + 2
        for angle in range(0, 360, 30):
            x = round(px + ring * math.cos(math.radians(angle)))
            y = round(py + ring * math.sin(math.radians(angle)))
            r, g, b = probes.getpixel((x, y))[:3]
            assert (r, g, b) != (255, 255, 255), f"{view} #{marker.number}: off the body"


def test_a_point_drawn_off_the_body_is_caught(tmp_path):
    view = "hand-back"
    body = body_with_probes(view, tmp_path)
    off = (d.Marker(1, 2.0, 2.0),)          # the top-left corner: background, not hand
    _, placement, page_height = render(d.View(view, body, view, off))
    probes, _, _ = render(d.View(view, body, view, ()))     # same layout, no marker drawn
    px, py = to_pixel(placement.markers[0][1], page_height)
    assert probes.getpixel((px, py))[:3] == (255, 255, 255)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("height", [40 * mm, 56 * mm, 90 * mm])
def test_labels_never_overlap_labels_or_dots(view, height):
    s = styles()
    row = DiagramRow((d.View(view, CONTENT / "diagrams" / f"{view}.svg", view, markers(view)),),
                     height, s.small, s.number)
    row.wrap(150 * mm, 300 * mm)
    placement = row.placements()[0]
    radius = row.label_radius
    labels = [label for _, _, label in placement.markers]
    dots = [dot for _, dot, _ in placement.markers]
    for a, b in itertools.combinations(labels, 2):
        assert math.dist(a, b) >= 2 * radius, (view, a, b)
    for label in labels:
        for dot in dots:
            assert math.dist(label, dot) >= radius + DOT_RADIUS, (view, label, dot)
        assert placement.x <= label[0] - radius
        assert label[0] + radius <= placement.x + placement.slot
