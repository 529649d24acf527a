"""The acupoint figure: rows of body views and the legend that numbers their points.

Views go side by side while they fit at their smallest legible height, then wrap to a new
row. On a handout the legend (badge, name, reading, where, why) follows the views (narrow views
share their width with the self-care advice); on an
aftercare sheet a one-line-per-point legend stands beside the views when they leave room, else
below them. Figure and legend are kept on one page.

Structure (render.tagging): the heading, a Figure per view (its alternate text from the
content), the notes, and the legend as a list: number (Lbl), then code, name and reading (a
Ruby), location and use (LBody). The parts' elements are made apart and placed in the order
the chosen layout is read (views, then what stands beside or under them).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, KeepTogether

from handouts.compose import document as d
from handouts.render.columns import Columns, SideBySide
from handouts.render.diagram import DiagramRow
from handouts.render.ruby import readings_of, ruby_texts
from handouts.render.tagging import TextTags, ruby
from handouts.render.text import TextBlock
from handouts.render.widgets import Badge, Diamond, badge_radius

# Views narrower than this share of the width leave room for the blocks that go with the figure
# (a handout's self-care) beside them.
BESIDE_VIEWS_AT_MOST = 0.64
# ... and only when those blocks, in the narrow column left, are not much taller than the views:
# else a column of a few characters a line runs far below them (easy Japanese with furigana),
# and the blocks read better at full width before the figure.
BESIDE_TALLER_AT_MOST = 1.5


class _Views(KeepTogether):
    """Body views kept on one page; the layout lets nothing float in before one that is
    `within_figure` (pdf.py)."""

    within_figure = False


def flowables(r, b: d.PointsFigure) -> list[Flowable]:
    """`r` is the document's renderer (styles, width, text helpers)."""
    beside = r.flowables(b.beside)
    head = r.heading(d.Heading(b.heading))
    diagram = r.style.diagram
    if b.compact:
        legend_width = r.width * diagram.compact_legend
        views_width = r.width - legend_width - r.style.page.column_gap
        rows, figures = _apart(r, _rows, r, b, views_width)
        if all(row.fits(views_width) for row in rows) and len(rows) == 1:
            items, listed = _apart(r, _legend, r, b, legend_width, compact=True)
            notes, said = _apart(r, _notes, r, b, legend_width)
            r.place(figures, listed, said)  # the legend and notes beside the views
            table = SideBySide(
                rows, [*items, *notes], (views_width, legend_width), r.style.page.column_gap
            )
            # The views' R / L labels reach above them (a column drops its first space).
            table.spaceBefore = rows[0].getSpaceBefore()
            return [*beside, KeepTogether([*head, table])]
        rows, figures = _apart(r, _rows, r, b, r.width)
        notes, said = _apart(r, _notes, r, b)
        grid, listed = _apart(r, _legend_grid, r, b)
        r.place(figures, said, listed)
        return [*beside, KeepTogether([*head, *rows, *notes, *grid])]
    rows, figures = _apart(r, _rows, r, b, r.width)
    legend, listed = _apart(r, _legend, r, b, r.width, compact=False)
    if b.continued:  # the entries that run on to the next page: the heading again over them
        r.continues(legend, r.continued_heading(b.continued), headed=False)
    notes, said = _apart(r, _notes, r, b)
    gap = r.style.page.column_gap
    if (
        beside
        and r.style.page.columns >= 2
        and len(rows) == 1
        and rows[0].fits(r.width * BESIDE_VIEWS_AT_MOST)
    ):
        # Narrow views leave room: the companion blocks (self-care) stand to their left.
        views_width = max(r.width * 0.5, rows[0].width_at(diagram.min_height) + gap)
        row, near = _apart(r, _rows, r, b, views_width)
        side_width = r.width - views_width - gap
        views_height = _height(r, [*head, *row], views_width)
        if _height(r, beside, side_width) <= BESIDE_TALLER_AT_MOST * views_height:
            r.place(near, said, listed)
            pair = SideBySide(beside, [*head, *row], (side_width, views_width), gap)
            return _kept(r, [pair, *notes], legend)
    parts = [*head, *rows, *notes, *legend]
    if _height(r, parts) <= r.frame_height or len(b.views) == 1:
        r.place(figures, said, listed)
        return [*beside, *_kept(r, [*head, *rows, *notes], legend)]
    # Large print: too tall for one page. The heading stays with the views (a page never ends
    # with it), the notes and the legend follow, entry by entry: the figure need not move
    # whole to the next page and leave this one half empty. Else the views go in groups,
    # each with the legend of its points.
    if _height(r, [*head, *rows]) <= r.frame_height:
        r.place(figures, said, listed)
        for part in legend:
            part.within_figure = True  # nothing floats in between the entries
        return [*beside, _Views([*head, *rows]), *notes, *legend]
    groups = _by_rows(r, b, head)
    r.place(said)
    return [*beside, *groups, *notes]


def _kept(r, figure: list[Flowable], legend: list[Any]) -> list[Flowable]:
    """The views (with their heading and notes) and their legend on one page; when together
    they are taller than a page, the views stay whole with the legend's first entry (or, with
    the self-care beside them, the pair may run on) and the other entries follow one by one
    (nothing floating in between): kept whole, the figure would leave the rest of the page
    before it empty and still run onto the next."""
    if _height(r, [*figure, *legend]) <= r.frame_height:
        return [KeepTogether([*figure, *legend])]
    if isinstance(figure[0], SideBySide):
        # Views with the self-care beside them: the advice may run on to the next page (the
        # views begin where they fit whole), the notes and the entries after it.
        after: list[Any] = [*figure[1:], *legend]
        for part in after:
            part.within_figure = True
        return [figure[0], *after]
    for part in legend[1:]:
        part.within_figure = True  # nothing floats in between the entries
    return [_Views([*figure, *legend[:1]]), *legend[1:]]


def _apart(r, make, *args, **kwargs):
    """`make(*args)`'s flowables, and the holder of the structure elements they made: placed
    in reading order (r.place) once the layout is chosen, or dropped with a layout not taken."""
    with r.apart() as holder:
        return make(*args, **kwargs), holder


def _height(r, parts: list[Flowable], width: float | None = None) -> float:
    return sum(
        p.wrap(width or r.width, r.frame_height)[1] + p.getSpaceBefore() + p.getSpaceAfter()
        for p in parts
    )


def _by_rows(r, b: d.PointsFigure, head: list[Flowable]) -> list[Flowable]:
    """A figure too tall for one page (large print) in groups, each a row of views with the
    legend of their own points under it, kept on one page: as many views per group as fit."""

    def group(views: list[d.View], lead: list[Flowable]) -> list[Flowable]:
        numbers = {m.number for v in views for m in v.markers if m.number}
        own = d.PointsFigure(
            b.heading,
            tuple(views),
            tuple(e for e in b.legend if e.number in numbers),
            b.notes,
            b.compact,
            (),
            b.untreated,
            b.sides,
        )
        return [*lead, *_rows(r, own, r.width), *_legend(r, own, r.width, compact=False)]

    groups: list[list[d.View]] = []
    for view in b.views:
        lead = head if len(groups) <= 1 else []
        if groups:
            trial = [*groups[-1], view]
            rows, _ = _apart(r, _rows, r, dataclasses.replace(b, views=tuple(trial)), r.width)
            if len(rows) == 1 and _height(r, _apart(r, group, trial, lead)[0]) <= r.frame_height:
                groups[-1] = trial
                continue
        groups.append([view])
    result: list[Flowable] = []
    for index, views in enumerate(groups):
        kept = _Views(group(views, head if index == 0 else []))
        kept.within_figure = index > 0  # nothing floats in between the groups
        result.append(kept)
    return result


def _rows(
    r,
    b: d.PointsFigure,
    width: float,
    sides: dict | None = None,
    captions: tuple | None = None,
    roomy_sides: bool = False,
) -> list[DiagramRow]:
    """The views in rows that each fit `width` at the smallest legible height. `sides`: how
    the R / L labels are drawn, when not in the side style (label -> (text, style) parts);
    `captions`: each view's caption as (text, style) parts (a bilingual page: one in each
    language), when not the view's caption in the caption style; `roomy_sides`: the labels
    keep further from the body (diagram.DiagramRow)."""
    s = r.s
    caption, views = s.caption, b.views
    readings, share, fonts = readings_of(r.doc)
    if readings is not None:  # furigana over the captions and R/L labels too
        if captions is None:
            texts, caption = ruby_texts(
                readings, [v.caption for v in b.views], s.caption, share, fonts
            )
            views = tuple(dataclasses.replace(v, caption=t) for v, t in zip(b.views, texts))
        if sides is None:
            labels, side = ruby_texts(readings, b.sides, s.side, share, fonts)
            sides = {label: [(text, side)] for label, text in zip(b.sides, labels)}
    parts = dict(zip(map(id, views), captions)) if captions is not None else None

    def row(chosen, figures=None) -> DiagramRow:
        return DiagramRow(
            tuple(chosen),
            r.style,
            caption,
            s.number,
            s.side,
            b.sides,
            figures,
            side_texts=sides,
            caption_parts=None if parts is None else tuple(parts[id(v)] for v in chosen),
            roomy_sides=roomy_sides,
        )

    rows: list[list[d.View]] = [[]]
    for view in views:
        if rows[-1] and not row((*rows[-1], view)).fits(width):
            rows.append([view])
        else:
            rows[-1].append(view)
    alts = {id(v): o.alt or o.caption for v, o in zip(views, b.views)}
    return [
        row(chosen, tuple(r.element("Figure", alt=alts[id(view)]) for view in chosen))
        for chosen in rows
        if chosen
    ]


def _legend_grid(r, b: d.PointsFigure) -> list[Flowable]:
    """A one-line-per-point legend in as many columns as its longest entry allows (up to 3),
    filled column by column."""
    gap = r.style.page.column_gap
    widest = max(_entry_width(r, e) for e in b.legend)
    columns = max(1, min(3, int((r.width + gap) // (widest + gap)), len(b.legend)))
    share = (r.width - gap * (columns - 1)) / columns
    entries = _legend(r, b, share, compact=True)
    per_column = -(-len(entries) // columns)
    grid = [entries[i : i + per_column] for i in range(0, len(entries), per_column)]
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
        mark = Diamond(
            diagram.untreated,
            diagram.untreated_stroke,
            Color(*r.style.colors.untreated),
            r.s.muted,
            box,
        )
        width = width or r.width
        notes.append(
            r.table(
                [[mark, r.tb(b.untreated, "muted")]],
                [box + 5, width - box - 5],
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            )
        )
    return notes


def _legend(r, b: d.PointsFigure, width: float, compact: bool) -> list[Flowable]:
    entries = []
    items = r.element("L")
    for e in b.legend:
        item = items.add("LI")
        label, body = item.add("Lbl"), item.add("LBody")
        badge = legend_badge(r, e, label)
        column = 2 * badge.radius + 5
        entries.append(
            r.table(
                [[badge, legend_text(r, e, compact, body)]],
                [column, width - column],
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1 if compact else 2),
            )
        )
    return entries


def legend_badge(r, e: d.LegendEntry, label, repeated: bool = False, line=None) -> Badge:
    """The numbered circle of a legend entry, as on the views; `label`: its Lbl element
    (`repeated`: the same number again beside the entry in another language, an artifact);
    centred on a line of `line` (the body style's)."""
    filled, diagram = e.emphasis == "highlight", r.style.diagram
    return Badge(
        e.number,
        r.s.number,
        filled,
        diagram.badge_stroke_treated if filled else diagram.badge_stroke,
        line or r.s.body,
        label,
        repeated,
    )


def legend_text(r, e: d.LegendEntry, compact: bool, body) -> TextBlock:
    """A legend entry's text (the LBody element `body`): bold code and name (with furigana where
    the document has them, else its reading in brackets), then where and why."""
    s = r.s
    strong = s.strong if (not compact or e.emphasis == "highlight") else s.body
    spans = [r.ruby_span(f"{e.code}\u00a0\u00a0{e.name}", strong)]
    marks: list = [None]
    if e.reading:
        # Name then reading, read once each: a Ruby (the brackets are its RP parts).
        name, opening, reading, closing = ruby()
        marks = [
            [(f"{e.code}\u00a0\u00a0", None), (e.name, name)],
            [("（", opening), (e.reading, reading), ("）", closing)],
        ]
        spans.append((f"（{e.reading}）", strong, True))
    if not compact:
        # Where, then why, as one paragraph after the bold name: two short sentences
        # (each in its own language's typography if one fell back).
        texts = [t for t in (e.location, e.why) if t]
        for index, text in enumerate(texts):
            mixed = any(isinstance(t, d.Fallback) for t in texts[max(index - 1, 0) : index + 1])
            if index == 0 or r.joiner or mixed:
                spans.append((" ", s.body, False))
            spans += r.spans(text, "body")
    return TextBlock(
        spans, s.body, tags=TextTags(body, marks=marks + [None] * (len(spans) - len(marks)))
    )
