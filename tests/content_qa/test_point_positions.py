"""The acupoints in content/points.yaml sit where WHO (2008) puts them on our drawings.

Every expected position is computed from the landmark shapes (`lm-*` ids) of the view's SVG, so
moving a landmark in Inkscape moves the expectation with it. Each check also has a "wrong place"
counterpart below: the checks must reject the typical mistakes (buttock instead of knee crease,
midpoint instead of one third, wrong vertebra, ...).

Also checked: every SVG keeps to the subset the PDF renderer (svglib) and docs/diagrams.md allow,
and every point lies on the filled body (`#body`) with a margin.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
DIAGRAMS = ROOT / "content" / "diagrams"
REGISTRY = ROOT / "content" / "points.yaml"
NS = "{http://www.w3.org/2000/svg}"

VIEWS = ["lower-body-back", "lower-body-front", "hand-back", "foot-top", "inner-ankle"]
EXPECTED = {  # code: (meridian, view, aliases)
    "GB30": ("Gallbladder", "lower-body-back", []),
    "BL40": ("Bladder", "lower-body-back", []),
    "BL23": ("Bladder", "lower-body-back", []),
    "BL54": ("Bladder", "lower-body-back", []),
    "GB34": ("Gallbladder", "lower-body-front", []),
    "ST36": ("Stomach", "lower-body-front", []),
    "LI4": ("Large Intestine", "hand-back", []),
    "SP6": ("Spleen", "inner-ankle", []),
    "KI3": ("Kidney", "inner-ankle", []),
    "LR3": ("Liver", "foot-top", ["LV3"]),
}
MARGIN = 4.0  # a point must be at least this far (user units) inside the body outline

Pt = tuple[float, float]


# --- reading the files ------------------------------------------------------------------------
@cache
def registry() -> dict:
    return yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))["points"]


def pos(code: str) -> Pt:
    entry = registry()[code]
    return float(entry["x"]), float(entry["y"])


@cache
def svg(view: str) -> ET.Element:
    return ET.parse(DIAGRAMS / f"{view}.svg").getroot()


def lm(view: str, name: str) -> ET.Element:
    for el in svg(view).iter():
        if el.get("id") == f"lm-{name}":
            return el
    raise AssertionError(f"{view}.svg: landmark id 'lm-{name}' is missing")


def num(el: ET.Element, attr: str) -> float:
    return float(el.get(attr))


def centre(view: str, name: str) -> Pt:
    el = lm(view, name)
    assert el.tag in (NS + "ellipse", NS + "circle"), f"lm-{name} must be an ellipse or circle"
    return num(el, "cx"), num(el, "cy")


def half_height(view: str, name: str) -> float:
    el = lm(view, name)
    return num(el, "ry") if el.tag == NS + "ellipse" else num(el, "r")


def _pairs(text: str) -> list[Pt]:
    values = [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]
    return list(zip(values[0::2], values[1::2]))


def vertices(view: str, name: str) -> list[Pt]:
    """Points of a line / polyline / polygon landmark, in document order."""
    el = lm(view, name)
    if el.tag == NS + "line":
        return [(num(el, "x1"), num(el, "y1")), (num(el, "x2"), num(el, "y2"))]
    assert el.tag in (NS + "polyline", NS + "polygon"), f"lm-{name} must be a line or polyline"
    return _pairs(el.get("points"))


def x_at_y(pts: list[Pt], y: float) -> float:
    """x where a (roughly vertical) polyline crosses height y; extrapolates past its ends."""
    pts = sorted(pts, key=lambda p: p[1])
    for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
        if y1 <= y <= y2 and y2 > y1:
            return x1 + (x2 - x1) * (y - y1) / (y2 - y1)
    (x1, y1), (x2, y2) = (pts[0], pts[1]) if y < pts[0][1] else (pts[-2], pts[-1])
    return x1 + (x2 - x1) * (y - y1) / (y2 - y1)


def dist(a: Pt, b: Pt) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def lerp(a: Pt, b: Pt, t: float) -> Pt:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def near(actual: Pt, expected: Pt, tol: float, what: str) -> None:
    d = dist(actual, expected)
    assert d <= tol, (
        f"{what}: at ({actual[0]:.1f}, {actual[1]:.1f}), expected about "
        f"({expected[0]:.1f}, {expected[1]:.1f}) - off by {d:.1f} > {tol:.1f} units"
    )


def between(value: float, lo: float, hi: float, what: str) -> None:
    assert lo <= value <= hi, f"{what}: {value:.2f} is not within [{lo:.2f}, {hi:.2f}]"


# --- cun (proportional body inch) per view ------------------------------------------------------
def cun(view: str) -> float:
    """User units per cun, from WHO 2008 proportional bone measurements drawn in the view."""
    if view == "lower-body-back":  # popliteal crease -> prominence of lateral malleolus = 16
        crease = vertices(view, "popliteal-crease")
        crease_y = sum(p[1] for p in crease) / len(crease)
        return (centre(view, "lateral-malleolus")[1] - crease_y) / 16
    if view == "lower-body-front":  # ST35 (knee joint level) -> lateral malleolus prominence = 16
        return (centre(view, "lateral-malleolus")[1] - centre(view, "st35")[1]) / 16
    if view == "inner-ankle":  # lower border of medial tibial condyle -> medial malleolus = 13
        return (centre(view, "medial-malleolus")[1] - vertices(view, "medial-condyle")[-1][1]) / 13
    raise KeyError(view)


def test_cun_scales_are_plausible():
    # The three leg views show one person: their cun must agree within 10 %.
    scales = [cun(v) for v in ("lower-body-back", "lower-body-front", "inner-ankle")]
    for view, c in zip(("lower-body-back", "lower-body-front", "inner-ankle"), scales):
        assert c > 0, f"{view}: cun must be positive (check landmark order)"
    widths = {v: float(svg(v).get("width")) for v in ("lower-body-back", "lower-body-front")}
    for view, w in widths.items():
        between(cun(view) / w, 0.04, 0.09, f"{view}: cun as a fraction of the view width")


# --- the WHO location rules ---------------------------------------------------------------------
def _back_side(view: str = "lower-body-back") -> float:
    """+1 if the drawn (patient's right) side is toward larger x in the back view."""
    midline = vertices(view, "median-sacral-crest")[0][0]
    return 1.0 if centre(view, "greater-trochanter")[0] > midline else -1.0


def check_gb30(p: Pt) -> None:
    """Junction of the lateral 1/3 and medial 2/3 of trochanter -> sacral hiatus."""
    v = "lower-body-back"
    t, h = centre(v, "greater-trochanter"), centre(v, "sacral-hiatus")
    near(p, lerp(t, h, 1 / 3), 0.06 * dist(t, h), "GB30 (1/3 from the trochanter to the hiatus)")


def check_bl40(p: Pt) -> None:
    """Midpoint of the popliteal crease."""
    a, b = (
        vertices("lower-body-back", "popliteal-crease")[0],
        vertices("lower-body-back", "popliteal-crease")[-1],
    )
    near(p, lerp(a, b, 0.5), 0.1 * dist(a, b), "BL40 (midpoint of the popliteal crease)")


def check_bl23(p: Pt) -> None:
    """Level with the lower border of the L2 spinous process, 1.5 cun lateral to the midline."""
    v = "lower-body-back"
    cx, cy = centre(v, "l2-spinous")
    expected = (cx + _back_side() * 1.5 * cun(v), cy + half_height(v, "l2-spinous"))
    near(p, expected, 0.4 * cun(v), "BL23 (L2 lower border, 1.5 cun lateral)")


def check_bl54(p: Pt) -> None:
    """Level with the 4th posterior sacral foramen, 3 cun lateral to the median sacral crest."""
    v = "lower-body-back"
    crest_x = vertices(v, "median-sacral-crest")[0][0]
    expected = (crest_x + _back_side() * 3 * cun(v), centre(v, "s4-foramen")[1])
    near(p, expected, 0.4 * cun(v), "BL54 (level with S4 foramen, 3 cun lateral)")


def _front_lateral() -> float:
    """+1 if lateral (the fibula side) is toward larger x on the drawn leg of the front view."""
    v = "lower-body-front"
    fib = centre(v, "fibula-head")
    return 1.0 if fib[0] > x_at_y(vertices(v, "tibial-crest"), fib[1]) else -1.0


def check_st36(p: Pt) -> None:
    """On the line ST35 -> ST41, 3 cun below ST35; about a finger-breadth lateral to the crest."""
    v = "lower-body-front"
    c = cun(v)
    st35, st41 = centre(v, "st35"), centre(v, "st41")
    near(p, lerp(st35, st41, 3 / 16), 0.5 * c, "ST36 (3 cun below ST35 on the ST35-ST41 line)")
    lateral = _front_lateral() * (p[0] - x_at_y(vertices(v, "tibial-crest"), p[1]))
    between(lateral / c, 0.4, 1.5, "ST36: cun lateral to the anterior crest of the tibia")


def check_gb34(p: Pt) -> None:
    """In the depression anterior and distal to the head of the fibula."""
    v = "lower-body-front"
    c = cun(v)
    fx, fy = centre(v, "fibula-head")
    el = lm(v, "fibula-head")
    rx, ry = num(el, "rx"), num(el, "ry")
    below = (p[1] - fy) / c  # distal = down
    anterior = -_front_lateral() * (p[0] - fx) / c  # in front view, anterior shows as medial
    between(below, 0.3, 1.5, "GB34: cun distal to the centre of the fibula head")
    between(anterior, 0.0, 1.5, "GB34: cun anterior (toward the shin) of the fibula head")
    assert ((p[0] - fx) / rx) ** 2 + ((p[1] - fy) / ry) ** 2 > 1.2, (
        "GB34 lies on the fibula head itself, not in the depression next to it"
    )


def check_li4(p: Pt) -> None:
    """Dorsum of the hand, radial to the midpoint of the 2nd metacarpal bone."""
    v = "hand-back"
    base, head = vertices(v, "metacarpal-2")
    length = dist(base, head)
    ux, uy = (head[0] - base[0]) / length, (head[1] - base[1]) / length
    nx, ny = -uy, ux  # a perpendicular ...
    m1 = lerp(*vertices(v, "metacarpal-1"), 0.5)
    if (m1[0] - base[0]) * nx + (m1[1] - base[1]) * ny < 0:
        nx, ny = -nx, -ny  # ... pointing to the thumb (radial)
    along = ((p[0] - base[0]) * ux + (p[1] - base[1]) * uy) / length
    radial = ((p[0] - base[0]) * nx + (p[1] - base[1]) * ny) / length
    between(along, 0.4, 0.6, "LI4: position along the 2nd metacarpal (0 = base, 1 = head)")
    between(radial, 0.05, 0.25, "LI4: offset to the radial side, in 2nd-metacarpal lengths")


def check_sp6(p: Pt) -> None:
    """3 cun superior to the medial malleolus prominence, just posterior to the tibia's border."""
    v = "inner-ankle"
    c = cun(v)
    mx, my = centre(v, "medial-malleolus")
    tendon = vertices(v, "calcaneal-tendon")
    posterior = 1.0 if x_at_y(tendon, my) > mx else -1.0
    between((my - p[1]) / c, 2.6, 3.4, "SP6: cun above the medial malleolus prominence")
    behind = posterior * (p[0] - x_at_y(vertices(v, "tibia-medial-border"), p[1])) / c
    between(behind, 0.05, 0.8, "SP6: cun posterior to the medial border of the tibia")


def check_ki3(p: Pt) -> None:
    """Midway between the medial malleolus prominence and the calcaneal tendon."""
    v = "inner-ankle"
    mx, my = centre(v, "medial-malleolus")
    tendon = (x_at_y(vertices(v, "calcaneal-tendon"), my), my)
    near(
        p,
        lerp((mx, my), tendon, 0.5),
        0.15 * dist((mx, my), tendon),
        "KI3 (midway between malleolus and calcaneal tendon)",
    )


def check_lr3(p: Pt) -> None:
    """Between metatarsals 1 and 2, in the depression distal to the junction of their bases."""
    v = "foot-top"
    b1, h1 = vertices(v, "metatarsal-1")
    b2, h2 = vertices(v, "metatarsal-2")
    assert dist(b1, b2) <= 0.1 * dist(b1, h1), "metatarsal lines must meet at their bases"
    j = lerp(b1, b2, 0.5)
    l1, l2 = dist(j, h1), dist(j, h2)
    u1 = ((h1[0] - j[0]) / l1, (h1[1] - j[1]) / l1)
    u2 = ((h2[0] - j[0]) / l2, (h2[1] - j[1]) / l2)
    bis = (u1[0] + u2[0], u1[1] + u2[1])
    bl = math.hypot(*bis)
    bis = (bis[0] / bl, bis[1] / bl)
    mean = (l1 + l2) / 2

    def cross(u: Pt, w: Pt) -> float:
        return u[0] * w[1] - u[1] * w[0]

    w = (p[0] - j[0], p[1] - j[1])
    assert cross(u1, w) * cross(u1, u2) > 0 and cross(u2, w) * cross(u2, u1) > 0, (
        "LR3 must lie between the 1st and 2nd metatarsal lines"
    )
    distal = (w[0] * bis[0] + w[1] * bis[1]) / mean
    between(distal, 0.1, 0.4, "LR3: distance distal to the base junction, in metatarsal lengths")


CHECKS = {
    "GB30": check_gb30,
    "BL40": check_bl40,
    "BL23": check_bl23,
    "BL54": check_bl54,
    "GB34": check_gb34,
    "ST36": check_st36,
    "LI4": check_li4,
    "SP6": check_sp6,
    "KI3": check_ki3,
    "LR3": check_lr3,
}


# --- the registry -------------------------------------------------------------------------------
def test_registry_has_the_expected_points():
    unchecked = sorted(set(registry()) - set(EXPECTED))
    assert not unchecked, (
        f"no WHO location check for {', '.join(unchecked)}: add its landmarks, "
        "an entry in EXPECTED and a rule in CHECKS (docs/diagrams.md)"
    )
    assert set(registry()) == set(EXPECTED)
    for code, (meridian, view, aliases) in EXPECTED.items():
        entry = registry()[code]
        assert set(entry) == {"aliases", "meridian", "bilateral", "view", "x", "y"}, code
        assert entry["meridian"] == meridian, code
        assert entry["view"] == view, code
        assert entry["aliases"] == aliases, code
        assert entry["bilateral"] is True, code
        assert isinstance(entry["x"], (int, float)) and isinstance(entry["y"], (int, float)), code


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_point_at_who_location(code):
    CHECKS[code](pos(code))


def _wrong_positions() -> list[tuple[str, str, Pt]]:
    b, f, h, i, t = "lower-body-back", "lower-body-front", "hand-back", "inner-ankle", "foot-top"
    troch, hiatus = centre(b, "greater-trochanter"), centre(b, "sacral-hiatus")
    crease = vertices(b, "popliteal-crease")
    l3x, l3y = centre(b, "l3-spinous")
    st35, st41 = centre(f, "st35"), centre(f, "st41")
    fib = centre(f, "fibula-head")
    mm = centre(i, "medial-malleolus")
    border_x = x_at_y(vertices(i, "tibia-medial-border"), mm[1] - 3 * cun(i))
    mt_base = vertices(t, "metatarsal-1")[0]
    mt_heads = lerp(vertices(t, "metatarsal-1")[1], vertices(t, "metatarsal-2")[1], 0.5)
    return [
        ("GB30", "at the midpoint instead of one third", lerp(troch, hiatus, 0.5)),
        ("GB30", "on the trochanter", troch),
        ("BL40", "on the buttock", (lerp(crease[0], crease[-1], 0.5)[0], troch[1])),
        ("BL40", "at the end of the crease", crease[-1]),
        ("BL23", "beside L3", (pos("BL23")[0], l3y + half_height(b, "l3-spinous"))),
        ("BL23", "3 cun lateral", (l3x + _back_side() * 3 * cun(b), pos("BL23")[1])),
        ("BL54", "only 1.5 cun lateral", (hiatus[0] + _back_side() * 1.5 * cun(b), pos("BL54")[1])),
        ("ST36", "at ST35", st35),
        ("ST36", "6 cun below ST35", lerp(st35, st41, 6 / 16)),
        ("GB34", "on the fibula head", fib),
        ("GB34", "above the fibula head", (fib[0], fib[1] - cun(f))),
        ("LI4", "on the 1st metacarpal", lerp(*vertices(h, "metacarpal-1"), 0.5)),
        ("LI4", "at the knuckle", vertices(h, "metacarpal-2")[1]),
        ("SP6", "on the malleolus", mm),
        (
            "SP6",
            "in front of the tibia's border",
            (border_x - (pos("SP6")[0] - border_x), pos("SP6")[1]),
        ),
        ("KI3", "on the malleolus", mm),
        ("LR3", "near the heads (toward LR2)", lerp(mt_base, mt_heads, 0.8)),
        ("LR3", "on the base junction", mt_base),
    ]


@pytest.mark.parametrize(
    "code,why,where", _wrong_positions(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_checks_reject_wrong_positions(code, why, where):
    with pytest.raises(AssertionError):
        CHECKS[code](where)


# --- points lie on the filled body --------------------------------------------------------------
_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtZzAa]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _flatten_path(d: str, steps: int = 12) -> list[list[Pt]]:
    """Polygons (one per subpath) approximating an SVG path without arcs."""
    tokens = _TOKEN.findall(d)
    polys: list[list[Pt]] = []
    cur: list[Pt] = []
    x = y = sx = sy = 0.0
    last_ctrl: Pt | None = None
    cmd = None
    i = 0

    def take(n: int) -> list[float]:
        nonlocal i
        vals = [float(v) for v in tokens[i : i + n]]
        i += n
        return vals

    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                if cur:
                    polys.append(cur)
                cur, x, y, last_ctrl = [], sx, sy, None
                continue
        assert cmd is not None, "path data must start with a command"
        assert cmd not in "Aa", "arcs (A) are not allowed in body outlines; use curves"
        rel = cmd.islower()
        c = cmd.upper()
        ox, oy = (x, y) if rel else (0.0, 0.0)
        if c == "M":
            px, py = take(2)
            if cur:
                polys.append(cur)
            x, y = ox + px, oy + py
            sx, sy, cur = x, y, [(x, y)]
            cmd = "l" if rel else "L"
            last_ctrl = None
        elif c in "LHV":
            if c == "L":
                px, py = take(2)
                x, y = ox + px, oy + py
            elif c == "H":
                x = ox + take(1)[0]
            else:
                y = (y if rel else 0.0) + take(1)[0]
            cur.append((x, y))
            last_ctrl = None
        elif c in "CSQT":
            if c == "C":
                a = take(6)
                p1, p2, p3 = (ox + a[0], oy + a[1]), (ox + a[2], oy + a[3]), (ox + a[4], oy + a[5])
            elif c == "S":
                a = take(4)
                p1 = (2 * x - last_ctrl[0], 2 * y - last_ctrl[1]) if last_ctrl else (x, y)
                p2, p3 = (ox + a[0], oy + a[1]), (ox + a[2], oy + a[3])
            else:
                if c == "Q":
                    a = take(4)
                    q, p3 = (ox + a[0], oy + a[1]), (ox + a[2], oy + a[3])
                else:
                    a = take(2)
                    q = (2 * x - last_ctrl[0], 2 * y - last_ctrl[1]) if last_ctrl else (x, y)
                    p3 = (ox + a[0], oy + a[1])
                p1 = (x + 2 / 3 * (q[0] - x), y + 2 / 3 * (q[1] - y))
                p2 = (p3[0] + 2 / 3 * (q[0] - p3[0]), p3[1] + 2 / 3 * (q[1] - p3[1]))
            p0 = (x, y)
            for k in range(1, steps + 1):
                t = k / steps
                s = 1 - t
                cur.append(
                    (
                        s**3 * p0[0] + 3 * s * s * t * p1[0] + 3 * s * t * t * p2[0] + t**3 * p3[0],
                        s**3 * p0[1] + 3 * s * s * t * p1[1] + 3 * s * t * t * p2[1] + t**3 * p3[1],
                    )
                )
            x, y = p3
            last_ctrl = q if c in "QT" else p2
    if cur:
        polys.append(cur)
    return polys


def _shape_polygons(el: ET.Element) -> list[list[Pt]]:
    tag = el.tag[len(NS) :]
    if tag == "path":
        return _flatten_path(el.get("d"))
    if tag == "polygon":
        return [_pairs(el.get("points"))]
    if tag == "rect":
        x, y, w, h = (num(el, a) for a in ("x", "y", "width", "height"))
        return [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)]]
    if tag in ("ellipse", "circle"):
        cx, cy = num(el, "cx"), num(el, "cy")
        rx = num(el, "rx") if tag == "ellipse" else num(el, "r")
        ry = num(el, "ry") if tag == "ellipse" else num(el, "r")
        return [
            [
                (cx + rx * math.cos(a * math.pi / 32), cy + ry * math.sin(a * math.pi / 32))
                for a in range(64)
            ]
        ]
    return []


def _inside(p: Pt, poly: list[Pt]) -> bool:
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (x2 - x1) * (y - y1) / (y2 - y1):
            inside = not inside
    return inside


def _edge_distance(p: Pt, poly: list[Pt]) -> float:
    best = math.inf
    for a, b in zip(poly, poly[1:] + poly[:1]):
        dx, dy = b[0] - a[0], b[1] - a[1]
        ll = dx * dx + dy * dy
        t = 0.0 if ll == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / ll))
        best = min(best, dist(p, (a[0] + t * dx, a[1] + t * dy)))
    return best


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_point_lies_on_the_body(code):
    view = registry()[code]["view"]
    p = pos(code)
    body = next(el for el in svg(view) if el.get("id") == "body")
    polys = [poly for el in body.iter() for poly in _shape_polygons(el)]
    best = max((_edge_distance(p, poly) for poly in polys if _inside(p, poly)), default=None)
    assert best is not None, f"{code} at {p} is outside the body outline of {view}.svg"
    assert best >= MARGIN, f"{code} is only {best:.1f} units inside the body outline (min {MARGIN})"


# --- the SVG subset -----------------------------------------------------------------------------
from handouts.content.artwork import GEOMETRY, PRESENTATION  # noqa: E402  (the one subset we draw)

FILLS = {"none", "#ececec"}
STROKES = {"none", "#222222", "#555555", "#888888"}  # outline, detail, bone (widths: styles.yaml)


@pytest.mark.parametrize("view", VIEWS)
def test_svg_uses_the_allowed_subset(view):
    path = DIAGRAMS / f"{view}.svg"
    text = path.read_text(encoding="utf-8")
    assert "xmlns:" not in text, f"{path.name}: extra XML namespaces (save as plain SVG)"
    root = svg(view)
    assert root.tag == NS + "svg", f"{path.name}: root must be <svg> in the SVG namespace"
    assert set(root.attrib) == {"width", "height", "viewBox"}, f"{path.name}: root attributes"
    for attr in ("width", "height"):
        assert re.fullmatch(r"\d+(\.\d+)?", root.get(attr)), (
            f"{path.name}: {attr} must be a plain number (no mm/px), equal to the viewBox size"
        )
    vb = [float(v) for v in root.get("viewBox").replace(",", " ").split()]
    assert vb[:2] == [0, 0], f"{path.name}: viewBox must start at 0 0"
    assert (float(root.get("width")), float(root.get("height"))) == (vb[2], vb[3]), (
        f"{path.name}: width/height must be plain numbers equal to the viewBox size"
    )

    ids = []
    for el in root.iter():
        if el is root or not isinstance(el.tag, str):
            continue
        assert el.tag.startswith(NS), f"{path.name}: foreign element {el.tag}"
        tag = el.tag[len(NS) :]
        assert tag in GEOMETRY, f"{path.name}: <{tag}> is not allowed"
        extra = set(el.attrib) - PRESENTATION - GEOMETRY[tag] - {"id"}
        assert not extra, f"{path.name}: <{tag} id={el.get('id')}> has disallowed {sorted(extra)}"
        if "fill" in el.attrib:
            assert el.get("fill").lower() in FILLS, f"{path.name}: fill {el.get('fill')}"
        if "stroke" in el.attrib:
            assert el.get("stroke").lower() in STROKES, f"{path.name}: stroke {el.get('stroke')}"
        if el.get("id"):
            ids.append(el.get("id"))
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate ids"

    groups = {el.get("id"): el for el in root}
    assert all(el.tag == NS + "g" for el in root), f"{path.name}: top level holds only <g>"
    assert {"body", "landmarks"} <= set(groups), (
        f"{path.name}: needs <g id=body> and <g id=landmarks>"
    )
    assert set(groups) <= {"body", "details", "landmarks", "sides"}, (
        f"{path.name}: unknown top-level group"
    )
    assert list(groups)[0] == "body", (
        f"{path.name}: #body comes first (it is drawn under everything else)"
    )
    for el in groups.get("sides", []):
        assert el.tag == NS + "circle" and el.get("id") in ("side-right", "side-left"), (
            f"{path.name}: #sides holds only <circle id=side-right|side-left> anchors"
        )
        assert el.get("fill") == "none" and el.get("stroke") == "none", (
            f"{path.name}: the R/L anchors are not drawn (fill and stroke none)"
        )
    shapes = [el for el in groups["body"].iter() if el.tag != NS + "g"]
    assert shapes, f"{path.name}: #body is empty"
    for el in shapes:
        assert el.get("fill", "").lower() == "#ececec", f"{path.name}: body shapes fill #ececec"
        assert el.get("stroke", "").lower() == "#222222", f"{path.name}: body shapes stroke #222222"
    for el in groups["landmarks"]:
        assert (el.get("id") or "").startswith("lm-"), (
            f"{path.name}: every child of #landmarks needs an id lm-<name>"
        )


def test_landmarks_needed_by_the_rules_exist():
    needed = {
        "lower-body-back": [
            "greater-trochanter",
            "sacral-hiatus",
            "median-sacral-crest",
            "l1-spinous",
            "l2-spinous",
            "l3-spinous",
            "l4-spinous",
            "l5-spinous",
            "s1-foramen",
            "s2-foramen",
            "s3-foramen",
            "s4-foramen",
            "popliteal-crease",
            "lateral-malleolus",
            "iliac-crest",
            "sacrum",
        ],
        "lower-body-front": [
            "patella",
            "patellar-ligament",
            "st35",
            "st41",
            "tibial-crest",
            "fibula-head",
            "lateral-malleolus",
        ],
        "hand-back": ["metacarpal-1", "metacarpal-2"],
        "foot-top": ["metatarsal-1", "metatarsal-2"],
        "inner-ankle": [
            "medial-malleolus",
            "tibia-medial-border",
            "calcaneal-tendon",
            "medial-condyle",
        ],
    }
    for view, names in needed.items():
        for name in names:
            lm(view, name)
