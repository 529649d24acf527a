"""A bilingual edition's sections (document.Parallel) laid out: each section's two languages
side by side, each in its own typography (font, sizes, leading, line breaking, furigana) by a
renderer of its own; blocks that need the whole width follow each other. The points figure is
drawn once: one set of views with captions in both languages, each point's legend entry in
both languages beside its one number. One writing area and one row of fill-in lines, their
labels in both languages.
"""

from __future__ import annotations

import dataclasses

from reportlab.platypus import Flowable, KeepTogether

from handouts import document as d
from handouts.render import figure
from handouts.render.columns import SideBySide

# Blocks that need the whole width: their two languages follow each other.
FULL_WIDTH = (d.Fields,)


def parallel(first, second, block: d.Parallel) -> list[Flowable]:
    """Flowables of one section; `first` and `second` are the two languages' renderers (full
    width; `narrow` gives the same renderer for a half)."""
    a, b = block.first[0], block.second[0]
    if isinstance(a, d.PointsFigure):
        return _figure(first, second, a, b)
    if isinstance(a, (d.Memo, d.FillIn)):
        return first.flowables([_both(a, b)])
    if any(isinstance(x, FULL_WIDTH) for x in (*block.first, *block.second)) \
            or first.style.page.columns < 2:
        # Large print (one column) and the personal details: one language, then the other.
        return [*first.flowables(block.first), *second.flowables(block.second)]
    gap = first.style.page.column_gap
    half = (first.width - gap) / 2
    left = first.narrow(half).flowables(block.first)
    right = second.narrow(half).flowables(block.second)
    return [SideBySide(left, right, (half, half), gap)]


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
    heads = SideBySide(narrow_a.heading(d.Heading(a.heading)),
                       narrow_b.heading(d.Heading(b.heading)), (half, half), gap)
    views = tuple(dataclasses.replace(view, caption=_pair(view.caption, other.caption))
                  for view, other in zip(a.views, b.views))
    # The side labels (R / L) stay short: the first language's, beside the drawings.
    both = dataclasses.replace(a, views=views, notes=(), untreated=None)
    rows = figure._rows(first, both, first.width)
    notes = SideBySide(figure._notes(narrow_a, a, half), figure._notes(narrow_b, b, half),
                       (half, half), gap)
    legend = [_legend_row(first, second, x, y, a.compact) for x, y in zip(a.legend, b.legend)]
    return [KeepTogether([heads, *rows, notes]), *legend]


def _legend_row(first, second, a: d.LegendEntry, b: d.LegendEntry, compact: bool) -> Flowable:
    """A point's legend entry: its number once, then the entry in each language."""
    badge = figure.legend_badge(first, a)
    column = 2 * badge.radius + 5
    gap = first.style.page.column_gap
    half = (first.width - column - gap) / 2
    cells = [figure.legend_text(first.narrow(half), a, compact),
             figure.legend_text(second.narrow(half), b, compact)]
    return first.table([[badge, cells[0], cells[1]]], [column, half + gap, half],
                       ("RIGHTPADDING", (1, 0), (1, 0), gap),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), 1 if compact else 2))
