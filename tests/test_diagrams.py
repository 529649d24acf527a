"""Body views as rendered: every marker sits on the body, where the registry puts it, and no
badge overlaps another badge, a dot, a leader line or a landmark.

The check of positions is independent of our SVG reader: the probe drawing (the silhouette
filled black, a red dot at each registry position) is rendered by svglib, an SVG renderer of
its own, at the transform our layout reports."""

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

from handouts.compose import document as d
from handouts.content.loader import load_library
from handouts.errors import HandoutsError
from handouts.render import leaders
from handouts.render.diagram import DiagramRow
from handouts.render.pdf import Styles
from handouts.render.views import view_art
from helpers import CONTENT, page_image

SVG = "{http://www.w3.org/2000/svg}"
DPI = 300
REGISTRY = yaml.safe_load((CONTENT / "points.yaml").read_text(encoding="utf-8"))["points"]
VIEWS = sorted({entry["view"] for entry in REGISTRY.values()})
LIBRARY, _ = load_library(CONTENT)


def styles(lang: str = "en", large: bool = False) -> Styles:
    language = LIBRARY.languages[lang]
    from handouts.compose.composer import typography

    return Styles(LIBRARY.page_style(lang, "a4", large), typography(language))


def markers(view: str) -> tuple[d.Marker, ...]:
    codes = sorted(code for code, entry in REGISTRY.items() if entry["view"] == view)
    return tuple(d.Marker(n, REGISTRY[c]["x"], REGISTRY[c]["y"]) for n, c in enumerate(codes, 1))


def row(views: tuple[d.View, ...], height: float, s: Styles | None = None) -> DiagramRow:
    s = s or styles()
    result = DiagramRow(views, s.style, s.caption, s.number, s.side, ("R", "L"))
    result.view_height = height
    result.wrap(180 * mm, 250 * mm)
    return result


def render(view: d.View, height: float = 90 * mm):
    """Draw one view with our renderer; return the page image, its placement, page height."""
    r = row((view,), height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(r.width, r.height))
    r.drawOn(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    return page_image(buffer.getvalue(), 0, dpi=DPI), r.placements()[0], r.height


def svglib_probe(view: str, placement, page_size, tmp_path: Path):
    """The silhouette (black) and a red dot at each registry point, drawn by svglib at the
    transform our layout reports for the view."""
    from reportlab.graphics import renderPDF
    from svglib.svglib import svg2rlg

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
        ET.SubElement(
            root,
            f"{SVG}circle",
            cx=str(marker.x),
            cy=str(marker.y),
            r="1.2",
            fill="#ff0000",
            stroke="none",
        )
    path = tmp_path / f"{view}.svg"
    tree.write(path)
    drawing = svg2rlg(str(path))
    art = view_art(CONTENT / "diagrams" / f"{view}.svg")
    factor = art.width / drawing.width  # svglib draws px as points (x 0.75)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size)
    canvas.translate(placement.left, placement.bottom)
    canvas.scale(placement.scale * factor, placement.scale * factor)
    renderPDF.draw(drawing, canvas, 0, 0, showBoundary=False)
    canvas.showPage()
    canvas.save()
    return page_image(buffer.getvalue(), 0, dpi=DPI)


def to_pixel(point, page_height):
    x, y = point
    return round(x * DPI / 72), round((page_height - y) * DPI / 72)


@pytest.mark.parametrize("view", VIEWS)
def test_markers_lie_on_the_body_where_the_registry_says(view, tmp_path):
    full, placement, page_height = render(
        d.View(view, CONTENT / "diagrams" / f"{view}.svg", view, markers(view))
    )
    probes = svglib_probe(view, placement, (full.width * 72 / DPI, page_height), tmp_path)
    tolerance = round(1.2 * DPI / 25.4)  # 1.2 mm on paper
    dot = styles().style.diagram.dot
    for marker, point, _ in placement.markers:
        px, py = to_pixel(point, page_height)
        # The marker dot is drawn there ...
        assert sum(full.getpixel((px, py))[:3]) < 200, f"{view} #{marker.number}: no dot drawn"
        # ... on top of the red probe svglib drew at the registry position ...
        window = probes.crop((px - tolerance, py - tolerance, px + tolerance, py + tolerance))
        rgb = window.convert("RGB").tobytes()
        near = any(
            rgb[i] > 200 and rgb[i + 1] < 90 and rgb[i + 2] < 90 for i in range(0, len(rgb), 3)
        )
        assert near, f"{view} #{marker.number}: drawn away from its registry position"
        # ... and inside the filled silhouette, with margin on every side.
        ring = dot * DPI / 72 + 2
        for angle in range(0, 360, 30):
            x = round(px + ring * math.cos(math.radians(angle)))
            y = round(py + ring * math.sin(math.radians(angle)))
            r, g, b = probes.getpixel((x, y))[:3]
            assert (r, g, b) != (255, 255, 255), f"{view} #{marker.number}: off the body"


def test_a_point_drawn_off_the_body_is_caught(tmp_path):
    view = "hand-back"
    svg = CONTENT / "diagrams" / f"{view}.svg"
    _, placement, page_height = render(d.View(view, svg, view, (d.Marker(1, 2.0, 2.0),)))
    probes = svglib_probe(view, placement, (200, page_height), tmp_path)
    px, py = to_pixel(placement.markers[0][1], page_height)
    assert probes.getpixel((px, py))[:3] == (255, 255, 255)


def _check_clean(r: DiagramRow) -> None:
    places = r.placements()
    badges = [(m.number, badge) for p in places for m, _, badge in p.markers if m.number]
    dots = [dot for p in places for _, dot, _ in p.markers]
    leader_lines = [
        (m.number, (dot, badge)) for p in places for m, dot, badge in p.markers if m.number
    ]
    radius, d_ = r.radius, r.d
    for (_, a), (_, b) in itertools.combinations(badges, 2):
        assert math.dist(a, b) >= 2 * radius, (a, b)
    for number, badge in badges:
        for dot in dots:
            assert math.dist(badge, dot) >= radius + d_.dot, (number, badge, dot)
        for other, (start, end) in leader_lines:
            if other != number:
                assert leaders._dist_seg(badge, start, end) >= radius, (number, other)
        assert radius <= badge[0] <= r.width - radius
        assert r.caption_height <= badge[1] - radius and badge[1] + radius <= r.height
    for (_, a), (_, b) in itertools.combinations(leader_lines, 2):
        assert not leaders._intersect(*a, *b), "leader lines cross"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("height", [45 * mm, 70 * mm, 105 * mm])
def test_badges_never_overlap_badges_dots_or_leaders(view, height):
    _check_clean(
        row((d.View(view, CONTENT / "diagrams" / f"{view}.svg", view, markers(view)),), height)
    )


def test_every_point_in_one_row_at_the_smallest_size():
    views = tuple(d.View(v, CONTENT / "diagrams" / f"{v}.svg", v, markers(v)) for v in VIEWS)
    for large in (False, True):
        s = styles(large=large)
        r = row(views, s.style.diagram.min_height, s)
        _check_clean(r)


def test_close_points_get_leaders_that_keep_clear_of_the_landmarks():
    """GB30/BL54 and GB34/ST36 are a few millimetres apart on paper: each gets its own leader,
    and no leader runs over a landmark the legend names (trochanter, fibula head, ...)."""
    for view in ("lower-body-back", "lower-body-front"):
        r = row((d.View(view, CONTENT / "diagrams" / f"{view}.svg", view, markers(view)),), 45 * mm)
        place = r.placements()[0]
        art = place.art
        closed = [
            [
                (place.left + x * place.scale, place.bottom + (art.height - y) * place.scale)
                for x, y in pts
            ]
            for _, pts, is_closed in art.landmarks
            if is_closed
        ]
        for marker, dot, badge in place.markers:
            length = math.dist(dot, badge)
            ux, uy = (badge[0] - dot[0]) / length, (badge[1] - dot[1]) / length
            start = (dot[0] + ux * (r.d.dot + 1), dot[1] + uy * (r.d.dot + 1))
            for shape in closed:
                for a, b in zip(shape, shape[1:] + shape[:1]):
                    assert not leaders._intersect(start, badge, a, b), (
                        f"{view}: leader of #{marker.number} crosses a landmark"
                    )


def test_a_view_too_crowded_to_number_fails_loudly():
    view = "hand-back"
    crowded = tuple(d.Marker(n, 85.8 + (n % 3) * 0.5, 163.5 + (n // 3) * 0.5) for n in range(1, 13))
    r = row((d.View(view, CONTENT / "diagrams" / f"{view}.svg", view, crowded),), 45 * mm)
    with pytest.raises(HandoutsError, match="cannot be numbered legibly"):
        r.placements()
