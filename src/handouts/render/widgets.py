"""Small drawn flowables: the warning sign, writing lines, fill-in lines, numbered badges.

Their shapes are decoration (artifacts, render.tagging); a badge's number and a fill-in label
are text of the element they are given.
"""

from __future__ import annotations

import math
from typing import Any

from reportlab.lib.colors import Color, black, white
from reportlab.platypus import Flowable, KeepTogether, Table

from handouts.render.tagging import LAYOUT, Element, Marking, TextTags, artifact, content
from handouts.render.text import TextStyle


class WarningSign(Flowable):
    """The ISO 7010 general warning sign: a black-edged triangle with an exclamation mark,
    drawn as vector shapes (no font needed, sharp at any size)."""

    def __init__(self, height: float, stroke: float, marked: bool = True):
        super().__init__()
        self.size, self.stroke = height, stroke
        self.marked = marked  # False: drawn inside an artifact already (AlertBox)

    def wrap(self, avail_width, avail_height):
        self.width = self.size * 2 / math.sqrt(3)
        self.height = self.size
        return self.width, self.height

    def draw(self):
        c, w, h, s = self.canv, self.width, self.height, self.stroke
        marking = Marking(c)
        if self.marked:
            marking.switch(LAYOUT)  # the section and its heading say it already
        c.saveState()
        c.setLineJoin(1)
        c.setStrokeColor(black)
        c.setFillColor(white)
        c.setLineWidth(s)
        inset = s * 0.9
        path = c.beginPath()
        path.moveTo(inset, inset * 0.6)
        path.lineTo(w - inset, inset * 0.6)
        path.lineTo(w / 2, h - inset)
        path.close()
        c.drawPath(path, stroke=1, fill=1)
        c.setFillColor(black)
        bar = h * 0.11
        c.roundRect(w / 2 - bar / 2, h * 0.33, bar, h * 0.36, bar / 2, stroke=0, fill=1)
        c.circle(w / 2, h * 0.2, bar * 0.62, stroke=0, fill=1)
        c.restoreState()
        marking.end()


# A red-flag box split across pages has at least this many items (rows) in each part: never one
# line carried alone under its heading again.
MIN_PART_ROWS = 2


class AlertBox(Table):
    """The red-flag box (a table of one row per item, render.pdf): a part that continues on
    the next page opens with `continued` (its heading again, with "(continued)")."""

    continued: Flowable | None = None
    # Parts led in by a sentence ("See your doctor soon if..."): first row, last row, the
    # lead-in drawn again atop their continuation (under the heading alone, a sign to see a
    # doctor soon would read as one to call 119 for).
    leads: list[tuple[int, int, Flowable]] = []

    def split(self, avail_width, avail_height):
        parts, shifted = self._parts(avail_width, avail_height)
        if shifted:
            # Split earlier than the page allows: the rest of the page stays empty (the part
            # continued must not begin here and split again, its last line alone).
            head = parts[0]
            head.spaceAfter = max(avail_height - head.wrap(avail_width, avail_height)[1], 0.0)
        for part in parts:
            part.continued = self.continued
        if len(parts) == 2:
            head, tail = parts
            start = len(head._cellvalues)  # the tail's first row, in this table's rows
            head.leads = [lead for lead in self.leads if lead[0] < start]
            tail.leads = [
                (max(first - start, 0), last - start, again)
                for first, last, again in self.leads
                if last >= start
            ]
            above = [again for first, last, again in self.leads if first < start <= last]
            if self.continued is not None:
                above.insert(0, self.continued)
            if above:
                # A new first row (the rows are shared with this table), its height measured
                # anew.
                rows = list(tail._cellvalues)
                cell = rows[0][0]
                rows[0] = [
                    [*above, *(cell if isinstance(cell, (list, tuple)) else [cell])],
                    *rows[0][1:],
                ]
                tail._cellvalues = rows
                tail._argH = [None, *tail._argH[1:]]
        return parts

    def _parts(self, avail_width, avail_height) -> tuple[list, bool]:
        """The parts of the box split here, and whether they are split earlier than the page
        allows."""
        parts: list[Any] = super().split(avail_width, avail_height)
        if len(parts) != 2 or len(parts[1]._cellvalues) >= MIN_PART_ROWS:
            return parts, False
        # The last item alone under "(continued)": the item before it goes along, where the
        # first part keeps two items (and the signs stay with their lead-in).
        rows = len(parts[0]._cellvalues)
        if rows - 1 < MIN_PART_ROWS:
            return parts, False
        heights: list[float] = self._rowHeights  # type: ignore[attr-defined]  # set by wrap
        shorter = sum(heights[: rows - 1]) + 0.001
        fewer: list[Any] = Table.split(self, avail_width, shorter)
        if len(fewer) == 2 and len(fewer[0]._cellvalues) >= MIN_PART_ROWS:
            return fewer, True
        return parts, False


class Running(Flowable):
    """Flowables drawn as a running artifact: what is repeated on a page (a box's heading atop
    its continuation) is read once, where it first stands. They must not mark themselves."""

    def __init__(self, flowables: list[Flowable]):
        super().__init__()
        self.flowables = flowables

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = sum(f.wrap(avail_width, avail_height)[1] for f in self.flowables)
        return self.width, self.height

    def draw(self):
        marking = Marking(self.canv)
        marking.switch(("Pagination", None))
        y = self.height
        for flowable in self.flowables:
            _, h = flowable.wrap(self.width, 1e9)
            y -= h
            flowable.drawOn(self.canv, 0, y)
        marking.end()


class Placement:
    """Which of a floating block's offered places took it, in one layout pass; once `settle`d
    after the draft pass, the final pass keeps the draft's choice (views that grew into free
    space must not change where the block goes)."""

    def __init__(self):
        self.taken_by = None
        self.settled, self.chosen = False, None

    def settle(self) -> None:
        self.settled, self.chosen, self.taken_by = True, self.taken_by, None


def _no_action(frame) -> None:
    pass


class MemoArea(Flowable):
    """A heading and ruled lines to write on.

    It floats: offered at several places in the flow, it takes the first where the page has
    room for it and the block after it would not fit anyway (a gap that would stay empty),
    else the last place (if optional, only when the page has room there). It is elastic: more
    lines fill the room its page leaves."""

    elastic = 2  # grows after the body views

    def __init__(
        self,
        heading: Flowable,
        lines: int,
        gap: float,
        width: float,
        color: Color,
        max_lines: int,
        placement: Placement,
        last: bool,
        before: Flowable | None,
    ):
        super().__init__()
        self.heading, self.lines, self.gap, self.line_width = heading, lines, gap, width
        self.color, self.max_lines, self.placement = color, max_lines, placement
        self.last, self.before = last, before
        self.extra = 0
        self.height = 0.0

    def _wanted(self, avail_width: float, avail_height: float) -> bool:
        if self.placement.settled:
            return self.placement.chosen is self
        taken = self.placement.taken_by
        if taken is not None:
            return taken is self
        if self.last:
            return True
        if self._full_height(avail_width, self.lines) > avail_height:
            return False
        if self.before is None:
            return True  # an optional last place: taken when the page has room
        _, after = self.before.wrapOn(self.canv, avail_width, avail_height)
        after = getattr(self.before, "_H", after)  # KeepTogether reports its content here
        if after + self.before.getSpaceBefore() <= avail_height:
            return False
        # A box that may continue on the next page (the red-flag box) leaves no gap when its
        # first rows fit here; so does one that lets text go ahead of it (render.pdf
        # Overtaken) when that text fits here. (A KeepTogether "splits" into a page break.)
        return not (
            not isinstance(self.before, KeepTogether)
            and self.before.splitOn(
                self.canv, avail_width, avail_height - self.before.getSpaceBefore()
            )
        )

    @property
    def frameAction(self):
        """reportlab asks for this before placing a flowable: an area not wanted here takes no
        place at all (an empty flowable on a full page would start a new page)."""
        frame = getattr(self, "_frame", None)
        if frame is None or self._wanted(frame._getAvailableWidth(), frame._y - frame._y1p):
            return None
        return _no_action

    def _full_height(self, avail_width: float, lines: int) -> float:
        _, head = self.heading.wrap(avail_width, 1e9)
        return self.heading.getSpaceBefore() + head + lines * self.gap

    def room(self) -> float:
        return (self.max_lines - self.lines - self.extra) * self.gap if self.height else 0.0

    def grow(self, height: float) -> float:
        if not self.height:
            return 0.0
        more = max(min(int(height // self.gap), self.max_lines - self.lines - self.extra), 0)
        self.extra += more
        return more * self.gap

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        wanted = self._wanted(avail_width, avail_height)
        self.height = self._full_height(avail_width, self.lines + self.extra) if wanted else 0.0
        return self.width, self.height

    def draw(self):
        if not self.height:
            return
        self.placement.taken_by = self
        c = self.canv
        _, head = self.heading.wrap(self.width, 1e9)
        self.heading.drawOn(c, 0, self.height - self.heading.getSpaceBefore() - head)
        c.setStrokeColor(self.color)
        c.setLineWidth(self.line_width)
        top = self.height - self.heading.getSpaceBefore() - head
        # Each line a third of a gap above its slot's foot: the last one never runs into the
        # rule of the footer below the area.
        with artifact(c):
            for index in range(self.lines + self.extra):
                y = top - (index + 1) * self.gap + self.gap / 3
                c.line(0, y, self.width, y)


class FillInRow(Flowable):
    """Labels each followed by a line to write on, side by side."""

    def __init__(
        self,
        labels: list[str],
        style: TextStyle,
        height: float,
        line: float,
        color: Color,
        gap: float,
        element: Element | None = None,
        weights: list[float] | None = None,
    ):
        super().__init__()
        self.labels, self.style, self.row_height = labels, style, height
        self.line, self.color, self.gap = line, color, gap
        self.element = element  # owns the labels; the lines are artifacts
        # How the room to write is shared: a name needs the most.
        self.weights = weights or [2.0] + [1.0] * (len(labels) - 1)

    @staticmethod
    def pad(size: float) -> float:
        """The space between a label and its line."""
        return size * 0.4

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.row_height
        return self.width, self.height

    def draw(self):
        c, style = self.canv, self.style
        # The room to write is shared, not the row: a long label ("Next visit") does not
        # shorten its own line.
        weights = self.weights
        pad = self.pad(style.size)
        labels = [style.width(label) + pad for label in self.labels]
        unit = (self.width - self.gap * (len(self.labels) - 1) - sum(labels)) / sum(weights)
        y = self.line + style.size * 0.3
        x = 0.0
        marking = Marking(c)
        tags = (
            TextTags(self.element)  # (none in the draft: its elements stay unmade)
            if self.element is not None and marking.tree is not None
            else None
        )
        for label, width, weight in zip(self.labels, labels, weights):
            if tags is not None and hasattr(style, "tag_marks"):  # with furigana
                at = x
                for piece, mark in style.tag_marks(label):
                    marking.switch(tags.owner(mark))
                    at += style.draw(c, at, y, piece)
            else:
                marking.switch(self.element)
                style.draw(c, x, y, label)
            marking.switch(LAYOUT)
            c.setStrokeColor(self.color)
            c.setLineWidth(self.line)
            c.line(x + width, self.line / 2, x + width + unit * weight, self.line / 2)
            x += width + unit * weight + self.gap
        marking.end()


def badge_radius(number_size: float) -> float:
    """Radius of a numbered marker (and its legend badge) for a number size in points."""
    return number_size * 0.78


def draw_badge(
    canvas,
    x: float,
    y: float,
    number: int,
    style: TextStyle,
    filled: bool,
    stroke: float,
    label: Element | None = None,
    repeated: bool = False,
) -> None:
    """A numbered circle centred on (x, y): white with a black ring, or black for a treated
    point on a personal sheet. With `label`, the circle is an artifact and the number is the
    label's text (a legend entry); `repeated`: all of it an artifact (the number read already
    beside it); else the caller marks both (a figure)."""
    radius = badge_radius(style.size)
    canvas.setStrokeColor(black)
    canvas.setLineWidth(stroke)
    canvas.setFillColor(black if filled else white)
    with artifact(canvas) if label or repeated else content(canvas, None):
        canvas.circle(x, y, radius, stroke=1, fill=1)
    text = str(number)
    font = style.font_name
    width = canvas.stringWidth(text, font, style.size)
    canvas.setFillColor(white if filled else black)
    canvas.setFont(font, style.size)
    pair = style.fonts.primary
    with artifact(canvas) if repeated else content(canvas, label):
        canvas.drawString(x - width / 2, y - (pair.ascent - pair.descent) * style.size * 0.36, text)


def draw_diamond(canvas, x: float, y: float, half: float, stroke: float, color: Color) -> None:
    """The mark of a point not treated today: an open diamond, unlike any landmark (those are
    ellipses, circles and lines)."""
    canvas.setStrokeColor(color)
    canvas.setFillColor(white)
    canvas.setLineWidth(stroke)
    path = canvas.beginPath()
    path.moveTo(x, y + half)
    path.lineTo(x + half, y)
    path.lineTo(x, y - half)
    path.lineTo(x - half, y)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1)


class Badge(Flowable):
    """The numbered circle of a legend entry, matching the marker on the diagram, centred on
    the first line of the entry's text."""

    def __init__(
        self,
        number: int,
        style: TextStyle,
        filled: bool,
        stroke: float,
        line: TextStyle,
        label: Element | None = None,
        repeated: bool = False,
    ):
        super().__init__()
        self.repeated = repeated  # the same number again (a bilingual legend): artifact
        self.number, self.style, self.filled, self.stroke, self.line = (
            number,
            style,
            filled,
            stroke,
            line,
        )
        self.radius = badge_radius(style.size)
        self.label = label  # the list item's label: the number

    def wrap(self, avail_width, avail_height):
        return 2 * self.radius + 2, max(self.line.leading, 2 * self.radius + 2)

    def draw(self):
        top = max(self.line.leading, 2 * self.radius + 2)
        y = top - self.line.leading / 2 if self.line.leading >= 2 * self.radius else top / 2
        draw_badge(
            self.canv,
            self.radius + 1,
            y,
            self.number,
            self.style,
            self.filled,
            self.stroke,
            self.label,
            self.repeated,
        )


class Diamond(Flowable):
    """The untreated-point mark for the legend, centred on the first line of its text."""

    def __init__(self, half: float, stroke: float, color: Color, line: TextStyle, width: float):
        super().__init__()
        self.half, self.stroke, self.color, self.line, self.box = half, stroke, color, line, width

    def wrap(self, avail_width, avail_height):
        return self.box, self.line.leading

    def draw(self):
        with artifact(self.canv):  # the text beside it says what it marks
            draw_diamond(
                self.canv, self.box / 2, self.line.leading / 2, self.half, self.stroke, self.color
            )
