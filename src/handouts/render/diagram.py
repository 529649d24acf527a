"""A row of body views at a common height: the artwork, R/L labels, point marks with leader
lines to numbered badges, and a caption under each view.

The row is elastic: it is laid out at the smallest legible height first and grows into free
space (pdf.render). Line widths stay fixed in points at any size (views.operators_for).

Each view, with everything drawn for it (marks, badges, R/L labels, caption), is the content of
one Figure element: its alternate text says what the view shows, so a screen reader never reads
the marker numbers on their own. Leader lines are artifacts (decoration).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import field
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, black, white
from reportlab.platypus import Flowable

from handouts.compose.document import View
from handouts.content.style import Style
from handouts.errors import HandoutsError
from handouts.records import MutableRecord, record
from handouts.render import layoutcache, leaders
from handouts.render.linebreak import fill, pieces_of
from handouts.render.tagging import LAYOUT, Element, Marking
from handouts.render.text import TextStyle, draw_line, measure
from handouts.render.views import ViewArt, operators_for, view_art
from handouts.render.widgets import badge_radius, draw_badge, draw_diamond

# Views whose marks would shrink below this share of their size start taller (up to the largest
# view size): a dot next to a diamond a few millimetres away stays easy to see.
SMALLEST_MARK = 0.75


@record(eq=False, repr=False)
class ViewPlacement(MutableRecord):
    view: View
    art: ViewArt
    left: float  # x of the SVG origin on the page
    bottom: float  # y of the SVG's bottom edge (viewBox) on the page
    scale: float  # points per SVG unit
    caption_x: float  # centre of the caption
    markers: list  # (Marker, dot (x, y), badge (x, y) or None)
    sides: list  # (label, x, y) of the R / L labels
    sizes: list = field(default_factory=list)  # each marker's size factor (mark_sizes)


def mark_reach(d, numbered: bool) -> float:
    """How far a mark reaches from its point at full size: a dot's radius, or the corner of a
    diamond with its (mitred) stroke."""
    return d.dot if numbered else d.untreated + d.untreated_stroke / math.sqrt(2)


def mark_sizes(d, markers, scale: float) -> list[float]:
    """Each mark's size factor at `scale` (points per SVG unit): 1, or less for two points
    so close on paper (GB30 and BL54, GB34 and ST36 in a small view) that their marks would
    touch: both are drawn smaller, `clearance / 2` apart, each at its own place."""
    reach = [mark_reach(d, bool(m.number)) for m in markers]
    gap = d.clearance / 2
    factors = [1.0] * len(markers)
    for (i, a), (j, b) in itertools.combinations(enumerate(markers), 2):
        apart = math.dist((a.x, a.y), (b.x, b.y)) * scale
        if apart < reach[i] + reach[j] + gap:
            factor = max(apart - gap, 0.0) / (reach[i] + reach[j])
            factors[i], factors[j] = min(factors[i], factor), min(factors[j], factor)
    return factors


class DiagramRow(Flowable):
    """Views side by side, each with its caption; grows from `min_height` to `max_height`.

    Badges may sit anywhere in the row clear of every drawing's landmarks and of the other
    drawings, so views need only a badge's width between them."""

    elastic = 1  # grows first

    def __init__(
        self,
        views: tuple[View, ...],
        style: Style,
        caption: TextStyle,
        number: TextStyle,
        side: TextStyle,
        sides: tuple[str, str],
        figures: tuple[Element, ...] | None = None,
        side_texts: dict | None = None,
        caption_parts: tuple[tuple[tuple[str, Any], ...], ...] | None = None,
        roomy_sides: bool = False,
    ):
        super().__init__()
        # Each view's caption as (text, style) parts, each wrapped on lines of its own under
        # the part before (a bilingual page: the first language, then the second, each in its
        # own font with its furigana); else the view's caption in `caption`. A caption that
        # wraps is balanced and breaks between phrases where it can (_caption).
        self.two_parts = caption_parts is not None
        self.caption_parts = caption_parts or tuple(((v.caption, caption),) for v in views)
        # R / L labels drawn otherwise than in `side`: label -> its (text, style) parts (with
        # furigana: a text with placeholders in a RubyStyle; a bilingual page: 'R 右', each
        # language in its own font)
        self.side_texts = side_texts or {}
        # How far the R / L labels keep from the body outline (points), and how far their
        # furigana reach above the letters' box: `roomy_sides` (a bilingual page's 'R 右', a
        # letter beside a character, its reading above) a quarter of the size clear, the
        # readings too; else 1 pt, the labels' box only (as always).
        above = max(
            (getattr(st, "above", 0.0) for parts in self.side_texts.values() for _, st in parts),
            default=0.0,
        )
        self.side_room = (side.size * 0.25, above) if roomy_sides else (1.0, 0.0)
        self.views, self.style, self.d = views, style, style.diagram
        self.figures = figures or (None,) * len(views)  # a Figure element per view
        self.caption, self.number, self.side, self.side_labels = caption, number, side, sides
        self.arts = [view_art(view.svg) for view in views]
        self.radius = badge_radius(number.size)
        # The badge with its ring: what must keep clear of the other marks.
        self.outer_radius = self.radius + max(self.d.badge_stroke, self.d.badge_stroke_treated) / 2
        # Room beside a drawing for a badge and a short leader.
        self.margin = 2 * self.radius + self.d.dot + 2 * self.d.clearance + 5
        self.spacing = max(self.margin, self.d.gap)
        # Views with points close together start taller: their marks need not shrink much.
        self.least: float = max(
            self.d.min_height,
            min(
                self.d.max_height,
                max(
                    (self._separating(view, art) for view, art in zip(views, self.arts)), default=0
                ),
            ),
        )
        self.view_height: float = self.least
        # The view height this row's first wrap chose (None: not wrapped since the last set
        # of view_height by pdf._draft_at): a first wrap below the height asked for was capped
        # by the width (pdf._taller_views).
        self.first_height: float | None = None
        self.avail_width = None
        # R / L labels centred on the drawing's top edge reach above the row: keep them clear
        # of a heading above, with their furigana.
        self.spaceBefore = side.size * 0.5 + max(
            (
                getattr(style, "above", 0.0)
                for parts in self.side_texts.values()
                for _, style in parts
            ),
            default=0.0,
        )

    # -- sizes -------------------------------------------------------------------------------
    def _factor(self, view: View) -> float:
        return self.d.detail_scale if view.id in self.d.detail_views else 1.0

    def _separating(self, view: View, art: ViewArt) -> float:
        """The view height at which no two of the view's marks need to be drawn smaller than
        SMALLEST_MARK of their size."""
        gap = self.d.clearance / 2
        units = (art.box[3] - art.box[1]) / self._factor(view)  # SVG units per point of height
        needed = 0.0
        for a, b in itertools.combinations(view.markers, 2):
            apart = math.dist((a.x, a.y), (b.x, b.y))
            reach = SMALLEST_MARK * (
                mark_reach(self.d, bool(a.number)) + mark_reach(self.d, bool(b.number))
            )
            if apart > 0:
                needed = max(needed, (reach + gap) * units / apart)
        return needed

    def _widths(self, height: float) -> list[float]:
        """Printed width of each drawing (its silhouette) when the leg views are `height`."""
        return [
            (art.box[2] - art.box[0]) * height * self._factor(view) / (art.box[3] - art.box[1])
            for view, art in zip(self.views, self.arts)
        ]

    def _fixed(self) -> float:
        return 2 * self.margin + self.spacing * (len(self.views) - 1)

    def width_at(self, height: float) -> float:
        return sum(self._widths(height)) + self._fixed()

    def height_for(self, width: float) -> float:
        """The tallest view height whose row fits `width` (drawings scale with height)."""
        return (width - self._fixed()) / sum(self._widths(1.0))

    def fits(self, width: float) -> bool:
        return self.width_at(self.d.min_height) <= width

    def room(self) -> float:
        top = self.d.max_height
        if self.avail_width is not None:
            top = min(top, self.height_for(self.avail_width))
        return max(top - self.view_height, 0.0)

    def grow(self, height: float) -> float:
        more = min(height, self.room())
        self.view_height += more
        return more

    # -- layout ------------------------------------------------------------------------------
    def wrap(self, avail_width, avail_height):
        self.avail_width = avail_width
        self.width = avail_width
        self.view_height = max(
            min(self.view_height, self.height_for(avail_width)), self.d.min_height
        )
        if self.first_height is None:
            self.first_height = self.view_height
        widths = self._widths(self.view_height)
        # Room the row does not need spreads the views apart (captions and badges get it).
        self.spread = (avail_width - self.width_at(self.view_height)) / (len(self.views) + 1)
        self.captions = [
            [(style, _caption(text, style, room)) for text, style in parts]
            for parts, room in zip(self.caption_parts, self._caption_rooms(widths))
        ]
        self.caption_height = max(_caption_height(parts) for parts in self.captions)
        self.height = self.view_height + 2 + self.caption_height
        return avail_width, self.height

    def _caption_rooms(self, widths: list[float]) -> list[float]:
        """How wide each caption may be, centred under its view: as far as the row's edge or
        its neighbours' captions (a short neighbour leaves room for a long caption)."""
        centres, x = [], self.margin + self.spread
        for width in widths:
            centres.append(x + width / 2)
            x += width + self.spacing + self.spread
        halves = [
            max(style.width(text) for text, style in parts) / 2 for parts in self.caption_parts
        ]
        # Between neighbours' captions: with two languages' captions, on lines of their own
        # and seldom wrapped, more than an em, so that two never read as one line.
        gap = self.caption.size * (1.2 if self.two_parts else 0.6)
        rooms = []
        for i, centre in enumerate(centres):
            left = (
                centre
                if i == 0
                else (
                    centre
                    - centres[i - 1]
                    - min(halves[i - 1], (centre - centres[i - 1]) / 2)
                    - gap
                )
            )
            right = (
                self.width - centre
                if i == len(centres) - 1
                else (
                    centres[i + 1]
                    - centre
                    - min(halves[i + 1], (centres[i + 1] - centre) / 2)
                    - gap
                )
            )
            rooms.append(2 * max(min(left, right), 0) or widths[i])
        return rooms

    def placements(self) -> list[ViewPlacement]:
        """Where each view, mark and badge goes, in this flowable's coordinates."""
        widths = self._widths(self.view_height)
        x = self.margin + self.spread
        frames = []
        floor = self.caption_height + 2
        for view, art, width in zip(self.views, self.arts, widths):
            x0, y0, _, y1 = art.box
            scale = self.view_height * self._factor(view) / (y1 - y0)
            # Origins of the SVG's own coordinates, so that the silhouette fills the frame.
            frames.append((x - x0 * scale, floor - (art.height - y1) * scale, scale))
            x += width + self.spacing + self.spread
        sizes = [
            mark_sizes(self.d, v.markers, scale) for v, (_, _, scale) in zip(self.views, frames)
        ]
        key = (
            tuple(
                (
                    str(v.svg),
                    tuple(
                        (m.number, m.x, m.y, round(mark_reach(self.d, bool(m.number)) * f, 3))
                        for m, f in zip(v.markers, factors)
                    ),
                )
                for v, factors in zip(self.views, sizes)
            ),
            tuple((round(left, 3), round(b, 3), round(s, 6)) for left, b, s in frames),
            round(self.width, 3),
            round(self.caption_height, 3),
            round(self.height, 3),
            self.outer_radius,
            self.d.dot,
            self.d.clearance,
            self.side.size,
            tuple((label, self._side_width(label)) for label in self.side_labels),
            self.side_room,
        )
        # Only a generic row is kept in the cache: a personal one tells which points were treated.
        generic = all(m.emphasis == "normal" for v in self.views for m in v.markers)
        badges, sides = layoutcache.row_layout(key, _row_layout) if generic else _row_layout(key)
        result = []
        for index, (view, art, (left, bottom, scale)) in enumerate(
            zip(self.views, self.arts, frames)
        ):
            markers = [
                (
                    m,
                    (left + m.x * scale, bottom + (art.height - m.y) * scale),
                    badges.get((index, m.number)) if m.number else None,
                )
                for m in view.markers
            ]
            centre = left + (art.box[0] + art.box[2]) / 2 * scale
            result.append(
                ViewPlacement(
                    view, art, left, bottom, scale, centre, markers, sides[index], sizes[index]
                )
            )
        return result

    def _side_parts(self, label: str) -> list:
        return self.side_texts.get(label) or [(label, self.side)]

    def _side_width(self, label: str) -> float:
        return round(sum(style.width(text) for text, style in self._side_parts(label)), 3)

    # -- drawing -----------------------------------------------------------------------------
    def draw(self):
        canvas, d = self.canv, self.d
        if getattr(canvas, "draft", False):
            return  # the draft layout needs sizes only, not the drawing
        widths = {"outline": d.outline, "detail": d.detail, "bone": d.bone}
        marking = Marking(canvas)
        for place, caption, figure in zip(self.placements(), self.captions, self.figures):
            # Marked content names each view (for tests that measure it). It wraps the tagged
            # content rather than nesting in it: poppler ends a tagged sequence at the first
            # EMC inside it.
            marking.end()
            canvas.addLiteral(f"/View <</Name ({place.view.id})>> BDC")
            marking.switch(figure)
            canvas.saveState()
            canvas.translate(place.left, place.bottom + place.art.height * place.scale)
            canvas.scale(place.scale, -place.scale)
            canvas.addLiteral(operators_for(place.art, place.scale, widths, d.bone_dash))
            canvas.restoreState()
            marking.end()
            canvas.addLiteral("EMC")
            marking.switch(figure)
            for label, lx, ly in place.sides:
                x = lx - self._side_width(label) / 2
                for text, style in self._side_parts(label):
                    x += style.draw(canvas, x, ly - self.side.size * 0.36, text)
            part_top = self.caption_height
            for part, (style, lines) in enumerate(caption):
                part_top -= _part_gap(style) if part else 0.0
                for index, line in enumerate(lines):
                    width = sum(p.width for p in line.pieces) + sum(
                        p.style.width(" ") for i, p in enumerate(line.pieces) if i and p.space
                    )
                    top = part_top - index * style.leading
                    draw_line(
                        canvas, line, place.caption_x - width / 2, style.baseline(top), style.rules
                    )
                part_top -= len(lines) * style.leading
        self._markers(
            [
                (*m, size, figure)
                for place, figure in zip(self.placements(), self.figures)
                for m, size in zip(place.markers, place.sizes)
            ],
            marking,
        )
        marking.end()

    def _markers(self, markers, marking: Marking):
        """Marks, leader lines and badges, each in its view's Figure."""
        canvas, d = self.canv, self.d
        untreated = Color(*self.style.colors.untreated)
        # A white halo under each numbered dot and the start of its leader: a dot on the body
        # outline (a point at the edge of a limb) stands clear of the outline's strokes. The
        # halos go under every mark: one never covers a close neighbour's diamond. A dot drawn
        # smaller keeps the halo of its full size: more white around it, not less.
        marking.switch(LAYOUT)
        canvas.setFillColor(white)
        for marker, (px, py), _, _, _ in markers:
            if marker.number and d.dot_halo:
                canvas.circle(px, py, d.dot + d.dot_halo, stroke=0, fill=1)
        for marker, (px, py), _, size, figure in markers:
            if not marker.number:
                marking.switch(figure)
                draw_diamond(
                    canvas, px, py, d.untreated * size, d.untreated_stroke * size, untreated
                )
        marking.end()  # the tests' marks wrap the tagged content
        for marker, (px, py), badge, size, figure in markers:
            if not marker.number:
                continue
            canvas.addLiteral(f"/Leader <</N {marker.number}>> BDC")
            marking.switch(LAYOUT)  # the leader line is decoration; the dot, the figure's
            canvas.setStrokeColor(black)
            canvas.setFillColor(black)
            canvas.setLineWidth(d.leader)
            canvas.line(px, py, *badge)
            marking.switch(figure)
            canvas.circle(px, py, d.dot * size, stroke=0, fill=1)
            marking.end()
            canvas.addLiteral("EMC")
        for marker, _, badge, _, figure in markers:
            if marker.number:
                filled = marker.emphasis == "highlight"
                canvas.addLiteral(f"/Badge <</N {marker.number}>> BDC")
                marking.switch(figure)
                badge_x, badge_y = badge
                draw_badge(
                    canvas,
                    badge_x,
                    badge_y,
                    marker.number,
                    self.number,
                    filled,
                    d.badge_stroke_treated if filled else d.badge_stroke,
                )
                marking.end()
                canvas.addLiteral("EMC")


def _caption(text: str, style: TextStyle, width: float):
    """A caption's lines (cached: rows are wrapped many times while pages are laid out).
    Lines that must wrap are of even length (the narrowest width that takes no more lines),
    not a full line and a runt ("Front of the / legs" -> "Front of / the legs"), unless a
    little wider they break between phrases more often (すねから / 足首の内側, not すねから足 /
    首の内側: 首の内側 would read "inside of the neck")."""
    key = (text, round(width, 1))
    captions = style.__dict__.setdefault("_captions", {})
    lines = captions.get(key)
    if lines is None:
        rules = style.rules
        pieces = pieces_of([(text, style, False)], rules, measure)
        lines = fill(pieces, width, rules, measure, style.size)
        if len(lines) > 1:
            low, high = 0.0, width
            for _ in range(12):  # to within width / 4096
                middle = (low + high) / 2
                if len(fill(pieces, middle, rules, measure, style.size)) > len(lines):
                    low = middle
                else:
                    high = middle
            # From there a little wider at a time: the narrowest lines that break between
            # phrases the most often (each line a phrase or more, where the language has them).
            even: list = []
            for trial in itertools.count():
                at = min(high + trial * style.size / 4, width)
                wrapped = fill(pieces, at, rules, measure, style.size)
                if len(wrapped) == len(lines):
                    even.append(wrapped)
                    if not _mid_phrase(wrapped):
                        break
                if at >= width:
                    break
            lines = min(even, key=_mid_phrase, default=lines)
        captions[key] = lines
    return lines


def _mid_phrase(lines) -> int:
    """How many of the lines begin inside a phrase (a worse place to break)."""
    return sum(not line.pieces[0].phrase for line in lines[1:] if line.pieces)


def _part_gap(style: TextStyle) -> float:
    """Space between a caption's parts (its two languages): a little more than between the
    lines of one, so each language's lines read as one caption."""
    return style.size * 0.15


def _caption_height(parts: list) -> float:
    return sum(
        len(lines) * style.leading + (_part_gap(style) if index else 0.0)
        for index, (style, lines) in enumerate(parts)
    )


@functools.lru_cache(maxsize=256)
def _row_layout(key):
    """Badge centres by (view index, number), and R/L labels per view. Cached: the same views
    at the same size in many documents are laid out once per process."""
    (views, frames, width, floor, ceiling, radius, dot, clearance, side_size, labels, room) = key
    side_clearance, side_above = room
    names = dict(zip(("right", "left"), labels))
    dots, reach, walls, lines, boxes, bodies, centres, numbered = [], [], [], [], [], [], [], []
    sides: list[list] = []
    for index, ((svg, marks), (left, bottom, scale)) in enumerate(zip(views, frames)):
        art = view_art(Path(svg))

        def to_page(p, left=left, bottom=bottom, scale=scale, art=art):
            return left + p[0] * scale, bottom + (art.height - p[1]) * scale

        centres.append(left + (art.box[0] + art.box[2]) / 2 * scale)
        sides.append([])
        outline = [
            seg
            for poly in art.body
            for seg in zip([to_page(p) for p in poly], [to_page(p) for p in poly[1:] + poly[:1]])
        ]
        centre = centres[-1]
        for which, anchor in art.sides:
            label, label_width = names.get(which, ("", 0.0))
            if label:
                lx, ly = to_page(anchor)
                half = label_width / 2 + side_clearance
                # The anchor is where the artist wants the label; at larger sizes the label
                # may reach the body: move it outward until it is clear of the outline.
                step = 1.0 if lx >= centre else -1.0
                for _ in range(60):
                    box = (
                        lx - half,
                        ly - side_size * 0.5,
                        lx + half,
                        ly + side_size * 0.5 + side_above,
                    )
                    if not any(leaders._seg_box(seg, box) for seg in outline):
                        break
                    lx += step
                sides[-1].append((label, lx, ly))
                boxes.append(box)
        for _, pts, closed in art.landmarks:
            page = [to_page(p) for p in pts]
            segments = list(zip(page, page[1:] + (page[:1] if closed else [])))
            if closed:
                walls += [(-1, seg) for seg in segments]
            else:
                lines += segments
        for poly in art.body:
            page = [to_page(p) for p in poly]
            bodies.append(tuple(page))
            walls += [(index, seg) for seg in zip(page, page[1:] + page[:1])]
        for number, mx, my, size in marks:
            dots.append(to_page((mx, my)))
            reach.append(size)
            if number:
                numbered.append(((index, number), (index, to_page((mx, my)))))
    scene = leaders.Scene(
        slot=(0.0, floor, width, ceiling),
        dots=tuple(dots),
        reach=tuple(reach),
        walls=tuple(walls),
        lines=tuple(lines),
        boxes=tuple(boxes),
        body=tuple(bodies),
        centres=tuple(centres),
    )
    badges = leaders.place([point for _, point in numbered], scene, radius, dot, clearance)
    if badges is None:
        names = ", ".join(Path(svg).stem for svg, _ in views)
        raise HandoutsError(
            f"views {names}: the points cannot be numbered legibly at this size (badges would "
            "overlap each other, the leader lines or the landmarks); show fewer points per "
            "view or give the views more room"
        )
    return {key: badge for (key, _), badge in zip(numbered, badges)}, sides
