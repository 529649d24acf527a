"""A bilingual edition's sections (document.Parallel) laid out: each section's two languages
side by side, each in its own typography (font, sizes, leading, line breaking, furigana) by a
renderer of its own; blocks that need the whole width follow each other. The points figure is
drawn once: one set of views with captions in both languages, each point's legend entry in
both languages beside its one number. One writing area and one row of fill-in lines, their
labels in both languages.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer

from handouts.compose import document as d
from handouts.render import figure
from handouts.render.columns import SideBySide
from handouts.render.ruby import ruby_texts
from handouts.render.text import TextStyle
from handouts.render.widgets import MIN_PART_ROWS

# Blocks that need the whole width: their two languages follow each other.
FULL_WIDTH = (d.Fields,)
# A red-flag box keeps its urgent part on one page. Side by side, the pair is as tall as the
# taller box (easy Japanese with furigana runs long at half width); taller than this share of a
# page, the pair could seldom start on a page already begun and would leave it empty: the two
# boxes then follow each other at full width, each half as tall.
BOXES_SIDE_BY_SIDE_AT_MOST = 0.6


def parallel(first, second, block: d.Parallel) -> list[Flowable]:
    """Flowables of one section; `first` and `second` are the two languages' renderers (full
    width; `narrow` gives the same renderer for a half). In the structure tree the section's
    first language comes first, then the second in a Div with its /Lang."""
    a, b = block.first[0], block.second[0]
    second.parent = first.parent  # the same place in the structure tree
    if isinstance(a, d.PointsFigure):
        return _figure(first, second, a, b)
    if isinstance(a, (d.Memo, d.FillIn)):
        return first.flowables([_both(a, b)])
    gap = first.style.page.column_gap
    half = (first.width - gap) / 2
    side_by_side = first.style.page.columns >= 2 and not any(
        isinstance(x, FULL_WIDTH) for x in (*block.first, *block.second)
    )
    if side_by_side and isinstance(a, d.Alert):
        (left, right), beside = figure._apart(first, _sides, first, second, block, half)
        if (
            max(
                figure._height(first.narrow(half), left), figure._height(second.narrow(half), right)
            )
            <= BOXES_SIDE_BY_SIDE_AT_MOST * first.frame_height
        ):
            first.place(beside)
            return [SideBySide(left, right, (half, half), gap)]
        side_by_side = False
    if not side_by_side and isinstance(a, d.Alert):
        return _stacked_boxes(first, second, block)
    left, right = _sides(first, second, block, half if side_by_side else first.width)
    if not side_by_side:
        # Large print (one column), the personal details: one language, then the other.
        return [*left, *right]
    return [SideBySide(left, right, (half, half), gap)]


def _stacked_boxes(first, second, block: d.Parallel) -> list[Flowable]:
    """Red-flag boxes one after the other, nothing floating in between (the writing area
    comes before or after them): each box whole, or both urgent parts (the signs, whom to
    call) then each language's rest under the box's heading "(continued)", whichever leaves
    less of the pages empty where the page begun is known (_Stacked); two whole boxes where a
    rest is too short to stand apart (an aftercare sheet's)."""
    a, b = block.first[0], block.second[0]
    urgent_a, rest_a, lines_a = _urgent_and_rest(a)
    urgent_b, rest_b, lines_b = _urgent_and_rest(b)

    def boxes(*blocks) -> list[list[Flowable]]:
        """The flowables of `blocks`, two of each language."""
        made = [first.flowables([x]) if x else [] for x in blocks[:2]]
        with second.under(first.element("Div", lang=second.lang)):
            return made + [second.flowables([x]) if x else [] for x in blocks[2:]]

    if min(lines_a, lines_b) >= MIN_PART_ROWS:
        (head_a, tail_a, head_b, tail_b), holder = figure._apart(
            first, boxes, urgent_a, rest_a, urgent_b, rest_b
        )
        (whole_a, _, whole_b, _), whole = figure._apart(first, boxes, a, None, b, None)
        return [
            _Stacked(
                (head_a, head_b, tail_a, tail_b),
                holder,
                (whole_a, whole_b),
                whole,
                first.element("Div"),  # where the chosen order's elements are read
                first.frame_height,
            )
        ]
    whole_a, _, whole_b, _ = boxes(a, None, b, None)
    after: list[Any] = whole_b
    for flowable in after:
        flowable.within_figure = True
    return [*whole_a, *after]


class _Stacked(Flowable):
    """Two languages' boxes when their urgent parts do not fit on one page together (large
    print), laid out (by splitting, where the page begun is known) in the order that leaves
    less of the pages empty: each box whole, one after the other (`whole`), or both urgent
    parts, then each rest under its heading "(continued)" (`parts`). Where the first urgent part
    does not fit on the page begun, the boxes stand whole, the first begun there. The chosen
    order's structure elements go to
    `slot` (their place in reading order), once: the draft and final layouts choose alike."""

    def __init__(self, parts, parts_holder, whole, whole_holder, slot, frame_height: float):
        super().__init__()
        self.parts, self.whole = parts, whole
        self.holders = {"parts": parts_holder, "whole": whole_holder}
        self.slot, self.frame_height = slot, frame_height
        self.chosen: str | None = None
        # What it holds, for render.pdf _layout_marks.
        self._content = [f for group in (*parts, *whole) for f in group]

    def wrap(self, avail_width, avail_height):
        return avail_width, avail_height + 1  # never placed whole: split at once

    def elastic_parts(self) -> list:
        return []

    def split(self, avail_width, avail_height):
        canvas = self.canv  # set by splitOn
        urgent_a, urgent_b, rest_a, rest_b = self.parts
        whole_a, whole_b = self.whole

        def needs(f) -> float:  # as the frame adds it: with its space before
            return f.wrapOn(canvas, avail_width, avail_height)[1] + f.getSpaceBefore()

        if needs(urgent_a[0]) > avail_height and self.chosen is None:
            # The first box begins here all the same and continues overleaf (its heading and
            # lead-in again): a page's blank ahead of it would delay the warning. Each box
            # whole, then.
            self.chosen = "whole"
            self.slot.adopt(self.holders[self.chosen])

        def tall(flowables) -> float:
            return sum(
                f.wrapOn(canvas, avail_width, 1e9)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                for f in flowables
            )

        def start(rest) -> float:
            """What a page must hold to begin a rest there: its first MIN_PART_ROWS rows
            (AlertBox.split carries no fewer; with less room it begins overleaf)."""
            box = rest[0]
            box.wrapOn(canvas, avail_width, 1e9)
            rows = getattr(box, "_rowHeights", None)
            return box.getSpaceBefore() + sum(rows[:MIN_PART_ROWS]) if rows else tall(rest)

        if self.chosen is None:
            first, second = tall(urgent_a), tall(urgent_b)
            # A rest's own heading: what a part continued on the next page adds there too.
            more_a = tall(rest_a) - (tall(whole_a) - first)
            more_b = tall(rest_b) - (tall(whole_b) - second)
            start_a, start_b = start(rest_a), start(rest_b)
            parts = [
                (first, False, 0.0, first),
                (second, False, 0.0, second),
                (tall(rest_a), True, more_a, start_a),
                (tall(rest_b), True, more_b, start_b),
            ]
            whole = [
                (first, False, 0.0, first),
                (tall(whole_a) - first, True, more_a, start_a),
                (second, False, 0.0, second),
                (tall(whole_b) - second, True, more_b, start_b),
            ]
            page = self.frame_height
            self.chosen = (
                "parts"
                if _left_empty(parts, avail_height, page) < _left_empty(whole, avail_height, page)
                else "whole"
            )
            self.slot.adopt(self.holders[self.chosen])
        order = self.parts if self.chosen == "parts" else self.whole
        flat = [f for group in order for f in group]
        if needs(flat[0]) > avail_height:
            # (what comes first must fit where it is split: a whole box begins here in part)
            room = avail_height - flat[0].getSpaceBefore()
            pieces = flat[0].splitOn(canvas, avail_width, room)
            return [*pieces, *flat[1:]] if pieces else []
        return flat

    def draw(self):  # pragma: no cover - always split before it is drawn
        pass


def _left_empty(parts: list[tuple[float, bool, float, float]], room: float, page: float) -> float:
    """How much of the pages `parts` leave empty or give to a heading again, laid out from a
    page with `room` left: each part's height, whether it may run on to the next page, what it
    adds there (its heading again: room the text after it does not get either) and the least
    of it a page must hold for it to begin there."""
    empty = 0.0
    for height, flows, again, start in parts:
        if height > room and (not flows or room < start):
            empty += room  # it begins on the next page
            room = page
        if height <= room:
            room -= height
        elif flows:
            empty += again
            room = page - (height - room + again) % page
        else:
            room = max(page - height, 0.0)
    return empty


def _urgent_and_rest(box: d.Alert) -> tuple[d.Alert, d.Alert | None, int]:
    """The box's urgent part (its first `kept` parts, under its heading), the rest as a box
    under the heading "(continued)" (None: no rest), and how many lines the rest has."""
    urgent = dataclasses.replace(box, parts=box.parts[: box.kept])
    rest = box.parts[box.kept :]
    lines = sum(bool(lead) + len(items) for lead, items in rest)
    tail = dataclasses.replace(box, heading=box.continued or box.heading, parts=rest, kept=0)
    return urgent, tail if rest else None, lines


def _sides(first, second, block: d.Parallel, width: float):
    """The section's two languages, each laid out in `width`."""
    left = first.narrow(width).flowables(block.first)
    with second.under(first.element("Div", lang=second.lang)):
        right = second.narrow(width).flowables(block.second)
    return left, right


def _both(a, b):
    """A writing area or fill-in lines once, their labels in both languages."""
    if isinstance(a, d.Memo):
        return dataclasses.replace(a, heading=_pair(a.heading, b.heading))
    return dataclasses.replace(a, labels=tuple(map(_pair, a.labels, b.labels)))


def _pair(first: str, second: str) -> str:
    """Both languages' labels; a line may break after the slash, not before it."""
    return first if first == second else f"{first}\u00a0/ {second}"


def _figure(first, second, a: d.PointsFigure, b: d.PointsFigure) -> list[Flowable]:
    """One set of views: headings side by side, captions in both languages, the notes side by
    side, then each point's number once with its entry in each language."""
    gap = first.style.page.column_gap
    half = (first.width - gap) / 2
    narrow_a, narrow_b = first.narrow(half), second.narrow(half)
    head_a = narrow_a.heading(d.Heading(a.heading))
    with narrow_b.under(first.element("Div", lang=second.lang)):
        head_b = narrow_b.heading(d.Heading(b.heading))
    heads = SideBySide(
        *_level(head_a, head_b, first.s.heading, second.s.heading), (half, half), gap
    )
    # The views' captions: the first language's on its own lines, the second's under them,
    # each in its own caption style (the alternate text keeps both: 'A / B').
    views = tuple(
        dataclasses.replace(view, caption=_pair(view.caption, other.caption))
        for view, other in zip(a.views, b.views)
    )
    # The side labels in both languages ('R 右'), each in its own font.
    sides = (_pair(a.sides[0], b.sides[0]), _pair(a.sides[1], b.sides[1]))
    both = dataclasses.replace(a, views=views, notes=(), untreated=None, sides=sides)
    rows = figure._rows(
        first,
        both,
        first.width,
        {
            label: _side_parts(first, second, x, y)
            for label, x, y in zip(sides, a.sides, b.sides)
            if label != x
        },
        _captions(first, second, a.views, b.views),
        roomy_sides=True,
    )
    notes_a = figure._notes(narrow_a, a, half)
    with narrow_b.under(first.element("Div", lang=second.lang)):
        notes_b = figure._notes(narrow_b, b, half)
    notes = SideBySide(*_level(notes_a, notes_b, first.s.muted, second.s.muted), (half, half), gap)
    items = first.element("L")
    legend = [
        _legend_row(first, second, items, x, y, a.compact) for x, y in zip(a.legend, b.legend)
    ]
    for row in legend:
        row.within_figure = True  # type: ignore[attr-defined]  # no writing area between entries
    if a.continued and b.continued:  # entries run on to the next page: both headings again

        def again() -> Flowable:
            left = [narrow_a.continued_heading(a.continued)()]
            right = [narrow_b.continued_heading(b.continued)()]
            level = _level(left, right, first.s.strong, second.s.strong)
            pair = SideBySide(*level, (half, half), gap)
            pair.keepWithNext = True  # never alone at a page's foot
            return pair

        first.continues(legend, again, headed=False)
    return [KeepTogether([heads, *rows, notes]), *legend]


def _level(left: list, right: list, a, b) -> tuple[list, list]:
    """Two languages' columns whose first lines are in styles `a` and `b`, their first lines
    on one baseline: the one whose baseline is nearer its top (no room for furigana above it,
    a smaller leading) begins lower by the difference (a column's first space before is
    dropped: the spacer takes its place)."""
    drop = -b.baseline(0.0) + a.baseline(0.0)
    if not (left and right) or not drop:
        return left, right
    column = left if drop > 0 else right
    column[0].spaceBefore = 0
    column[:0] = [Spacer(0, abs(drop))]
    return left, right


def _in_style(renderer, texts: list[str], name: str) -> tuple[list[str], object]:
    """Short texts in one of `renderer`'s styles, with that language's furigana where it has
    them: (the texts, with placeholders where they have readings; the style)."""
    style = renderer.s[name]
    if renderer.readings is not None and renderer.ruby_share:
        return ruby_texts(renderer.readings, texts, style, renderer.ruby_share)
    return texts, style


def _captions(first, second, a: tuple[d.View, ...], b: tuple[d.View, ...]) -> tuple:
    """Each view's caption as (text, style) parts: the first language's, then the second's
    (the same text once), each in its own caption style with its furigana."""
    texts_a, style_a = _in_style(first, [v.caption for v in a], "caption")
    texts_b, style_b = _in_style(second, [v.caption for v in b], "caption")
    return tuple(
        ((x, style_a),) if view.caption == other.caption else ((x, style_a), (y, style_b))
        for view, other, x, y in zip(a, b, texts_a, texts_b)
    )


def _side_parts(first, second, a: str, b: str) -> list:
    """A side label in both languages on one line, 'R 右' (no slash: a letter and a character
    read as one label), each language in its own side style with its furigana."""
    (a_text,), a_style = _in_style(first, [a], "side")
    (b_text,), b_style = _in_style(second, [b], "side")
    return [(a_text, a_style), (" ", a_style), (b_text, b_style)]


def _legend_row(
    first, second, items, a: d.LegendEntry, b: d.LegendEntry, compact: bool
) -> Flowable:
    """A point's legend entry (an LI of the list `items`): its number (Lbl), then the entry in
    each language (an LBody each, the second with its /Lang), each beside the number as on the
    views (the second number an artifact: read once). The two entries' first lines stand on
    one baseline (one with furigana above it, the other moved down to it), each number centred
    on its own entry's first line of characters (not on the furigana's room above them)."""
    item = items.add("LI")
    label, body_a = item.add("Lbl"), item.add("LBody")
    body_b = item.add("LBody", lang=second.lang)
    line_a, line_b = first.s.body, second.s.body
    badge = figure.legend_badge(first, a, label, line=_characters(line_a))
    again = figure.legend_badge(first, a, None, repeated=True, line=_characters(line_b))
    column = 2 * badge.radius + 5
    gap = first.style.page.column_gap
    half = (first.width - 2 * column - gap) / 2
    cells = [
        figure.legend_text(first.narrow(half), a, compact, body_a),
        figure.legend_text(second.narrow(half), b, compact, body_b),
    ]
    drop_a, drop_b = -line_a.baseline(0.0), -line_b.baseline(0.0)
    pad_a, pad_b = max(drop_b - drop_a, 0.0), max(drop_a - drop_b, 0.0)
    return first.table(
        [[badge, cells[0], again, cells[1]]],
        [column, half + gap, column, half],
        ("RIGHTPADDING", (1, 0), (1, 0), gap),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1 if compact else 2),
        ("TOPPADDING", (0, 0), (0, 0), pad_a + line_a.above),
        ("TOPPADDING", (1, 0), (1, 0), pad_a),
        ("TOPPADDING", (2, 0), (2, 0), pad_b + line_b.above),
        ("TOPPADDING", (3, 0), (3, 0), pad_b),
    )


def _characters(style):
    """`style` without the room for furigana at the top of its lines: what a number beside
    its first line is centred on."""
    if not style.above:
        return style
    return TextStyle(
        style.fonts, style.size, style.leading - style.above, style.rules, style.bold, style.color
    )
