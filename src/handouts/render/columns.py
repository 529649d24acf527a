"""Two columns of flowables side by side that, unlike a table row, can split across pages."""

from __future__ import annotations

from reportlab.platypus import Flowable

from handouts.render.text import continues


def _fill(flowables: list[Flowable], width: float, height: float):
    """Take from `flowables` what fits in `height`: (fitting part, rest, height used)."""
    taken: list[Flowable] = []
    used = 0.0
    for index, flowable in enumerate(flowables):
        space = flowable.getSpaceBefore() if taken else 0
        _, h = flowable.wrap(width, height - used - space)
        # The space after counts too: the part that fits must never be taller than `height`.
        if used + space + h + flowable.getSpaceAfter() <= height:
            taken.append(flowable)
            used += space + h + flowable.getSpaceAfter()
            continue
        parts = flowable.split(width, height - used - space)
        if parts and not getattr(flowable, "keepWithNext", False):
            first = parts[0]
            _, h = first.wrap(width, height - used - space)
            taken.append(first)
            used += space + h
            return taken, list(parts[1:]) + flowables[index + 1 :], used
        return _keep_headings_with_next(taken, flowables[index:], width, used)
    return taken, [], used


def _keep_headings_with_next(taken, rest, width, used):
    """A heading never ends a column: it moves on with the text it introduces."""
    while taken and getattr(taken[-1], "keepWithNext", False):
        heading = taken.pop()
        _, h = heading.wrap(width, 1e9)
        used -= h + heading.getSpaceAfter() + (heading.getSpaceBefore() if taken else 0)
        rest = [heading, *rest]
    return taken, rest, used


class SideBySide(Flowable):
    def __init__(
        self, left: list[Flowable], right: list[Flowable], widths: tuple[float, float], gap: float
    ):
        super().__init__()
        self.columns = (left, right)
        self.widths, self.gap = widths, gap

    def elastic_parts(self) -> list:
        """Elastic flowables in either column (see render.pdf: they grow into free space)."""
        return [f for column in self.columns for f in column if getattr(f, "elastic", 0)]

    def _column_height(self, flowables, width) -> float:
        return _fill(flowables, width, 1e9)[2]

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = max(self._column_height(c, w) for c, w in zip(self.columns, self.widths))
        return avail_width, self.height

    def split(self, avail_width, avail_height):
        heads, tails = [], []
        for flowables, width in zip(self.columns, self.widths):
            head, tail, _ = _fill(flowables, width, avail_height)
            again = continues(tail[0]) if head and tail else None
            if again is not None:  # a list continued: its heading atop the column again
                tail = [again(), *tail]
            heads.append(head)
            tails.append(tail)
        if not any(heads) or any(tail and not head for head, tail in zip(heads, tails)):
            # Nothing fits here, or one column could not begin (a box kept whole): the whole
            # block moves to the next page, its two columns side by side.
            return []
        return [
            SideBySide(*heads, self.widths, self.gap),
            SideBySide(*tails, self.widths, self.gap),
        ]

    def draw(self):
        x = 0.0
        for flowables, width in zip(self.columns, self.widths):
            y = self.height
            for index, flowable in enumerate(flowables):
                if index:
                    y -= flowable.getSpaceBefore()
                _, h = flowable.wrap(width, 1e9)
                y -= h
                flowable.drawOn(self.canv, x, y)
                y -= flowable.getSpaceAfter()
            x += width + self.gap


class Columns(Flowable):
    """Short blocks in equal columns side by side (a legend), kept on one page."""

    def __init__(self, columns: list[list[Flowable]], width: float, gap: float):
        super().__init__()
        self.columns, self.column_width, self.gap = columns, width, gap

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = max(_fill(c, self.column_width, 1e9)[2] for c in self.columns)
        return avail_width, self.height

    def draw(self):
        for index, flowables in enumerate(self.columns):
            x = index * (self.column_width + self.gap)
            y = self.height
            for flowable in flowables:
                _, h = flowable.wrap(self.column_width, 1e9)
                y -= h
                flowable.drawOn(self.canv, x, y)
                y -= flowable.getSpaceAfter()
