"""The acupoint figure: rows of body views and the legend that numbers their points.

Views go side by side while they fit at their smallest legible height, then wrap to a new
row. On a handout the legend (badge, name, reading, where, why) follows the views; on an
aftercare sheet a one-line-per-point legend stands beside the views when they leave room, else
below them. Figure and legend are kept on one page.

Structure (render.tagging), in reading order: the heading, a Figure per view (its alternate
text from the content), the notes, and the legend as a list: number (Lbl), then code, name and
reading (a Ruby), location and use (LBody). Parts are made in the order they are read.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, KeepTogether

from handouts import document as d
from handouts.render.columns import Columns, SideBySide
from handouts.render.diagram import DiagramRow
from handouts.render.tagging import TextTags, ruby
from handouts.render.text import TextBlock
from handouts.render.widgets import Badge, Diamond, badge_radius


def flowables(r, b: d.PointsFigure) -> list[Flowable]:
    """`r` is the document's renderer (styles, width, text helpers)."""
    beside = r.flowables(b.beside)
    head = r.heading(d.Heading(b.heading))
    diagram = r.style.diagram
    if b.compact:
        legend_width = r.width * diagram.compact_legend
        views_width = r.width - legend_width - r.style.page.column_gap
        rows = _rows(r, b, views_width)
        if all(row.fits(views_width) for row in rows) and len(rows) == 1:
            legend = [*_legend(r, b, legend_width, compact=True), *_notes(r, b, legend_width)]
            table = SideBySide(rows, legend, (views_width, legend_width), r.style.page.column_gap)
            return [*beside, KeepTogether([*head, table])]
        rows = _rows(r, b, r.width)
        return [*beside, KeepTogether([*head, *rows, *_notes(r, b), *_legend_grid(r, b)])]
    rows = _rows(r, b, r.width)
    notes = _notes(r, b)
    legend = _legend(r, b, r.width, compact=False)
    parts = [*head, *rows, *notes, *legend]
    tall = sum(p.wrap(r.width, r.frame_height)[1] + p.getSpaceBefore() + p.getSpaceAfter()
               for p in parts)
    if len(b.views) > 1 and tall > r.frame_height:
        return [*beside, *_by_view(r, b, head)]     # large print: too tall for one page
    return [*beside, KeepTogether(parts)]


def _by_view(r, b: d.PointsFigure, head: list[Flowable]) -> list[Flowable]:
    """Each view kept on one page with the legend of its own points beside it, for a figure
    too tall for one page (large print: every legend entry at 18 pt)."""
    gap = r.style.page.column_gap
    groups = []
    notes = _notes(r, b)
    for index, view in enumerate(b.views):
        one = d.PointsFigure(b.heading, (view,), b.legend, b.notes, b.compact, (), b.untreated,
                             b.sides)
        row = _rows(r, one, r.width)[0]
        left = min(max(row.width_at(row.d.min_height) * 1.3, r.width * 0.3), r.width * 0.45)
        numbers = {m.number for m in view.markers if m.number}
        own = d.PointsFigure(b.heading, (view,), tuple(e for e in b.legend if e.number in numbers),
                             b.notes, b.compact, (), b.untreated, b.sides)
        entries = _legend(r, own, r.width - left - gap, compact=False)
        # The view stands as tall as its legend beside it (within its size limits).
        beside_height = sum(e.wrap(r.width - left - gap, r.frame_height)[1] for e in entries)
        row.view_height = max(row.d.min_height, min(row.d.max_height,
                                                    beside_height - 2 * r.s.caption.leading))
        lead = [*head, *notes] if index == 0 else []
        group = KeepTogether([*lead, SideBySide([row], entries, (left, r.width - left - gap),
                                                gap)])
        group.within_figure = index > 0        # nothing floats in between the views
        groups.append(group)
    return groups


def _rows(r, b: d.PointsFigure, width: float) -> list[DiagramRow]:
    """The views in rows that each fit `width` at the smallest legible height."""
    s = r.s
    rows: list[list[d.View]] = [[]]
    for view in b.views:
        trial = DiagramRow((*rows[-1], view), r.style, s.caption, s.number, s.side, b.sides)
        if rows[-1] and not trial.fits(width):
            rows.append([view])
        else:
            rows[-1].append(view)
    return [DiagramRow(tuple(views), r.style, s.caption, s.number, s.side, b.sides,
                       tuple(r.element("Figure", alt=view.alt or view.caption) for view in views))
            for views in rows if views]


def _legend_grid(r, b: d.PointsFigure) -> list[Flowable]:
    """A one-line-per-point legend in as many columns as its longest entry allows (up to 3),
    filled column by column."""
    gap = r.style.page.column_gap
    widest = max(_entry_width(r, e) for e in b.legend)
    columns = max(1, min(3, int((r.width + gap) // (widest + gap)), len(b.legend)))
    share = (r.width - gap * (columns - 1)) / columns
    entries = _legend(r, b, share, compact=True)
    per_column = -(-len(entries) // columns)
    grid = [entries[i:i + per_column] for i in range(0, len(entries), per_column)]
    return [Columns(grid, share, gap)] if columns > 1 else grid[0]


def _entry_width(r, e: d.LegendEntry) -> float:
    s = r.s
    text = f"{e.code}\u00a0\u00a0{e.name}" + (f"（{e.reading}）" if e.reading else "")
    return 2 * badge_radius(s.number.size) + 5 + s.strong.width(text) + 2


def _notes(r, b: d.PointsFigure, width: float | None = None) -> list[Flowable]:
    notes = [r.tb(n, "muted", space_before=2, space_after=2) for n in b.notes]
    if b.untreated:
        diagram = r.style.diagram
        box = 2 * badge_radius(r.s.number.size) + 2
        mark = Diamond(diagram.untreated, diagram.untreated_stroke,
                       Color(*r.style.colors.untreated), r.s.muted, box)
        width = width or r.width
        notes.append(r.table([[mark, r.tb(b.untreated, "muted")]], [box + 5, width - box - 5],
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 3)))
    return notes


def _legend(r, b: d.PointsFigure, width: float, compact: bool) -> list[Flowable]:
    s, diagram = r.s, r.style.diagram
    entries = []
    items = r.element("L")
    for e in b.legend:
        item = items.add("LI")
        label, body = item.add("Lbl"), item.add("LBody")
        strong = s.strong if (not compact or e.emphasis == "highlight") else s.body
        spans = [(f"{e.code}\u00a0\u00a0{e.name}", strong, False)]
        marks: list = [None]
        if e.reading:
            # Name then reading, read once each: a Ruby (the brackets are its RP parts).
            name, opening, reading, closing = ruby()
            marks = [[(f"{e.code}\u00a0\u00a0", None), (e.name, name)],
                     [("（", opening), (e.reading, reading), ("）", closing)]]
            spans.append((f"（{e.reading}）", strong, True))
        if not compact:
            # Where, then why, as one paragraph after the bold name: two short sentences
            # (each in its own language's typography if one fell back).
            texts = [t for t in (e.location, e.why) if t]
            for index, text in enumerate(texts):
                mixed = any(isinstance(t, d.Fallback) for t in texts[max(index - 1, 0):index + 1])
                if index == 0 or r.joiner or mixed:
                    spans.append((" ", s.body, False))
                spans += r.spans(text, "body")
        block = TextBlock(spans, s.body,
                          tags=TextTags(body, marks=marks + [None] * (len(spans) - len(marks))))
        filled = e.emphasis == "highlight"
        badge = Badge(e.number, s.number, filled,
                      diagram.badge_stroke_treated if filled else diagram.badge_stroke, s.body,
                      label)
        column = 2 * badge.radius + 5
        entries.append(r.table([[badge, block]], [column, width - column],
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1 if compact else 2)))
    return entries
