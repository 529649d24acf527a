"""Document blocks -> PDF bytes: page template, styles from the language's typography, dispatch."""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether,
                                PageTemplate, Spacer, Table, TableStyle)

from handouts import document as d
from handouts.errors import HandoutsError
from handouts.linebreak import BreakRules, wrap
from handouts.render import bilingual, qr
from handouts.render.columns import SideBySide
from handouts.render.diagram import DiagramRow, label_radius
from handouts.render.fonts import family
from handouts.render.ruby import ruby_room, ruby_text
from handouts.render.text import TextBlock, TextStyle

rl_config.invariant = 1          # byte-identical output: fixed IDs, dates from SOURCE_DATE_EPOCH
rl_config.useA85 = 0             # binary streams: smaller files, and no slow pure-Python encoding

PAPER = {"a4": A4, "letter": LETTER}
# Letter is 6% shorter than A4: its lines are set a little closer so the same text fits.
LEADING = {"a4": 1.0, "letter": 0.96}
MUTED = Color(0.25, 0.25, 0.25)
RULE = Color(0.35, 0.35, 0.35)
TINT = Color(0.93, 0.93, 0.93)
MARGIN = 15 * mm          # left and right: office printers keep 5 mm or more
TOP = 8 * mm              # office printers keep 5 mm or more
BOTTOM = 6.5 * mm
QR_SIZE = 20 * mm         # the smallest size that still scans easily from paper
QUIET_ZONE = 3 * mm       # nothing is drawn this close to a QR code (4 modules and more)
CAPTION_GAP = 1.5 * mm    # captions sit just under their code


@dataclass
class Styles:
    """Every text style of a document, derived from the language's typography data."""

    body: TextStyle
    muted: TextStyle
    strong: TextStyle
    heading: TextStyle
    title: TextStyle
    label: TextStyle
    small: TextStyle
    small_bold: TextStyle
    number: TextStyle
    contact: TextStyle        # footer phone and email: never the smallest text on the page
    contact_bold: TextStyle
    scale: float = 1.0

    @classmethod
    def for_typography(cls, t: d.Typography, scale: float = 1.0,
                       leading: float = 1.0) -> Styles:
        fonts = family(t.font)
        rules = BreakRules(t.words, frozenset(t.no_line_start), frozenset(t.no_line_end), t.units)

        def style(factor: float, bold: bool = False, color: Color = black,
                  grow: float = scale) -> TextStyle:
            s = t.body_size * factor * grow
            above = ruby_room(fonts, s, t.leading * leading, t.ruby)
            return TextStyle(fonts, s, s * t.leading * leading + above, rules, bold, color, above)

        # Large print enlarges the reading text fully; footer, captions and marker numbers a
        # little, so that the fixed parts of the page (QR codes, diagrams) keep their place.
        small = min(scale, 1.2)

        return cls(body=style(1), muted=style(1, color=MUTED), strong=style(1, True),
                   heading=style(1.2, True), title=style(1.7, True), label=style(1, color=MUTED),
                   small=style(10 / 12, grow=small), small_bold=style(10 / 12, True, grow=small),
                   number=style(9 / 12, True), contact=style(1, grow=small),
                   contact_bold=style(1, True, grow=small), scale=scale)


class _Renderer:
    def __init__(self, doc: d.Document, styles: Styles, width: float, fallback: Styles | None,
                 height: float = 1e9, lang: str | None = None):
        self.doc, self.s, self.width, self.fallback = doc, styles, width, fallback
        self.lang = lang or doc.lang
        self.typography = (doc.second_typography if self.lang != doc.lang else doc.typography)
        self.readings = doc.ruby.get(self.lang)     # furigana: text -> readings
        self.ruby_share = self.typography.ruby
        self.partner: _Renderer | None = None       # a bilingual edition's second language
        self.height = height      # of the page's text frame
        # Sentences run on with a space in languages that break at spaces, directly otherwise.
        self.joiner = " " if styles.body.rules.words else ""

    def tb(self, text: str, style: str, **kwargs) -> TextBlock:
        """A text block in the named style; text that fell back to the source language is set
        in that language's typography (its font, leading and line breaking)."""
        styles = self.fallback if isinstance(text, d.Fallback) and self.fallback else self.s
        text_style = getattr(styles, style)
        if self.readings is not None and not isinstance(text, d.Fallback):
            lead = kwargs.get("lead")
            kwargs["ruby"] = ruby_text(self.readings, text, text_style, self.ruby_share)
            kwargs["lead_ruby"] = lead and ruby_text(self.readings, *lead, self.ruby_share)
        return TextBlock(text, text_style, **kwargs)

    def table(self, rows, widths, *commands) -> Table:
        """A layout table: no padding, top-aligned, and our font (reportlab's default cell
        font is Helvetica, which would be referenced in the PDF without being embedded)."""
        table = Table(rows, colWidths=widths)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), self.s.body.font_name, 10),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0), *commands]))
        return table

    def narrow(self, width: float) -> _Renderer:
        """The same language laid out in `width` (one side of a bilingual section)."""
        twin = copy.copy(self)
        twin.width = width
        return twin

    def parallel(self, b: d.Parallel):
        return bilingual.parallel(self, self.partner, b)

    def flowables(self, blocks) -> list[Flowable]:
        result: list[Flowable] = []
        for block in blocks:
            result.extend(self.DISPATCH[type(block)](self, block))
        return result

    def title(self, b: d.Title):
        out = [self.tb(b.text, "title", space_after=2)]
        if b.subtitle:
            out.append(self.tb(b.subtitle, "body", space_after=2))
        return out

    def heading(self, b: d.Heading):
        block = self.tb(b.text, "heading", space_before=self.s.body.size * 0.35)
        block.keepWithNext = True
        return [block]

    def paragraph(self, b: d.Paragraph):
        return [self.tb(b.text, "muted" if b.muted else "body", space_after=3)]

    def bullets(self, b: d.Bullets):
        return [self.tb(item, "body", bullet="•", space_after=1) for item in b.items]

    def columns(self, b: d.Columns):
        half = (self.width - 6 * mm) / 2
        return [SideBySide(self.flowables(b.left), self.flowables(b.right), (half, half), 6 * mm)]

    def alert(self, b: d.Alert):
        # One row per line item, so that a long box may continue on the next page instead of
        # leaving a gap; a heading or lead-in always stays with the item after it, and the
        # first part (the urgent signs) stays in one piece unless it would leave half a page
        # empty (large print).
        rows: list[list[Flowable]] = []
        cell: list[Flowable] = [self.tb("! " + b.heading, "heading", space_after=2)]
        first_part_rows = 0
        for index, (lead, items) in enumerate(b.parts):
            if lead:
                cell.append(self.tb(lead, "strong", space_before=2))
            for item in items:
                rows.append([[*cell, self.tb(item, "body", bullet="•")]])
                cell = []
            if cell and not items and lead:
                rows.append([cell])
                cell = []
            if index == 0:
                first_part_rows = len(rows)
        if cell:
            rows.append([cell])
        first_part = sum(f.wrap(self.width - 16, 1e9)[1] + f.getSpaceBefore()
                         for row in rows[:first_part_rows] for f in row[0])
        keep = ([("NOSPLIT", (0, 0), (-1, first_part_rows - 1))]
                if first_part_rows > 1 and first_part < 0.4 * self.height else [])
        box = self.table(rows, [self.width],
                         ("BOX", (0, 0), (-1, -1), 2, black),
                         ("BACKGROUND", (0, 0), (-1, -1), TINT),
                         ("LEFTPADDING", (0, 0), (-1, -1), 8),
                         ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                         ("TOPPADDING", (0, 0), (-1, 0), 4),
                         ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                         # Each piece of a box split across pages is closed too.
                         ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 2, black),
                         ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), 2, black),
                         *keep)
        return [Spacer(1, 6), box]

    def fields(self, b: d.Fields):
        s = self.s
        cells = [[self.tb(value, "body", lead=(label, s.strong))] for label, value in b.rows]
        if len(cells) % 2:
            cells.append([])
        rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]
        spans = []
        if b.note:
            label, text = b.note
            rows.append([[self.tb(text, "body", lead=(label, s.strong))], []])
            spans.append(("SPAN", (0, len(rows) - 1), (1, len(rows) - 1)))
        table = self.table(rows, [self.width * 0.42, self.width * 0.58],
                           ("BOX", (0, 0), (-1, -1), 1, black),
                           ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                           ("LEFTPADDING", (0, 0), (-1, -1), 6),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                           ("TOPPADDING", (0, 0), (-1, -1), 2),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 3), *spans)
        return [Spacer(1, 2), table, Spacer(1, 4)]

    def points(self, b: d.PointsFigure):
        s = self.s
        head = self.heading(d.Heading(b.heading))
        notes = [self.tb(n, "muted", space_before=2) for n in b.notes]
        notes[-1].spaceAfter = 4
        if b.compact:
            # Aftercare: views on the left, a one-line-per-point legend on the right.
            legend_width = self.width * 0.42
            row = DiagramRow(b.views, 40 * mm * s.scale, s.small, s.number)
            legend = [self.legend_entry(e, True, legend_width) for e in b.legend]
            table = self.table([[row, [*legend, *notes]]], [self.width - legend_width, legend_width])
            return [KeepTogether([*head, table])]
        height = 50 * mm * s.scale   # large print: larger pictures too
        row = DiagramRow(b.views, height, s.small, s.number)
        legend = [self.legend_entry(e, False, self.width) for e in b.legend]
        views_width = max(row.natural_width(), self.width * 0.45)
        beside = self.flowables(b.beside)
        if beside and views_width <= self.width * 0.7:
            # Narrow views leave room: put the companion blocks (self-care) to their left.
            table = self.table([[beside, [*head, row, *notes]]],
                               [self.width - views_width - 6 * mm, views_width + 6 * mm],
                               ("LEFTPADDING", (1, 0), (1, 0), 6 * mm))
            return [table, *legend]
        # Wide views: the companion blocks follow the legend, so the pictures start early.
        return [CondPageBreak(height + 60), KeepTogether([*head, row, *notes]), *legend, *beside]

    def legend_entry(self, e: d.LegendEntry, compact: bool, width: float,
                     badge: bool = True) -> Flowable | list[Flowable]:
        """A point's legend entry with its number (`badge`), or its text alone."""
        s = self.s
        name = f"{e.code}  {e.name}" + (f"（{e.reading}）" if e.reading else "")
        if compact:
            lines = [self.tb(name, "strong" if e.emphasis == "highlight" else "body")]
        else:
            # Where, then why, as one paragraph after the bold name: two short sentences.
            parts = [t for t in (e.location, e.why) if t]
            text = self.joiner.join(parts)
            if any(isinstance(t, d.Fallback) for t in parts):
                text = d.Fallback(text)
            lines = [self.tb(text, "body", lead=(name, s.strong))]
        if not badge:
            return lines
        column = self.badge_column()
        return self.table([[self.badge(e), lines]], [column, width - column],
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 0 if compact else 2))

    def badge(self, e: d.LegendEntry) -> Flowable:
        return _Badge(e.number, self.s.number, e.emphasis, self.s.body)

    def badge_column(self) -> float:
        return 2 * label_radius(self.s.number.size) + 2 + 8

    DISPATCH = {d.Title: title, d.Heading: heading, d.Paragraph: paragraph, d.Bullets: bullets,
                d.Columns: columns, d.Alert: alert, d.Fields: fields, d.PointsFigure: points,
                d.Parallel: parallel}


class _Badge(Flowable):
    """The numbered circle of a legend entry, matching the marker on the diagram, centred on
    the first line of the entry's text."""

    def __init__(self, number: int, style: TextStyle, emphasis: str, line: TextStyle):
        super().__init__()
        self.number, self.style, self.emphasis, self.line = number, style, emphasis, line
        self.radius = label_radius(style.size)

    def wrap(self, avail_width, avail_height):
        return 2 * self.radius + 2, self.line.leading

    def draw(self):
        c = self.canv
        filled = self.emphasis == "highlight"
        x, y = self.radius + 1, self.line.leading / 2
        c.setStrokeColor(black)
        c.setLineWidth(1.6 if filled else 1.0)
        c.setFillColor(black if filled else Color(1, 1, 1))
        c.circle(x, y, self.radius, stroke=1, fill=1)
        c.setFillColor(Color(1, 1, 1) if filled else black)
        c.setFont(self.style.font_name, self.style.size)
        c.drawCentredString(x, y - self.style.size * 0.35, str(self.number))


def _numbered_canvas(doc: d.Document, styles: Styles, paper):
    """A canvas that draws header and footer after layout, when the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _page_furniture(self, doc, styles, paper, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _page_furniture(c: Canvas, doc: d.Document, s: Styles, paper, number: int, total: int):
    width, height = paper
    f = doc.footer
    c.saveState()
    # Header: clinic name and document label, with a rule under them.
    top = height - TOP
    c.setFillColor(black)
    c.setFont(s.strong.font_name, s.strong.size)
    c.drawString(MARGIN, top - s.strong.size, doc.header[0])
    c.setFont(s.label.font_name, s.label.size)
    c.setFillColor(MUTED)
    c.drawRightString(width - MARGIN, top - s.label.size, doc.header[1])
    c.setStrokeColor(RULE)
    c.setLineWidth(0.8)
    c.line(MARGIN, top - s.strong.size - 6, width - MARGIN, top - s.strong.size - 6)
    # Footer: clinic address and email as text, page x of y, two QR codes with captions.
    bottom = BOTTOM
    rule_y = bottom + _footer_height(s, f, width)
    c.line(MARGIN, rule_y, width - MARGIN, rule_y)
    page = f.page_label.format(page=number, pages=total)
    y = rule_y - 3
    for style, text, room in _footer_lines(s, f, page, width):
        # Only the page line may be set smaller to fit; contact details wrap instead.
        size = style.size * min(1.0, room / max(style.width(text), 1))
        c.setFillColor(black)
        c.setFont(style.font_name, size)
        c.drawString(MARGIN, style.baseline(y), text)
        y -= style.leading
    # Each code sits centred over its caption, the pair inside the right margin.
    right = width - MARGIN
    qr_y = bottom + s.small.leading + CAPTION_GAP
    for payload, caption in reversed(f.codes):
        slot = max(QR_SIZE, s.small.width(caption) + 2)
        centre = right - slot / 2
        qr.draw(c, payload, centre - QR_SIZE / 2, qr_y, QR_SIZE)
        c.setFillColor(black)
        c.setFont(s.small.font_name, s.small.size)
        c.drawCentredString(centre, s.small.baseline(qr_y - CAPTION_GAP), caption)
        right -= slot + 8 * mm
    c.restoreState()


def _footer_lines(s: Styles, f: d.Footer, page: str,
                  paper_width: float) -> list[tuple[TextStyle, str, float]]:
    """(style, text, room) for each footer line, in the room left of the QR codes. Contact
    details wrap (never smaller: phone and email are set at body size); the page line is one
    line. The clinic's name heads every page; the footer leads with how to reach it."""
    slots = [max(QR_SIZE, s.small.width(caption) + 2) for _, caption in f.codes]
    room = paper_width - 2 * MARGIN - sum(slots) - 8 * mm * len(slots) - QUIET_ZONE
    contact = [(s.contact_bold, f.phone), (s.small, f.hours), (s.small, f.address),
               (s.contact, f.email)]
    lines = [(style, line, room) for style, text in contact
             for line in wrap(text, room, style.width, style.rules)]
    last = f"{page}   {f.reviewed}" if f.reviewed else page
    if f.reviewed and s.small.width(last) > room:      # a long page line splits in two
        return [*lines, (s.small, page, room), (s.small, f.reviewed, room)]
    return [*lines, (s.small, last, room)]


def _footer_height(s: Styles, f: d.Footer, paper_width: float) -> float:
    widest = f.page_label.format(page=888, pages=888)
    text = sum(style.leading for style, *_ in _footer_lines(s, f, widest, paper_width)) + 3
    return max(QR_SIZE + s.small.leading + CAPTION_GAP + QUIET_ZONE, text)


def _header_height(s: Styles) -> float:
    return s.strong.size + 12


class _PageCounter(Canvas):
    """A canvas that only turns pages: the layout runs in full but nothing is drawn (drawing
    text is a third of a layout's time), no header or footer, no PDF file."""

    def showPage(self):
        self._startPage()

    def save(self):
        pass

    def _nothing(self, *args, **kwargs):
        pass

    drawString = drawCentredString = drawRightString = drawText = addLiteral = _nothing
    circle = ellipse = line = lines = rect = roundRect = wedge = drawPath = _nothing


def _furniture_styles(doc: d.Document, first: Styles, second: Styles) -> Styles:
    """A bilingual header and footer hold both languages: they are set in the styles of the
    language whose font has every character of them."""
    from handouts.fontfiles import charset

    f = doc.footer
    texts = [*doc.header, f.clinic_name, f.address, f.phone, f.hours, f.email,
             *(caption for _, caption in f.codes)]
    needed = {ord(c) for text in texts for c in text if not c.isspace()}
    if needed <= charset(str(doc.typography.font), "regular"):
        return first
    return second


def count_pages(doc: d.Document, paper: str = "a4", scale: float = 1.0) -> int:
    """The page count render() would give, without making the PDF (check's page budgets)."""
    return render(doc, paper, scale, pages_only=True)[1]


def render(doc: d.Document, paper: str = "a4", scale: float = 1.0,
           pages_only: bool = False) -> tuple[bytes, int]:
    """Lay out and draw the document; returns the PDF bytes and the page count."""
    size = PAPER[paper]
    styles = Styles.for_typography(doc.typography, scale, LEADING[paper])
    second = (Styles.for_typography(doc.second_typography, scale, LEADING[paper])
              if doc.second else None)
    furniture = _furniture_styles(doc, styles, second) if second else styles  # header, footer
    buffer = io.BytesIO()
    frame_bottom = BOTTOM + _footer_height(furniture, doc.footer, size[0]) + 3 * mm
    frame_top = size[1] - TOP - _header_height(furniture)
    frame = Frame(MARGIN, frame_bottom, size[0] - 2 * MARGIN, frame_top - frame_bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template = BaseDocTemplate(
        buffer, pagesize=size, title=doc.title, author=doc.author, subject=doc.subject,
        keywords=doc.keywords, creator="handouts", producer="handouts", lang=doc.lang,
        initialFontName=styles.body.font_name, invariant=1,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN)
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    fallback = (Styles.for_typography(doc.fallback_typography, scale, LEADING[paper])
                if doc.fallback_typography else None)
    renderer = _Renderer(doc, styles, frame._width, fallback, frame._height)
    if second:
        renderer.partner = _Renderer(doc, second, frame._width, fallback, frame._height,
                                     lang=doc.second)
    try:
        template.build(renderer.flowables(doc.blocks), canvasmaker=_PageCounter if pages_only
                       else _numbered_canvas(doc, furniture, size))
    except LayoutError:
        # A single block taller than a whole page (e.g. an enormous note).
        raise HandoutsError(f"{doc.lang} {doc.kind} '{doc.title}': a block is taller than a "
                            "page; shorten the text") from None
    return buffer.getvalue(), template.page
