"""Where each numbered badge of a body view goes, with a straight leader line to its point.

Every badge must be clear of every point's dot, of the other badges and leader lines, of the
landmarks drawn in the view (bony marks, creases: the legend names them, so nothing may hide
them) and of the R/L labels; leader lines never cross one another and never run over a
landmark. Among the placements that keep all of this, short leaders to badges outside the
body are preferred. When none exists, the caller fails loudly instead of piling markers up.

All coordinates are points on the page (y up).
"""

from __future__ import annotations

import bisect
import math

from handouts.records import Record, record

Pt = tuple[float, float]
Seg = tuple[Pt, Pt]
CELL = 12.0
ANGLES = (0, 15, -15, 30, -30, 45, -45, 60, -60, 75, -75, 90, -90)
REACH = (2.0, 5.0, 9.0, 14.0, 20.0, 27.0, 35.0, 45.0, 57.0)
CROSSING = math.radians(40)  # a leader may cross a crease or bone line only this steeply
SEARCH_LIMIT = 20000  # candidate pairs tried before giving up


@record(frozen=True, eq=False, repr=False)
class Scene(Record):
    """What the badges and leaders of a row of views must keep clear of. Segments carry the
    index of the view they belong to (-1: every point must respect them)."""

    slot: tuple[float, float, float, float]  # where badges may go: x0, y0, x1, y1
    dots: tuple[Pt, ...]  # every mark in the row (numbered or not)
    reach: tuple[float, ...]  # how far each mark reaches from its point (dot, diamond)
    walls: tuple[tuple[int, Seg], ...]  # bony marks; other views' outlines: never crossed
    lines: tuple[Seg, ...]  # creases, bone lines: crossed steeply only
    boxes: tuple[tuple[float, float, float, float], ...]  # R/L labels
    body: tuple[tuple[Pt, ...], ...]  # silhouettes: badges preferably outside
    centres: tuple[float, ...]  # the middle of each view's drawing


class _Grid:
    def __init__(self, segments):
        self.cells: dict[tuple[int, int], list] = {}
        for item in segments:
            (x1, y1), (x2, y2) = item[-1]
            for gx in range(int(min(x1, x2) // CELL), int(max(x1, x2) // CELL) + 1):
                for gy in range(int(min(y1, y2) // CELL), int(max(y1, y2) // CELL) + 1):
                    self.cells.setdefault((gx, gy), []).append(item)

    def near(self, x0, y0, x1, y1):
        found = {}
        for gx in range(int(x0 // CELL), int(x1 // CELL) + 1):
            for gy in range(int(y0 // CELL), int(y1 // CELL) + 1):
                for item in self.cells.get((gx, gy), ()):
                    found[id(item)] = item
        return found.values()


class _Inside:
    """Point-in-silhouette by scanlines (even-odd), rows every 2 points."""

    def __init__(self, polygons, y0: float, y1: float):
        self.y0, heights = y0, []
        y = y0
        while y <= y1:
            heights.append(y)
            y += 2.0
        self.rows: list[list[float]] = [[] for _ in heights]
        # Each edge meets the rows from its lower end (included) to its upper end (excluded):
        # found by bisection, not by testing every edge on every row (~10 ms a sheet).
        for poly in polygons:
            for (ax, ay), (bx, by) in zip(poly, poly[1:] + poly[:1]):
                first = bisect.bisect_left(heights, min(ay, by))
                for row in range(first, bisect.bisect_left(heights, max(ay, by))):
                    y = heights[row]
                    self.rows[row].append(ax + (bx - ax) * (y - ay) / (by - ay))
        for xs in self.rows:
            xs.sort()

    def __call__(self, x: float, y: float) -> bool:
        row = int((y - self.y0) / 2.0)
        if not 0 <= row < len(self.rows):
            return False
        return bisect.bisect(self.rows[row], x) % 2 == 1


def _dist_seg(p: Pt, a: Pt, b: Pt) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = (
        0.0
        if length == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    )
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def _cross(o: Pt, a: Pt, b: Pt) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _intersect(p1: Pt, p2: Pt, q1: Pt, q2: Pt) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0)


def _seg_dist(p1: Pt, p2: Pt, q1: Pt, q2: Pt) -> float:
    if _intersect(p1, p2, q1, q2):
        return 0.0
    return min(
        _dist_seg(p1, q1, q2), _dist_seg(p2, q1, q2), _dist_seg(q1, p1, p2), _dist_seg(q2, p1, p2)
    )


def _angle(a: Seg, b: Seg) -> float:
    """The smaller angle between two segments' directions (0 to 90 degrees, in radians)."""
    ax, ay = a[1][0] - a[0][0], a[1][1] - a[0][1]
    bx, by = b[1][0] - b[0][0], b[1][1] - b[0][1]
    la, lb = math.hypot(ax, ay), math.hypot(bx, by)
    if la == 0 or lb == 0:
        return math.pi / 2
    return math.acos(min(1.0, abs(ax * bx + ay * by) / (la * lb)))


def place(
    points: list[tuple[int, Pt]], scene: Scene, radius: float, dot: float, clearance: float
) -> list[Pt] | None:
    """Badge centres for `points` ((view index, position), in order), or None if no clean
    placement exists. `radius`: a badge's, ring included."""
    walls, lines = _Grid(scene.walls), _Grid([(seg,) for seg in scene.lines])
    _, y0, _, y1 = scene.slot
    inside = _Inside(scene.body, y0 - 1, y1 + 1) if scene.body else (lambda x, y: False)
    options = [
        _candidates(view, p, scene, radius, dot, clearance, walls, lines, inside)
        for view, p in points
    ]
    order = sorted(range(len(points)), key=lambda i: len(options[i]))
    chosen: dict[int, tuple[Pt, Seg]] = {}
    tries = 0

    def compatible(badge: Pt, leader: Seg) -> bool:
        for other, other_leader in chosen.values():
            if math.dist(badge, other) < 2 * radius + clearance:
                return False
            if _intersect(*leader, *other_leader):
                return False
            if _dist_seg(badge, *other_leader) < radius + clearance / 2:
                return False
            if _dist_seg(other, *leader) < radius + clearance / 2:
                return False
        return True

    def search(k: int) -> bool:
        nonlocal tries
        if k == len(order):
            return True
        i = order[k]
        for _, badge, leader in options[i]:
            tries += 1
            if tries > SEARCH_LIMIT:
                return False
            if compatible(badge, leader):
                chosen[i] = (badge, leader)
                if search(k + 1):
                    return True
                del chosen[i]
        return False

    if not all(options) or not search(0):
        return None
    return [chosen[i][0] for i in range(len(points))]


def _candidates(view, p, scene, radius, dot, clearance, walls, lines, inside, keep=14):
    """The `keep` cheapest badge positions around point `p` that keep clear of everything
    fixed. Positions are tried cheapest first (short, level, outward leaders to a badge off
    the body), so only a few need the full check."""
    x0, y0, x1, y1 = scene.slot
    outward = -1.0 if p[0] < scene.centres[view] else 1.0
    near = dot + radius + clearance
    trials = []
    for side in (outward, -outward):
        for angle in ANGLES:
            rad = math.radians(angle)
            ux, uy = side * math.cos(rad), math.sin(rad)
            for reach in REACH:
                distance = near + reach
                badge = (p[0] + ux * distance, p[1] + uy * distance)
                if not (
                    x0 + radius <= badge[0] <= x1 - radius
                    and y0 + radius <= badge[1] <= y1 - radius
                ):
                    continue
                cost = distance + abs(angle) * 0.12 + (0 if side == outward else 14)
                if inside(*badge):
                    cost += 30
                trials.append((cost, badge, ux, uy))
    trials.sort(key=lambda t: t[0])
    result = []
    for cost, badge, ux, uy in trials:
        start = (p[0] + ux * (dot + clearance + 1.5), p[1] + uy * (dot + clearance + 1.5))
        end = (badge[0] - ux * radius, badge[1] - uy * radius)
        if not _clear(view, badge, (start, end), p, scene, radius, dot, clearance, walls, lines):
            continue
        if _straddles(view, badge, radius, walls):
            cost += 16  # a badge across the body's outline hides it
        result.append((cost, badge, (p, end)))
        if len(result) >= keep:
            break
    result.sort(key=lambda c: c[0])
    return result


def _straddles(view: int, badge: Pt, radius: float, walls: _Grid) -> bool:
    bx, by = badge
    return any(
        owner == view and _dist_seg(badge, *seg) < radius
        for owner, seg in walls.near(bx - radius, by - radius, bx + radius, by + radius)
    )


def _clear(
    view: int,
    badge: Pt,
    leader: Seg,
    own: Pt,
    scene: Scene,
    radius: float,
    dot: float,
    clearance: float,
    walls: _Grid,
    lines: _Grid,
) -> bool:
    bx, by = badge
    drawn = (own, leader[1])  # the leader as drawn: from the point itself
    for q, reach in zip(scene.dots, scene.reach):
        if math.dist(badge, q) < radius + reach + clearance:
            return False
        if q != own and _dist_seg(q, *drawn) < reach + clearance / 2:
            return False
    for x0, y0, x1, y1 in scene.boxes:
        if (
            x0 - radius - clearance < bx < x1 + radius + clearance
            and y0 - radius - clearance < by < y1 + radius + clearance
        ):
            return False
        if _seg_box(leader, (x0, y0, x1, y1)):
            return False
    reach = radius + clearance
    for owner, seg in walls.near(bx - reach, by - reach, bx + reach, by + reach):
        if owner != view and _dist_seg(badge, *seg) < radius + clearance / 2:
            return False
    for (seg,) in lines.near(bx - reach, by - reach, bx + reach, by + reach):
        if _dist_seg(badge, *seg) < radius + clearance / 2:
            return False
    (sx, sy), (ex, ey) = leader
    box = (
        min(sx, ex) - clearance,
        min(sy, ey) - clearance,
        max(sx, ex) + clearance,
        max(sy, ey) + clearance,
    )
    for owner, seg in walls.near(*box):
        if owner != view and _seg_dist(*leader, *seg) < clearance / 2:
            return False
    for (seg,) in lines.near(*box):
        gap = _seg_dist(*leader, *seg)
        if gap < clearance / 2 and _angle(leader, seg) < CROSSING:
            return False  # running along a crease or bone line would hide it
    return True


def _seg_box(seg: Seg, box) -> bool:
    x0, y0, x1, y1 = box
    (ax, ay), (bx, by) = seg
    if max(ax, bx) < x0 or min(ax, bx) > x1 or max(ay, by) < y0 or min(ay, by) > y1:
        return False
    if any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in seg):
        return True
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return any(_intersect(*seg, corners[i], corners[(i + 1) % 4]) for i in range(4))
