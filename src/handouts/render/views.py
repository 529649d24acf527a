"""Body views: the SVG artwork (the subset of docs/diagrams.md) read once into PDF drawing
operators and the geometry the marker layout needs (silhouette, landmarks, R/L anchors).

Line widths are not taken from the SVG: each stroke gets a role (outline, detail, bone) and its
width in points comes from the style data when the view is drawn, whatever its printed size.
The result is kept in the cache, keyed by the SVG's bytes: a warm run reads no SVG at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

from handouts import cache
from handouts.records import Record, record

NS = "{http://www.w3.org/2000/svg}"
CACHE_FORMAT = 2  # bump when the cached operators or geometry change shape
KAPPA = 0.5522847498  # Bezier control distance for a quarter circle
ROLES = {"#222222": "outline", "#888888": "bone"}  # any other stroke is a detail
_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")

Pt = tuple[float, float]


@record(frozen=True, eq=False, repr=False)
class ViewArt(Record):
    width: float  # viewBox size, SVG units
    height: float
    operators: str  # PDF operators in SVG units (y down); widths as %role%
    body: tuple[tuple[Pt, ...], ...]  # silhouette polygons
    landmarks: tuple[tuple[str, tuple[Pt, ...], bool], ...]  # (id, points, closed)
    sides: tuple[tuple[str, Pt], ...]  # ("right" | "left", anchor)

    @functools.cached_property
    def box(self) -> tuple[float, float, float, float]:
        """The silhouette's extent (x0, y0, x1, y1): what a view's printed size refers to."""
        xs = [x for poly in self.body for x, _ in poly]
        ys = [y for poly in self.body for _, y in poly]
        return min(xs), min(ys), max(xs), max(ys)


@functools.cache
def view_art(path: Path) -> ViewArt:
    data = path.read_bytes()
    key = hashlib.sha256(data + f"|{CACHE_FORMAT}".encode()).hexdigest()
    cached = cache.read("views", key)
    if cached is not None:
        try:
            return _from_json(json.loads(cached.decode("utf-8")))
        except (ValueError, KeyError, TypeError):
            pass
    art = _parse(data, path)
    cache.write("views", key, json.dumps(_to_json(art)).encode("utf-8"))
    return art


def _to_json(art: ViewArt) -> dict:
    return {
        "width": art.width,
        "height": art.height,
        "operators": art.operators,
        "body": art.body,
        "landmarks": art.landmarks,
        "sides": art.sides,
    }


def _from_json(data: dict) -> ViewArt:
    return ViewArt(
        data["width"],
        data["height"],
        data["operators"],
        tuple(tuple(map(tuple, poly)) for poly in data["body"]),
        tuple((name, tuple(map(tuple, pts)), closed) for name, pts, closed in data["landmarks"]),
        tuple((side, tuple(at)) for side, at in data["sides"]),
    )


# -- parsing ------------------------------------------------------------------------------------
def _parse(data: bytes, path: Path) -> ViewArt:
    import xml.etree.ElementTree as ET  # here: a warm start reads the view from the cache

    root = ET.fromstring(data)
    box = [float(v) for v in root.get("viewBox", "").replace(",", " ").split()]
    if len(box) != 4:
        raise ValueError(f"{path}: the root <svg> needs a viewBox")
    ops = _Ops()
    body: list[tuple[Pt, ...]] = []
    landmarks: list[tuple[str, tuple[Pt, ...], bool]] = []
    sides: list[tuple[str, Pt]] = []
    for group in root:
        gid = group.get("id")
        for el in group.iter():
            if el is group or el.tag[len(NS) :] == "g":
                continue
            tag = el.tag[len(NS) :]
            if gid == "sides":
                side = (el.get("id") or "").removeprefix("side-")
                if tag == "circle" and side in ("right", "left"):
                    sides.append((side, (float(el.get("cx", 0)), float(el.get("cy", 0)))))
                continue
            subpaths = _shape(el, tag, path)
            ops.draw(el, subpaths)
            polys = [_flatten(sp) for sp in subpaths]
            if gid == "body":
                body += [tuple(p) for p in polys]
            elif gid == "landmarks":
                for sp, poly in zip(subpaths, polys):
                    landmarks.append((el.get("id", ""), tuple(poly), sp[-1][0] == "Z"))
    return ViewArt(box[2], box[3], "\n".join(ops.out), tuple(body), tuple(landmarks), tuple(sides))


def _shape(el, tag: str, path: Path) -> list[list[tuple]]:
    """Subpaths of one element: lists of ("M", p) / ("L", p) / ("C", p1, p2, p3) / ("Z",)."""

    def num(name: str) -> float:
        return float(el.get(name, "0"))

    if tag == "path":
        return _path(el.get("d", ""))
    if tag in ("circle", "ellipse"):
        cx, cy = num("cx"), num("cy")
        rx = num("r") if tag == "circle" else num("rx")
        ry = num("r") if tag == "circle" else num("ry")
        k = KAPPA
        return [
            [
                ("M", (cx + rx, cy)),
                ("C", (cx + rx, cy + k * ry), (cx + k * rx, cy + ry), (cx, cy + ry)),
                ("C", (cx - k * rx, cy + ry), (cx - rx, cy + k * ry), (cx - rx, cy)),
                ("C", (cx - rx, cy - k * ry), (cx - k * rx, cy - ry), (cx, cy - ry)),
                ("C", (cx + k * rx, cy - ry), (cx + rx, cy - k * ry), (cx + rx, cy)),
                ("Z",),
            ]
        ]
    if tag == "line":
        return [[("M", (num("x1"), num("y1"))), ("L", (num("x2"), num("y2")))]]
    if tag in ("polyline", "polygon"):
        values = [float(v) for v in _TOKEN.findall(el.get("points", ""))]
        pts = list(zip(values[0::2], values[1::2]))
        segs = [("M", pts[0]), *[("L", p) for p in pts[1:]]]
        return [segs + ([("Z",)] if tag == "polygon" else [])]
    if tag == "rect":
        x, y, w, h = num("x"), num("y"), num("width"), num("height")
        return [
            [("M", (x, y)), ("L", (x + w, y)), ("L", (x + w, y + h)), ("L", (x, y + h)), ("Z",)]
        ]
    raise ValueError(f"{path}: <{tag}> is not in the diagram SVG subset (docs/diagrams.md)")


def _path(d: str) -> list[list[tuple]]:
    tokens = _TOKEN.findall(d)
    subpaths: list[list[tuple]] = []
    x = y = sx = sy = 0.0
    last_ctrl: Pt | None = None
    cmd = None
    i = 0

    def take(n: int) -> list[float]:
        nonlocal i
        values = [float(v) for v in tokens[i : i + n]]
        i += n
        return values

    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "Zz":
                subpaths[-1].append(("Z",))
                x, y, last_ctrl = sx, sy, None
                continue
        assert cmd is not None  # artwork.path_problem: data starts with M
        rel = cmd.islower()
        c = cmd.upper()
        ox, oy = (x, y) if rel else (0.0, 0.0)
        if c == "M":
            px, py = take(2)
            x, y = ox + px, oy + py
            sx, sy = x, y
            subpaths.append([("M", (x, y))])
            cmd, last_ctrl = ("l" if rel else "L"), None
        elif c in "LHV":
            if c == "L":
                px, py = take(2)
                x, y = ox + px, oy + py
            elif c == "H":
                x = ox + take(1)[0]
            else:
                y = (y if rel else 0.0) + take(1)[0]
            subpaths[-1].append(("L", (x, y)))
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
            subpaths[-1].append(("C", p1, p2, p3))
            x, y = p3
            last_ctrl = q if c in "QT" else p2
        else:
            raise ValueError(f"path command {cmd} is not supported (no arcs)")
    return subpaths


def _flatten(subpath: list[tuple], steps: int = 8) -> list[Pt]:
    points: list[Pt] = []
    for seg in subpath:
        if seg[0] in ("M", "L"):
            points.append(seg[1])
        elif seg[0] == "C":
            p0, (p1, p2, p3) = points[-1], seg[1:]
            for k in range(1, steps + 1):
                t = k / steps
                s = 1 - t
                points.append(
                    (
                        s**3 * p0[0] + 3 * s * s * t * p1[0] + 3 * s * t * t * p2[0] + t**3 * p3[0],
                        s**3 * p0[1] + 3 * s * s * t * p1[1] + 3 * s * t * t * p2[1] + t**3 * p3[1],
                    )
                )
    return points


class _Ops:
    """PDF operators for the shapes, changing graphics state only when it differs."""

    def __init__(self):
        self.out: list[str] = []
        self.state: dict[str, str] = {}

    def set(self, key: str, op: str) -> None:
        if self.state.get(key) != op:
            self.state[key] = op
            self.out.append(op)

    def draw(self, el, subpaths) -> None:
        fill = (el.get("fill") or "none").lower()
        stroke = (el.get("stroke") or "none").lower()
        if fill != "none":
            self.set("fill", f"{_rgb(fill)} rg")
        if stroke != "none":
            role = ROLES.get(stroke, "detail")
            self.set("stroke", f"{_rgb(stroke)} RG")
            self.set("width", f"%{role}% w")
            self.set("dash", "[%dash%] 0 d" if el.get("stroke-dasharray") else "[] 0 d")
            self.set("cap", f"{ {'round': 1, 'square': 2}.get(el.get('stroke-linecap'), 0) } J")
            self.set("join", f"{ {'round': 1, 'bevel': 2}.get(el.get('stroke-linejoin'), 0) } j")
        for sp in subpaths:
            for seg in sp:
                if seg[0] == "M":
                    self.out.append(f"{seg[1][0]:.2f} {seg[1][1]:.2f} m")
                elif seg[0] == "L":
                    self.out.append(f"{seg[1][0]:.2f} {seg[1][1]:.2f} l")
                elif seg[0] == "C":
                    self.out.append(" ".join(f"{v:.2f}" for p in seg[1:] for v in p) + " c")
                else:
                    self.out.append("h")
        paint = {(True, True): "B", (True, False): "f", (False, True): "S"}.get(
            (fill != "none", stroke != "none"), "n"
        )
        self.out.append(paint)


def _rgb(color: str) -> str:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return " ".join(f"{int(value[i : i + 2], 16) / 255:.3f}" for i in (0, 2, 4))


def operators_for(art: ViewArt, scale: float, widths: dict[str, float], dash: list[float]) -> str:
    """The view's operators with line widths and dashes fixed in points at this scale."""
    text = art.operators
    for role, width in widths.items():
        text = text.replace(f"%{role}%", f"{width / scale:.4f}")
    return text.replace("%dash%", " ".join(f"{v / scale:.3f}" for v in dash))
