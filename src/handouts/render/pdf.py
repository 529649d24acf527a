"""Document blocks -> PDF bytes: text styles from the style data, dispatch, page template.

Layout runs twice when a page has room to spare: first with every elastic element (body
views, writing lines) at its smallest, then with each grown into the free space left at the
bottom of its page. Growing only takes space that was empty, so pages break in the same places.
A personal sheet whose last page is left largely empty first tries its views taller (more draft
layouts), keeping the taller height that keeps its page count (_taller_views).

Every document is a tagged PDF (render.tagging): the structure elements are made here, in
reading order, as blocks become flowables; the flowables mark their content as they draw.
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reportlab import rl_config
from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from handouts.compose import document as d
from handouts.content.style import TEXT_STYLES, Style
from handouts.errors import HandoutsError
from handouts.render import bilingual, figure, furniture
from handouts.render.columns import SideBySide
from handouts.render.diagram import DiagramRow
from handouts.render.linebreak import BreakRules
from handouts.render.ruby import CLEARANCE, readings_of, ruby_room, ruby_span, ruby_texts
from handouts.render.tagging import Element, StructureTree, TextTags, table_artifacts
from handouts.render.text import TextBlock, TextStyle, continues, font_chain
from handouts.render.widgets import (
    AlertBox,
    FillInRow,
    MemoArea,
    Placement,
    Running,
    WarningSign,
)

rl_config.invariant = 1  # byte-identical output: fixed IDs, dates from SOURCE_DATE_EPOCH
rl_config.useA85 = 0  # binary streams: smaller files, and no slow pure-Python encoding

# Text styles that carry furigana in a document that has them.
RUBY_STYLES = ("body", "muted", "strong", "heading", "title", "fill_in", "appointment")


class Styles:
    """The document's text styles: sizes and colours from the style data, font and line
    breaking from the language's typography. Attributes: one per name in style.TEXT_STYLES."""

    def __init__(self, style: Style, t: d.Typography):
        self.style = style
        fonts = font_chain(t.font)
        rules = BreakRules(
            t.words,
            frozenset(t.no_line_start),
            frozenset(t.no_line_end),
            t.units,
            t.min_last_line,
            t.squeeze,
            t.keep,
            t.phrases,
            t.prefer_phrases,
            t.phrase_fill,
            t.soft_analyser,
            t.avoid,
            t.avoid_fill,
        )
        for name in TEXT_STYLES:
            spec = style.text[name]
            # Furigana: room for the readings above every line of the body's text (render.ruby;
            # header, footer and captions have none).
            share = t.ruby if name in RUBY_STYLES else 0.0
            above = ruby_room(fonts.primary, spec.size, spec.leading, share)
            setattr(
                self,
                name,
                TextStyle(
                    fonts,
                    spec.size,
                    spec.size * spec.leading + above,
                    rules,
                    spec.bold,
                    Color(*spec.color),
                    above,
                ),
            )

    def __getitem__(self, name: str) -> TextStyle:
        return getattr(self, name)

    if TYPE_CHECKING:  # for type checkers: the attributes set in __init__

        def __getattr__(self, name: str) -> TextStyle: ...


# Table style commands that draw nothing (the others draw rules, boxes or backgrounds).
_LAYOUT_ONLY = frozenset(
    {
        "VALIGN",
        "ALIGN",
        "SPAN",
        "FONT",
        "LEFTPADDING",
        "RIGHTPADDING",
        "TOPPADDING",
        "BOTTOMPADDING",
    }
)


class _MemoMark(Flowable):
    """Where the document puts its writing area (replaced by MemoArea offers)."""


class _Renderer:
    def __init__(
        self,
        doc: d.Document,
        styles: Styles,
        width: float,
        fallback: Styles | None,
        frame_height: float = 1e9,
        lang: str | None = None,
    ):
        self.doc, self.s, self.width, self.fallback = doc, styles, width, fallback
        self.lang = lang or doc.lang  # a bilingual edition: each its own renderer
        typography = (
            (doc.second_typography or doc.typography) if self.lang != doc.lang else doc.typography
        )
        self.readings = doc.ruby.get(self.lang)  # furigana: text -> readings over its kanji
        self.ruby_share = typography.ruby
        # Furigana over a box's first line keep clear of its border: the box's top padding
        # grows by half a reading's size (the readings stand in the text's own room above it).
        self.ruby_pad = (
            CLEARANCE * styles.body.size * self.ruby_share if self.readings is not None else 0.0
        )
        self.partner: _Renderer | None = None  # a bilingual edition's second language
        self.frame_height = frame_height  # a figure taller than this is split by view
        self.placements: list[Placement] = []  # floating blocks: reset for each pass
        self.section_marked = False  # the section's fallback label is drawn
        self.section_continued = ""  # the heading atop the section's list where it continues
        self.lists: list[tuple] = []  # each section's list items, their heading again (relax)
        self.style = styles.style
        # Sentences run on with a space in languages that break at spaces, directly otherwise.
        self.joiner = " " if styles.body.rules.words else ""
        self.tags = StructureTree(doc.lang)
        self.parent = self.tags.document  # where new structure elements go

    # -- structure ----------------------------------------------------------------------------
    def element(self, role: str, **kwargs) -> Element:
        """A new structure element after those made so far under the current parent."""
        return self.parent.add(role, **kwargs)

    @contextlib.contextmanager
    def under(self, element: Element):
        """Elements made inside are `element`'s children."""
        outer, self.parent = self.parent, element
        try:
            yield element
        finally:
            self.parent = outer

    def apart(self):
        """`with r.apart() as holder:` elements made inside wait in `holder` until `place`
        puts them where they are read (a layout's parts are made before one is chosen)."""
        return self.under(self.tags.holder())

    def place(self, *holders: Element) -> None:
        for holder in holders:
            self.parent.adopt(holder)

    # -- text ---------------------------------------------------------------------------------
    def spans(self, text: str, style: str) -> list:
        """Text as styled spans: text that fell back to the source language is set in that
        language's typography; the first such text of a section follows the label that says
        so (e.g. （英語のみ）)."""
        if isinstance(text, d.Fallback) and self.fallback:
            spans: list[tuple[str, TextStyle, bool]] = [(text, self.fallback[style], False)]
            if not self.section_marked and self.doc.fallback_label:
                self.section_marked = True
                spans[:0] = [
                    (self.doc.fallback_label, self.s.label, True),
                    (" ", self.s.label, False),
                ]
            return spans
        return [self.ruby_span(text, self.s[style])]

    def ruby_span(self, text: str, style: TextStyle, keep: bool = False):
        """A span of text in this language, with its furigana when the document has them
        (over a practitioner's note too, never over a name typed for a sheet: its reading
        cannot be guessed). A typed text is read afresh, never kept in a cache."""
        if (
            self.readings is None
            or isinstance(text, d.Fallback)
            or (isinstance(text, d.Given) and not text.prose)
        ):
            return (text, style, keep)
        if isinstance(text, d.Given):
            return ruby_span(self.readings.fresh, text, style, self.ruby_share, keep, private=True)
        return ruby_span(self.readings, text, style, self.ruby_share, keep)

    def shared_spans(self, text: str, style: str) -> list:
        """Spans of a text both languages of a bilingual page share (a label in both): with
        the furigana of whichever language has them."""
        if self.readings is not None:
            return self.spans(text, style)
        readings, share, fonts = readings_of(self.doc)
        if readings is None or not readings(text):
            return [(text, self.s[style], False)]
        (marked,), ruby_style = ruby_texts(readings, [text], self.s[style], share, fonts)
        return [(marked, ruby_style, False)]

    def tb(
        self,
        text: str,
        style: str,
        role: str = "P",
        element: Element | None = None,
        label: Element | None = None,
        **kwargs,
    ) -> TextBlock:
        """A text block tagged as a new `role` element (or as `element`); `label`: its bullet's
        element."""
        lang = getattr(text, "lang", None) or None
        base = self.fallback[style] if lang and self.fallback else self.s[style]
        tags = TextTags(element or self.element(role), label)
        return TextBlock(self.spans(text, style), base, lang=lang, tags=tags, **kwargs)

    def item(self, text: str, style: str = "body", **kwargs) -> TextBlock:
        """A bulleted list item: the bullet is its label (Lbl), the text its body (LBody)."""
        with self.under(self.element("LI")):
            label = self.element("Lbl")
            return self.tb(text, style, "LBody", label=label, bullet="•", **kwargs)

    def table(self, rows, widths, *commands, kind=Table) -> Table:
        """A layout table: no padding, top-aligned, and our font (reportlab's default cell
        font is Helvetica, which would be referenced in the PDF without being embedded). What
        the table draws itself (boxes, rules, backgrounds) is an artifact."""
        draws = any(isinstance(cell, str) for row in rows for cell in row) or any(
            command[0] not in _LAYOUT_ONLY for command in commands
        )
        # reportlab calls any callable renderCB; its stub asks for a TableRenderCB object.
        callback: Any = table_artifacts if draws else None
        table = kind(rows, colWidths=widths, renderCB=callback)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), self.s.body.font_name, 10),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    *commands,
                ]
            )
        )
        return table

    def flowables(self, blocks) -> list[Flowable]:
        result: list[Flowable] = []
        blocks = list(blocks)
        index = 0
        while index < len(blocks):
            block = blocks[index]
            made = self.DISPATCH[type(block)](self, block)
            index += 1
            if _overtaken(block):
                # The text sections after the box may fill the page before it.
                units = []
                while index < len(blocks) and _text_section(blocks[index]):
                    units.append(self.DISPATCH[type(blocks[index])](self, blocks[index]))
                    index += 1
                if units:
                    made = [Overtaken(made, units, _first_alert(block).overtaken_freely)]
            result.extend(made)
        return result

    # -- blocks -------------------------------------------------------------------------------
    def title(self, b: d.Title):
        out = [self.tb(b.text, "title", "H1", space_after=2)]
        if b.subtitle:
            out.append(self.tb(b.subtitle, "body", space_after=2))
        return out

    def heading(self, b: d.Heading):
        self.section_marked = False  # a new section: its fallback text is marked
        self.section_continued = b.continued  # atop its list where the list continues
        block = self.tb(
            b.text, "heading", "H2", space_before=self.s.body.size * self.style.page.section_gap
        )
        block.keepWithNext = True
        return [block]

    def continued_heading(self, text: str) -> Callable[[], Flowable]:
        """What stands atop a section's list continued in the next column or on the next page:
        its heading again with "(continued)", a running artifact (read once, where the heading
        first stands)."""

        def make() -> Running:
            block = TextBlock(self.spans(text, "strong"), self.s.strong)
            again = Running([block])
            again.keepWithNext = True  # never alone at a column's foot
            return again

        return make

    def paragraph(self, b: d.Paragraph):
        return [
            self.tb(
                b.text, "muted" if b.muted else "body", space_after=self.style.page.paragraph_gap
            )
        ]

    def bullets(self, b: d.Bullets):
        with self.under(self.element("L")):
            items = [self.item(item, space_after=self.style.page.bullet_gap) for item in b.items]
        if self.section_continued:
            self.continues(items, self.continued_heading(self.section_continued))
            if len(items) > 1:  # a heading never ends a page with one item of its list
                items[0].keepWithNext = True
        self.section_continued = ""
        return items

    def continues(
        self,
        items: Sequence[Flowable],
        again: Callable[[], Flowable],
        headed: bool = True,
    ) -> None:
        """`items` (a list's) continued at the top of a column or page have `again` (their
        heading "(continued)", continued_heading) over them there; `headed`: the first item
        stands right under the heading itself (a point legend's stands under the views)."""
        for index, item in enumerate(items):
            opens = headed and index == 0
            item.heading_again, item.opens = again, opens  # type: ignore[attr-defined]
        if len(items) > 2:  # nor does a list go on under it again with its last item alone
            items[-2].keepWithNext = True
        self.lists.append((items, again))

    def relax(self, level: int) -> None:
        """Layout rules a document cannot afford, given up (on flowables whose keepWithNext
        is as made): 1, a list may go on in the next column or page with its last item alone;
        2, a heading may end a page or column with one item of its list; 3, a list continued
        there has no heading "(continued)" either."""
        for items, again in self.lists:
            if level >= 1 and len(items) > 2:
                items[-2].keepWithNext = False
            if level >= 2:
                items[0].keepWithNext = False
            for item in items:
                item.heading_again = again if level < 3 else None

    def columns(self, b: d.Columns):
        left, right = self.flowables(b.left), self.flowables(b.right)
        page = self.style.page
        if page.columns < 2:
            return [*left, *right]  # large print: one column, nothing to track across
        half = (self.width - page.column_gap) / 2
        return [SideBySide(left, right, (half, half), page.column_gap)]

    def alert(self, b: d.Alert):
        self.section_marked = False
        a, tint = self.style.alert, Color(*self.style.colors.tint)
        inner_width = self.width - 2 * a.padding
        sign = WarningSign(a.pictogram, a.pictogram_stroke)
        sign_width = sign.wrap(0, 0)[0] + self.s.body.size * 0.6
        section = self.element("Sect")  # the box is a section; its sign, decoration
        with self.under(section):
            heading = self.table(
                [[sign, self.tb(b.heading, "heading", "H2")]],
                [sign_width, inner_width - sign_width],
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            )
            # One row per item, so that a long box may continue on the next page instead of
            # leaving a gap (or moving the warning overleaf); a heading or lead-in always stays
            # with the items after it.
            rows: list[list] = []
            cell: list[Flowable] = [heading, Spacer(1, 2)]
            # Parts led in by a sentence: their first and last rows, their lead-in again.
            led: list[tuple[int, int, Flowable]] = []
            for lead, items in b.parts:
                if lead:
                    cell.append(self.tb(lead, "strong", space_before=3))
                    if len(items) > 1:
                        repeated = TextBlock(self.spans(lead, "strong"), self.s.strong)
                        last = len(rows) + len(items) - 1
                        led.append((len(rows), last, Running([Spacer(1, 3), repeated])))
                with self.under(self.element("L")):
                    for item in items:
                        rows.append(
                            [[*cell, self.item(item, space_after=self.style.page.bullet_gap)]]
                        )
                        cell = []
                if cell and lead and not items:
                    rows.append([cell])
                    cell = []
            if cell:
                rows.append([cell])
        # A lead-in keeps two of its signs (AlertBox.leads: where its part continues on the
        # next page, the lead-in stands there again).
        together = [("NOSPLIT", (0, first), (-1, first + 1)) for first, _, _ in led]
        box = self.table(
            rows,
            [self.width],
            ("BOX", (0, 0), (-1, -1), a.border, black),
            ("BACKGROUND", (0, 0), (-1, -1), tint),
            ("LEFTPADDING", (0, 0), (-1, -1), a.padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), a.padding),
            ("TOPPADDING", (0, 0), (-1, 0), a.padding_top + self.ruby_pad),
            ("BOTTOMPADDING", (0, -1), (-1, -1), a.padding_bottom),
            # Each piece of a box split across pages is closed too.
            ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), a.border, black),
            ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), a.border, black),
            *together,
            kind=AlertBox,
        )
        assert isinstance(box, AlertBox)
        box.leads = led
        if b.continued:  # atop the part continued on the next page: the heading again
            again = self.table(
                [
                    [
                        WarningSign(a.pictogram, a.pictogram_stroke, marked=False),
                        TextBlock(self.spans(b.continued, "heading"), self.s.heading),
                    ]
                ],
                [sign_width, inner_width - sign_width],
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            )
            box.continued = Running([Spacer(1, a.padding_top + self.ruby_pad), again, Spacer(1, 2)])
        box.spaceBefore = self.s.body.size * self.style.page.section_gap
        return [box]

    def fields(self, b: d.Fields):
        f, page = self.style.fields, self.style.page
        rule = Color(*self.style.colors.rule)
        frame = [
            ("BOX", (0, 0), (-1, -1), f.border, black),
            ("LINEBELOW", (0, 0), (-1, -2), f.rule, rule),
            ("LEFTPADDING", (0, 0), (-1, -1), f.padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), f.padding),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5 + self.ruby_pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        # A list of label/value pairs, in the order they are read: the details, the appointment
        # (first when it stands above them), the note.
        first = bool(b.appointment) and not (page.columns >= 2 and b.rows)
        with self.under(self.element("L")):
            items = [
                self.element("LI") for _ in range(len(b.rows) + bool(b.appointment) + bool(b.note))
            ]
        appointment = items.pop(0 if first else len(b.rows)) if b.appointment else None
        cells = [self.tb_lead(label, value, item) for (label, value), item in zip(b.rows, items)]
        note = [self.tb_lead(*b.note, items[-1])] if b.note else []
        out: list[Flowable] = []
        if b.appointment and appointment is not None and page.columns >= 2 and cells:
            # Details on the left, the next appointment beside them, the note underneath.
            left = self.width * 0.56
            details = self.table([[c] for c in cells], [left], *frame)
            box = self.appointment(*b.appointment, self.width - left - page.column_gap, appointment)
            out.append(
                self.table(
                    [[details, "", box]],
                    [left, page.column_gap, self.width - left - page.column_gap],
                )
            )
            if note:
                out += [Spacer(1, 3), self.table([note], [self.width], *frame)]
            return [*out, Spacer(1, 4)]
        if b.appointment and appointment is not None:
            out += [self.appointment(*b.appointment, self.width, appointment), Spacer(1, 4)]
        if page.columns >= 2:
            rows: list[list[Any]] = [cells[i : i + 2] for i in range(0, len(cells), 2)]
            rows = [row + [""] * (2 - len(row)) for row in rows] + ([[note[0], ""]] if note else [])
            spans = [("SPAN", (0, len(rows) - 1), (1, len(rows) - 1))] if note else []
            widths = [self.width * 0.42, self.width * 0.58]
        else:  # large print: one field per row
            rows, spans, widths = [[c] for c in [*cells, *note]], [], [self.width]
        if rows:
            out.append(self.table(rows, widths, *frame, *spans))
        return [*out, Spacer(1, 4)]

    def appointment(self, label: str, when: str, width: float, item: Element) -> Table:
        """The next appointment in a heavy frame, its date and time large."""
        f = self.style.fields
        parts = [
            self.tb(label, "strong", element=item.add("Lbl")),
            self.tb(when, "appointment", element=item.add("LBody")),
        ]
        return self.table(
            [[parts]],
            [width],
            ("BOX", (0, 0), (-1, -1), f.border * 2.5, black),
            ("LEFTPADDING", (0, 0), (-1, -1), f.padding * 1.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), f.padding * 1.5),
            ("TOPPADDING", (0, 0), (-1, -1), 4 + self.ruby_pad),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        )

    def tb_lead(self, label: str, value: str, item: Element) -> TextBlock:
        """A bold label run in with its value: "Patient  Hanako Testperson" (the list item's
        label and body)."""
        spans = [
            self.ruby_span(label, self.s.strong, True),
            (" ", self.s.body, False),
            *self.spans(value, "body"),
        ]
        label_element, body = item.add("Lbl"), item.add("LBody")
        marks = [label_element, *[None] * (len(spans) - 1)]
        return TextBlock(spans, self.s.body, tags=TextTags(body, marks=marks))

    def fill_in(self, b: d.FillIn):
        f, page = self.style.fill_in, self.style.page
        color = Color(*self.style.colors.rule)
        labels = list(b.labels)
        labels_element = self.element("P")  # the labels; the lines to write on: artifacts
        style = self.s.fill_in
        readings, share, fonts = readings_of(self.doc)
        if readings is not None:  # the labels with their furigana
            labels, style = ruby_texts(readings, labels, style, share, fonts)
        # The first (a name) needs twice the room to write of the others.
        weights = [2.0] + [1.0] * (len(labels) - 1)
        rows = [
            FillInRow(
                [labels[i] for i in row],
                style,
                f.height,
                f.line,
                color,
                page.column_gap,
                labels_element,
                [weights[i] for i in row],
            )
            for row in fill_in_rows(
                [style.width(label) for label in labels],
                weights,
                self.width,
                f.blank,
                page.column_gap,
                style.size,
            )
        ]
        return [*rows, Spacer(1, 4)]

    def memo(self, b: d.Memo):
        """The writing area, offered before every large block that cannot break (a figure,
        the red-flag box) and at the end: it takes the first place where it fills a gap."""
        self.memo_heading, self.memo_optional = b.heading, b.optional
        # Read where the document puts it, wherever it floats to on the page.
        self.memo_element = self.element("H2")
        return [_MemoMark()]

    def offer_memo(self, flowables: list[Flowable]) -> list[Flowable]:
        if not any(isinstance(f, _MemoMark) for f in flowables):
            return flowables
        m = self.style.memo
        placement = Placement()
        self.placements.append(placement)

        def area(last: bool, before):
            spans = self.shared_spans(self.memo_heading, "strong")
            # With the other language's furigana, its lines need their room too.
            heading = TextBlock(
                spans,
                getattr(spans[0][1], "base", self.s.strong),
                tags=TextTags(self.memo_element),
                space_before=self.s.body.size * self.style.page.section_gap,
            )
            return MemoArea(
                heading,
                m.lines,
                m.line_gap,
                m.line,
                Color(*self.style.colors.rule),
                m.max_lines,
                placement,
                last,
                before,
            )

        result: list[Flowable] = []
        for index, flowable in enumerate(flowables):
            if isinstance(flowable, _MemoMark):
                result.append(area(not self.memo_optional, None))
                continue
            follows = getattr(flowable, "figure_follows", None)  # a figure's lead-in
            if follows is not None:
                result.append(area(False, follows))
            elif (
                isinstance(flowable, (KeepTogether, Table))
                # Never before the red-flag box: a page of blank lines ahead of it reads as a
                # form and delays the warning (Japanese reviewers). The box begins on the page
                # begun and continues on the next.
                and not isinstance(flowable, AlertBox)
                and index > 0
                and not getattr(flowable, "within_figure", False)
            ):
                result.append(area(False, flowable))
            result.append(flowable)
        return result

    def points(self, b: d.PointsFigure):
        return figure.flowables(self, b)

    # -- a bilingual edition ----------------------------------------------------------------------
    def narrow(self, width: float) -> _Renderer:
        """The same language laid out in `width` (one side of a bilingual section)."""
        twin = copy.copy(self)
        twin.width = width
        return twin

    def parallel(self, b: d.Parallel):
        return bilingual.parallel(self, self.partner, b)

    DISPATCH: dict[type, Callable[..., list[Flowable]]] = {
        d.Title: title,
        d.Heading: heading,
        d.Paragraph: paragraph,
        d.Bullets: bullets,
        d.Columns: columns,
        d.Alert: alert,
        d.Fields: fields,
        d.PointsFigure: points,
        d.FillIn: fill_in,
        d.Memo: memo,
        d.Parallel: parallel,
    }


def _first_alert(block):
    """A block, or a bilingual section's first language's."""
    return block.first[0] if isinstance(block, d.Parallel) else block


def _overtaken(block) -> bool:
    """A red-flag box (or a bilingual section of two) that text may go ahead of."""
    first = _first_alert(block)
    return isinstance(first, d.Alert) and first.overtaken


def _text_section(block) -> bool:
    """A heading, paragraph or list (a bilingual section of them: a list of the two columns
    has one of its own): text that may go ahead."""
    inner = [*block.first, *block.second] if isinstance(block, d.Parallel) else [block]
    return all(isinstance(b, (d.Heading, d.Paragraph, d.Bullets)) for b in inner)


class Overtaken(Flowable):
    """A box (`lead`: its flowables) and the text sections after it (`units`: each section's
    flowables). Where the box cannot begin on the page begun (its kept part does not fit), the
    sections that fit there may go first (`ahead`), whole, and the box follows at the top of
    the next page; else the box begins the next page, the writing area offered before it
    (render: the text goes ahead only where that saves the document a page, or `freely`). Two
    boxes (a bilingual edition's, one after the other): where the first fits, the text may go
    ahead of the second."""

    def __init__(
        self,
        lead: list[Flowable],
        units: list[list[Flowable]],
        freely: bool = False,
        origin: Overtaken | None = None,
    ):
        super().__init__()
        self.lead, self.units = lead, units
        self.ahead = False  # the text sections may go ahead of the box
        self.passed = False  # in this layout, they could have (and did if `ahead`)
        # They go ahead of a second box (the first read) wherever they can without adding a
        # page (render: _text_ahead), not only where that saves one.
        self.freely = freely
        self.ahead_of: set[int] = set()  # in this layout, the boxes they went ahead of
        # Two boxes one after the other (a bilingual edition's): the text may go ahead of the
        # second where the first fits; `origin` is the whole, whose flags count.
        self.origin = origin or self
        # What it holds, for _layout_marks (reportlab marks them as it lays them out).
        self._content = [*lead, *(f for unit in units for f in unit)]

    def wrap(self, avail_width, avail_height):
        return avail_width, avail_height + 1  # never placed whole: split at once

    def split(self, avail_width, avail_height):
        rest = [f for unit in self.units for f in unit]
        first = self.lead[0]
        canvas = self.canv  # set by splitOn: a KeepTogether measures on it
        # What comes first must fit where it is split, with its space before as the frame
        # adds it (none atop a page; less the space after the flowable before it).
        frame = getattr(self, "_frame", None)
        space = 0.0
        if frame is not None and not frame._atTop:
            space = first.getSpaceBefore()
            if frame._oASpace:
                space = max(space - frame._prevASpace, 0.0)
        room = avail_height - space
        if first.wrapOn(canvas, avail_width, room)[1] <= room:
            if len(self.lead) > 1 and self.freely:  # the next box measured where it begins
                return [first, Overtaken(self.lead[1:], self.units, True, self.origin)]
            return [*self.lead, *rest]
        # (A KeepTogether that does not fit "splits" into a page break and itself: the box
        # does not begin here.)
        parts = [] if isinstance(first, KeepTogether) else first.splitOn(canvas, avail_width, room)
        if parts:  # the box begins here (what comes first must fit where it is split)
            return [*parts, *self.lead[1:], *rest]
        taken: list[Flowable] = []
        used = 0.0
        for unit in self.units:
            need = sum(
                f.wrapOn(canvas, avail_width, 1e9)[1]
                + f.getSpaceAfter()
                + (f.getSpaceBefore() if taken or index else 0)
                for index, f in enumerate(unit)
            )
            if used + need > avail_height:
                break
            taken += unit
            used += need
        if not taken:
            return []  # the box on the next page, the text after it
        self.origin.passed = True
        if not self.origin.ahead:
            return []
        self.origin.ahead_of.add(len(self.origin.lead) - len(self.lead))
        return [*taken, *self.lead, *rest[len(taken) :]]

    def elastic_parts(self) -> list:
        return []

    def draw(self):  # pragma: no cover - always split before it is drawn
        pass


def fill_in_rows(
    widths: list[float], weights: list[float], width: float, blank: float, gap: float, size: float
) -> list[list[int]]:
    """Which labels (their indexes) share each row of fill-in lines: as many as leave each
    label its shortest line to write on (`blank` x its weight) after it; the rest go on the
    next row (two languages' labels are long)."""
    rows: list[list[int]] = []
    used = 0.0
    for index, (label, weight) in enumerate(zip(widths, weights)):
        need = label + FillInRow.pad(size) + blank * weight
        if rows and used + gap + need <= width:
            rows[-1].append(index)
            used += gap + need
        else:
            rows.append([index])
            used = need
    return rows


# -- layout ------------------------------------------------------------------------------------
def _elastic_parts(flowable) -> list:
    """The elastic elements inside a flowable (itself, or those a container holds)."""
    if getattr(flowable, "elastic", 0):
        return [flowable]
    inner = getattr(flowable, "elastic_parts", None)
    if inner is not None:
        return inner()
    content = getattr(flowable, "_content", None)  # KeepTogether
    if content:
        return [part for item in content for part in _elastic_parts(item)]
    return []


class _Template(BaseDocTemplate):
    """Records, per page, the elastic elements placed there and the room left at the bottom."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.placed: dict[int, list] = {}
        self.free: dict[int, float] = {}

    def afterFlowable(self, flowable):
        parts = _elastic_parts(flowable)
        if parts:
            self.placed.setdefault(self.page, []).extend(parts)

    def afterPage(self):
        frame = self.frame
        self.free[self.page] = frame._y - frame._y1p

    def handle_flowable(self, flowables):
        # A list continued at the top of a page: its section's heading "(continued)" first.
        frame = getattr(self, "frame", None)
        again = continues(flowables[0]) if flowables and frame is not None else None
        if again is not None and frame._atTop:
            flowables.insert(0, again())
        super().handle_flowable(flowables)


class _DraftCanvas(Canvas):
    """Layout only: pages are laid out, never drawn or written (our flowables skip their
    drawing when they see `draft`; reportlab's own draw into nothing)."""

    draft = True

    def showPage(self):
        self._code = []
        self._pageNumber += 1

    def save(self):
        pass

    def _nothing(self, *args, **kwargs):
        pass

    drawString = drawCentredString = drawRightString = drawText = addLiteral = _nothing
    circle = ellipse = line = lines = rect = roundRect = wedge = drawPath = _nothing


def _numbered_canvas(draw_furniture, tree: StructureTree, title: str):
    """A canvas that draws header and footer after layout, when the page count is known, and
    ends the document with its structure tree."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []
            tree.attach(self)

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_furniture(self, number, total)
                Canvas.showPage(self)
            tree.finish(self, title)
            Canvas.save(self)

    return NumberedCanvas


def count_pages(
    doc: d.Document,
    style: Style,
    fallback_style: Style | None = None,
    second_style: Style | None = None,
) -> int:
    """The page count render() would give, from its draft layout alone (check's page
    budgets): nothing drawn, no header, footer or PDF file."""
    return render(doc, style, fallback_style, pages_only=True, second_style=second_style)[1]


def render(
    doc: d.Document,
    style: Style,
    fallback_style: Style | None = None,
    pages_only: bool = False,
    second_style: Style | None = None,
) -> tuple[bytes, int]:
    """Lay out and draw the document in its style (text that fell back to the source language
    in that language's style); returns the PDF bytes and the page count."""
    page = style.page
    styles = Styles(style, doc.typography)
    fallback = (
        Styles(fallback_style or style, doc.fallback_typography)
        if doc.fallback_typography
        else None
    )
    second = (
        Styles(second_style or style, doc.second_typography or doc.typography)
        if doc.second
        else None
    )
    footer = furniture.layout_footer(doc, styles, style, second)
    frame_bottom = page.margin_bottom + footer.height + style.footer.body_gap
    frame_top = page.height - page.margin_top - furniture.header_height(styles, style, doc)
    width = page.width - page.margin_left - page.margin_right
    renderer = _Renderer(doc, styles, width, fallback, frame_top - frame_bottom)
    if second is not None:  # the second language's renderer: the same pages, the same tree
        partner = _Renderer(doc, second, width, fallback, frame_top - frame_bottom, doc.second)
        partner.placements, partner.tags = renderer.placements, renderer.tags
        partner.lists = renderer.lists
        renderer.partner = partner
    letterhead = renderer.element("P")  # the clinic's name atop the first page, read first
    flowables = renderer.offer_memo(renderer.flowables(doc.blocks))
    contact = furniture.declare(renderer.tags.document, doc, letterhead)  # read last

    def template(buffer) -> _Template:
        frame = Frame(
            page.margin_left,
            frame_bottom,
            width,
            frame_top - frame_bottom,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        result = _Template(
            buffer,
            pagesize=(page.width, page.height),
            title=doc.title,
            author=doc.author,
            subject=doc.subject,
            keywords=doc.keywords,
            creator="handouts",
            producer="handouts",
            lang=doc.lang,
            initialFontName=styles.body.font_name,
            invariant=1,
            leftMargin=page.margin_left,
            rightMargin=page.margin_right,
            topMargin=page.margin_top,
            bottomMargin=page.margin_bottom,
        )
        result.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        return result

    def draw_furniture(canvas, number, total):
        furniture.draw_page(canvas, doc, styles, style, footer, number, total, contact)

    try:
        marks = _layout_marks(flowables)
        draft = template(io.BytesIO())
        draft.build(list(flowables), canvasmaker=_DraftCanvas)
        draft = _text_ahead(draft, marks, renderer, flowables, template)
        budget = doc.page_budget * page.budget_factor
        draft, marks = _relaxed(draft, marks, renderer, flowables, template, budget)
        if pages_only:
            return b"", draft.page
        if doc.kind == "aftercare":
            draft = _taller_views(
                draft, flowables, template, marks, renderer.placements, frame_top - frame_bottom
            )
        _grow(draft)
        _restore(marks)
        for placement in renderer.placements:
            placement.settle()
        buffer = io.BytesIO()
        final = template(buffer)
        final.build(
            list(flowables), canvasmaker=_numbered_canvas(draw_furniture, renderer.tags, doc.title)
        )
    except LayoutError:
        # A single block taller than a whole page (e.g. an enormous note).
        raise HandoutsError(
            f"{doc.lang} {doc.kind} '{doc.title}': a block is taller than a page; shorten the text"
        ) from None
    if final.page != draft.page:  # growing only fills free space: a bug if it moved a page
        raise HandoutsError(
            f"{doc.lang} {doc.kind}: the layout changed when views grew "
            f"({draft.page} -> {final.page} pages)"
        )
    return buffer.getvalue(), final.page


def _text_ahead(draft: _Template, marks, renderer, flowables, template) -> _Template:
    """The red-flag box right where the document puts it (after the title), the rest of its
    page left to the writing area, unless letting the text after it go ahead (Overtaken)
    saves the document a page, or costs it none where the box lets it go ahead `freely` and
    it went ahead of a second box only (an aftercare sheet's second language's, where nothing
    else would fill the page's foot: the first box is still read first): then that layout's
    draft."""
    boxes = [f for f in flowables if isinstance(f, Overtaken)]
    if not any(box.passed for box in boxes):
        return draft
    ahead = _draft_ahead(True, boxes, marks, renderer, flowables, template)
    if ahead.page < draft.page or (
        ahead.page == draft.page and all(box.freely and 0 not in box.ahead_of for box in boxes)
    ):
        return ahead
    return _draft_ahead(False, boxes, marks, renderer, flowables, template)


def _draft_ahead(ahead: bool, boxes, marks, renderer, flowables, template) -> _Template:
    _restore(marks)
    for placement in renderer.placements:
        placement.taken_by = None
    for box in boxes:
        box.ahead, box.passed, box.ahead_of = ahead, False, set()
    draft = template(io.BytesIO())
    draft.build(list(flowables), canvasmaker=_DraftCanvas)
    return draft


# Layout rules a document may give up (_Renderer.relax: 0 keeps them all, 3 none), when they
# send it over its page budget (each try is one more draft layout).
RELAXED = 3


def _relaxed(draft: _Template, marks, renderer, flowables, template, budget: int):
    """The draft (and its layout marks) at the first level of relaxed layout rules
    (_Renderer.relax) that keeps the document within `budget` (a list's last two items
    together, a heading kept with two items, a list's heading again where it continues): the
    rules kept wherever the budget allows, even at the cost of a page (a heading or a list that
    a reader cannot place costs more)."""
    if draft.page <= budget:
        return draft, marks
    strict = marks  # the flowables' own marks: every level starts from them
    drafts = {0: (draft, marks)}
    last = 0  # the level whose layout the flowables hold

    def pages(level: int) -> int:
        nonlocal last
        if level not in drafts:
            drafts[level] = _draft_relaxed(level, strict, renderer, flowables, template)
            last = level
        return drafts[level][0].page

    level = next(n for n in range(RELAXED + 1) if pages(n) <= budget or n == RELAXED)
    if level != last:  # the flowables must hold the chosen layout (a writing area's place)
        drafts[level] = _draft_relaxed(level, strict, renderer, flowables, template)
    return drafts[level]


def _draft_relaxed(level: int, strict, renderer, flowables, template):
    """A draft layout with the rules relaxed to `level`, and its layout marks."""
    _restore(strict)
    for placement in renderer.placements:
        placement.taken_by = None
    renderer.relax(level)
    marks = _layout_marks(flowables)
    draft = template(io.BytesIO())
    draft.build(list(flowables), canvasmaker=_DraftCanvas)
    return draft, marks


def _layout_marks(flowables, found=None) -> list:
    """The attributes reportlab changes on flowables while laying them out (it clears
    keepWithNext once it has grouped a heading with what follows, and marks a flowable that
    did not fit with _postponed): taken before the draft layout, restored after it."""
    found = [] if found is None else found
    for flowable in flowables:
        found.append((flowable, flowable.__dict__.get("keepWithNext", _MISSING)))
        _layout_marks(getattr(flowable, "_content", None) or (), found)
        for column in getattr(flowable, "columns", ()):
            _layout_marks(column, found)
    return found


_MISSING = object()


def _restore(marks: list) -> None:
    for flowable, keep in marks:
        flowable.__dict__.pop("_postponed", None)
        if keep is _MISSING:
            flowable.__dict__.pop("keepWithNext", None)
        else:
            flowable.__dict__["keepWithNext"] = keep


# A personal sheet's views grow into a later page's room when that page is at least this
# share empty (each try is one more draft layout).
ROOM_TO_GROW = 0.2
TRIES = 4


def _taller_views(
    draft: _Template, flowables, template, marks, placements, frame: float
) -> _Template:
    """A personal sheet's body views, laid out at their smallest, may leave its last page half
    empty while the page they are on has no room to grow them (_grow only fills the room of
    their own page): set them taller, as long as the sheet keeps its page count (what follows
    them moves on into the empty room). Returns the draft of the chosen height."""
    rows = [
        part for parts in draft.placed.values() for part in parts if isinstance(part, DiagramRow)
    ]
    room = draft.free.get(draft.page, 0.0)
    if not rows or room < ROOM_TO_GROW * frame:
        return draft
    smallest = rows[0].view_height
    ceiling = max(row.d.max_height for row in rows)
    pages, height, last = draft.page, smallest, draft
    step = min(room / len({id(r) for r in rows}), ceiling - smallest)
    for _ in range(TRIES):
        if step < 1.0:
            break
        last = _draft_at(height + step, rows, flowables, template, marks, placements)
        if last.page <= pages:
            height = height + step
            if all(row.first_height is not None and row.first_height < height for row in rows):
                # Each row's first wrap capped the height to its width: every later try (all
                # taller) wraps each row to the same height, so lays out exactly this draft,
                # keeps the page count, and the search would end by drafting it once more.
                return last
        step /= 2
    if last.page <= pages and rows[0].view_height == height:
        return last
    # The draft whose layout the flowables (and the writing area's place) now hold must be
    # the chosen one.
    return _draft_at(height, rows, flowables, template, marks, placements)


def _draft_at(height: float, rows, flowables, template, marks, placements) -> _Template:
    """A draft layout with the body views `height` tall."""
    for row in rows:
        row.view_height, row.first_height = max(height, row.least), None
    for placement in placements:
        placement.taken_by = None
    _restore(marks)
    draft = template(io.BytesIO())
    draft.build(list(flowables), canvasmaker=_DraftCanvas)
    return draft


def _grow(draft: _Template) -> bool:
    """Give each page's free space to its elastic elements, lower `elastic` first (the body
    views before the writing lines). Returns whether anything grew."""
    grew = False
    for number, parts in draft.placed.items():
        free = draft.free.get(number, 0.0) - 1.0  # keep a point for rounding
        for part in sorted(parts, key=lambda p: p.elastic):
            if free <= 0:
                break
            used = part.grow(free)
            free -= used
            grew = grew or used > 0
    return grew
