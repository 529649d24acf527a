"""A bilingual edition's sections (document.Parallel) laid out: each section's two languages
side by side where both fit in half the width, else the first then the second; each language
in its own typography (font, size, leading, line breaking, furigana), through a renderer of its
own. The points figure is drawn once: one set of views, captions and legend in both languages.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether

from handouts import document as d
from handouts.fontfiles import charset
from handouts.render.columns import SideBySide
from handouts.render.diagram import DiagramRow

GAP = 6 * mm                    # between the two languages
# Blocks that need the whole width: their two languages follow each other.
FULL_WIDTH = (d.Fields, d.Columns)


def parallel(first, second, block: d.Parallel) -> list[Flowable]:
    """Flowables of one section; `first` and `second` are the two languages' renderers (full
    width; their `narrow` twins lay out a half)."""
    figures = [b for b in block.first if isinstance(b, d.PointsFigure)]
    if figures:
        figure_b = next(b for b in block.second if isinstance(b, d.PointsFigure))
        return _figure(first, second, figures[0], figure_b)
    if any(isinstance(b, FULL_WIDTH) for b in (*block.first, *block.second)):
        return [*first.flowables(block.first), *second.flowables(block.second)]
    half = (first.width - GAP) / 2
    left = first.narrow(half).flowables(block.first)
    right = second.narrow(half).flowables(block.second)
    return [SideBySide(left, right, (half, half), GAP)]


def _figure(first, second, a: d.PointsFigure, b: d.PointsFigure) -> list[Flowable]:
    """One set of views for both languages: headings side by side, captions in both languages,
    the notes side by side, then each point's legend entry in both languages."""
    half = (first.width - GAP) / 2
    narrow_a, narrow_b = first.narrow(half), second.narrow(half)
    heads = SideBySide(narrow_a.heading(d.Heading(a.heading)),
                       narrow_b.heading(d.Heading(b.heading)), (half, half), GAP)
    views = tuple(view_a.__class__(view_a.id, view_a.svg, f"{view_a.caption} / {view_b.caption}",
                                   view_a.markers)
                  for view_a, view_b in zip(a.views, b.views))
    caption = _covering(first, second, [v.caption for v in views])
    height = (40 if a.compact else 50) * mm * first.s.scale
    row = DiagramRow(views, height, caption.small, first.s.number)
    notes = SideBySide([narrow_a.tb(n, "muted", space_before=2) for n in a.notes],
                       [narrow_b.tb(n, "muted", space_before=2) for n in b.notes],
                       (half, half), GAP)
    legend = [_legend_row(first, second, entry_a, entry_b, a.compact)
              for entry_a, entry_b in zip(a.legend, b.legend)]
    return [KeepTogether([heads, row, notes]), *legend]


def _legend_row(first, second, a: d.LegendEntry, b: d.LegendEntry, compact: bool) -> Flowable:
    """A point's legend entry: its number once, then the entry in each language."""
    badge_column = first.badge_column()
    half = (first.width - badge_column - GAP) / 2
    cells = [first.legend_entry(a, compact, half, badge=False),
             second.legend_entry(b, compact, half, badge=False)]
    return first.table([[first.badge(a), cells[0], cells[1]]],
                       [badge_column, half + GAP, half],
                       ("RIGHTPADDING", (1, 0), (1, 0), GAP),
                       ("BOTTOMPADDING", (0, 0), (-1, -1), 0 if compact else 2))


def _covering(first, second, texts: list[str]):
    """The styles of whichever language's font has every character of `texts` (captions that
    hold both languages)."""
    needed = {ord(c) for text in texts for c in text if not c.isspace()}
    for renderer in (first, second):
        if needed <= charset(str(renderer.typography.font), "regular"):
            return renderer.s
    return second.s
