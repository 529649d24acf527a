"""Page furniture: the header (clinic, document label, page number), and the footer with the
clinic's contact details and two QR codes.

The clinic's name heads every page; the footer leads with how to reach it: the phone number
and email in the contact style (never the smallest text on the page), opening hours, address
and review date smaller. The footer text wraps in the room left of the codes and ends at least
`footer.text_gap` before them; each code keeps its quiet zone free; captions sit under their
code.

Tagging (render.tagging): header, rules and page numbers are artifacts on every page. The
clinic's details and the codes are read once, at the end of the document: they are tagged
content on the last page and artifacts before it. Each code is a Link (a Figure whose
alternate text says what it opens, and its caption) whose annotation is on every page.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from handouts.compose import document as d
from handouts.content.style import Style
from handouts.records import MutableRecord, record
from handouts.render import qr
from handouts.render.linebreak import fill, pieces_of
from handouts.render.ruby import CLEARANCE, readings_of, ruby_texts
from handouts.render.tagging import Element, Marking, tree_of
from handouts.render.text import TextStyle, draw_line, draw_owned_line, measure


@record(eq=False, repr=False)
class Footer(MutableRecord):
    """The footer, laid out once per document."""

    lines: list  # (TextStyle, Line, index of its text in FOOTER_TEXTS)
    height: float
    codes: list  # (payload, caption lines, centre x, index in document.Footer.codes)
    qr_bottom: float
    pad: float = 0.0  # between the rule and the text: furigana keep clear of the rule


FOOTER_TEXTS = ("phone", "hours", "address", "email", "reviewed")  # document.Footer fields


@record(eq=False, repr=False)
class Contact(MutableRecord):
    """The structure elements of the header's and footer's content: the clinic's name on the
    first page (read first), its details and codes on the last (read last)."""

    name: Element  # a P
    texts: list  # a P per FOOTER_TEXTS entry
    links: list  # (Link, Figure, Span of the caption) per code


def declare(parent: Element, doc: d.Document, name: Element) -> Contact:
    """The clinic block's elements: a section after everything else under `parent`; `name`
    is the element (made before the body's) of the clinic's name atop the first page."""
    f = doc.footer
    section = parent.add("Sect")
    texts = [section.add("P") for _ in FOOTER_TEXTS]
    links = []
    for index, (_payload, caption) in enumerate(f.codes):
        link = section.add("Link")
        says = f.links[index] if index < len(f.links) else caption
        links.append((link, link.add("Figure", alt=says), link.add("Span")))
    return Contact(name, texts, links)


def layout_footer(doc: d.Document, styles, style: Style, second=None) -> Footer:
    """The lower of two layouts: captions on one line each, or captions wrapped to the width
    of their code (which leaves the text beside the codes more room). `second`: a bilingual
    edition's second language's text styles (its texts are set in its own font)."""
    return min(
        (_layout(doc, styles, style, wrap, second) for wrap in (False, True)),
        key=lambda footer: footer.height,
    )


# The text style of each footer text (FOOTER_TEXTS order).
TEXT_STYLES = ("contact_strong", "footer", "footer", "contact", "footer")


def _layout(doc: d.Document, styles, style: Style, wrap_captions: bool, second=None) -> Footer:
    f, page, foot = doc.footer, style.page, style.footer
    caption = styles.caption
    # The codes, right-aligned in the margin, each centred over its caption.
    slot = foot.qr_size + 2 * foot.quiet_zone
    right = page.width - page.margin_right
    codes = []
    for index, (payload, text) in reversed(list(enumerate(f.codes))):
        first = f.first.codes[index][1] if f.first is not None else None
        spans = _both(doc, first, text, "caption", styles, second)
        lines = _lines(spans, slot if wrap_captions else page.width)
        width = max(slot, *(_width(line) for line in lines))
        codes.append((payload, lines, right - width / 2, width, index))
        right -= width + foot.qr_gap
    block_left = min(centre - width / 2 for _, _, centre, width, _ in codes)
    captions = max(len(lines) * _style_of(lines, caption).leading for _, lines, _, _, _ in codes)
    # Each code sits a quiet zone below the rule, its caption under it.
    qr_height = foot.quiet_zone + foot.qr_size + foot.caption_gap + captions
    # The text ends `text_gap` before the codes; a text that starts `text_gap` below their
    # captions (a bilingual footer has two languages' lines) may run the whole width.
    beside = block_left - foot.text_gap - page.margin_left
    whole = page.width - page.margin_left - page.margin_right
    lines = []
    # Under the footer's rule the readings keep half a box's clearance (every page pays for it).
    share = readings_of(doc)[1]
    pad = CLEARANCE / 2 * share * styles.contact_strong.size if share else 0.0
    text_height = foot.rule + pad
    for index, (name, style_name) in enumerate(zip(FOOTER_TEXTS, TEXT_STYLES)):
        first = getattr(f.first, name) if f.first is not None else None
        spans = _both(doc, first, getattr(f, name), style_name, styles, second, name == "phone")
        if spans:
            below = text_height >= qr_height + foot.text_gap  # clear of the captions
            wrapped = _lines(spans, whole if below else beside)
            for line in wrapped:
                line_style = _style_of([line], styles[style_name])
                lines.append((line_style, line, index))
                text_height += line_style.leading
    height = max(text_height, qr_height)
    return Footer(
        lines,
        height,
        [(p, lines_, centre, i) for p, lines_, centre, _, i in codes],
        page.margin_bottom + height - foot.quiet_zone - foot.qr_size,
        pad,
    )


def _both(
    doc: d.Document,
    first: str | None,
    text: str | None,
    style_name: str,
    styles,
    second,
    shared_end: bool = False,
) -> list:
    """The spans of a footer text: in the document's language, or (a bilingual edition) the
    first language's text, a slash, then the second's, each in its language's font (a text
    both write alike once). `shared_end`: the words both texts end with are said once (the
    phone number: 'Phone / 電話 03-...' rather than the number twice)."""
    if second is None or first is None:
        return [_marked(doc, doc.lang, text, styles[style_name])] if text else []
    if not text or first == text:
        return [_marked(doc, doc.lang, first, styles[style_name])] if first else []
    a, b = styles[style_name], second[style_name]
    if shared_end:
        end = _common_end(first, text)
        if end and first[: -len(end)].strip() and text[: -len(end)].strip():
            first = first[: -len(end)].rstrip()
    return [_marked(doc, doc.lang, first, a), _marked(doc, doc.second, text, b)]


def _common_end(a: str, b: str) -> str:
    """The words two texts end with alike (from a space on), or ''."""
    size = 0
    while size < min(len(a), len(b)) and a[-1 - size] == b[-1 - size]:
        size += 1
    end = a[len(a) - size :]
    return end[end.index(" ") :] if " " in end else ""


def _marked(doc: d.Document, lang: str | None, text: str, style: TextStyle):
    """(text, style) of a text in `lang`, with its furigana when the document gives that
    language furigana."""
    typography = doc.typography if lang == doc.lang else doc.second_typography
    readings = doc.ruby.get(lang)
    if readings is None or typography is None or not typography.ruby or not text:
        return text, style
    (text,), style = ruby_texts(readings, [text], style, typography.ruby)
    return text, style


def _lines(spans, width: float) -> list:
    """The lines of a footer text: one language's (text, style) spans wrapped, or both
    languages' on one line ('Phone / 電話 03-...') when they fit it, else each language's
    lines in turn (never one language broken off onto the other's line)."""
    if len(spans) == 1:
        return _wrap(spans, width)
    (a, a_style), (b, b_style) = spans
    together = _wrap([(f"{a}\u00a0/", a_style), (" ", a_style), (b, b_style)], width)
    if len(together) == 1:
        return together
    return _wrap([(a, a_style)], width) + _wrap([(b, b_style)], width)


def _width(line) -> float:
    return sum(p.width for p in line.pieces) + sum(
        p.style.width(" ") for i, p in enumerate(line.pieces) if i and p.space
    )


def _wrap(spans, width: float):
    """The lines of some (text, style) spans, each broken by its own language's rules."""
    style = spans[0][1]
    return fill(
        pieces_of([(text, span_style, False) for text, span_style in spans], style.rules, measure),
        width,
        style.rules,
        measure,
        style.size,
    )


def _style_of(lines, style: TextStyle):
    """The style whose leading `lines` take (the tallest of their pieces': room for furigana,
    a second language's font)."""
    return max(
        (p.style for line in lines for p in line.pieces), key=lambda s: s.leading, default=style
    )


def _header(doc: d.Document, styles):
    """(text, style) of the clinic's name and of the document's label, with furigana where
    the document has them (the page number is added as it is drawn)."""
    readings, share, fonts = readings_of(doc)
    found = []
    for text, style in ((doc.header[0], styles.header), (doc.header[1], styles.header_label)):
        if readings is not None and text:
            (text,), style = ruby_texts(readings, [text], style, share, fonts)
        found.append((text, style))
    return found


def header_height(styles, style: Style, doc: d.Document | None = None) -> float:
    room = max(s.above for _, s in _header(doc, styles)) if doc else 0.0
    return styles.header.size + style.header.gap + room


def draw_page(
    c: Canvas,
    doc: d.Document,
    styles,
    style: Style,
    footer: Footer,
    number: int,
    total: int,
    contact: Contact | None = None,
) -> None:
    page, rule = style.page, Color(*style.colors.rule)
    width, height = page.width, page.height
    marking = Marking(c)
    running = ("Pagination", "Footer")
    last = contact if number == total else None  # the footer's content is read here
    c.saveState()
    # Header: clinic name; document label and page number; a rule under them. The name is
    # read once, on the first page; the rest is a running header.
    (name, strong), (title, label) = _header(doc, styles)
    top = height - page.margin_top - max(strong.above, label.above)  # room for furigana
    marking.switch(contact.name if contact and number == 1 else ("Pagination", "Header"))
    strong.draw(c, page.margin_left, top - strong.size, name)
    marking.switch(("Pagination", "Header"))
    page_label = doc.footer.page_label.format(page=number, pages=total)
    number_style = label
    readings, share, fonts = readings_of(doc)
    if readings is not None and readings(page_label):
        (page_label,), number_style = ruby_texts(
            readings, [page_label], styles.header_label, share, fonts
        )
    x = width - page.margin_right - label.width(f"{title} \u00b7 ") - number_style.width(page_label)
    x += label.draw(c, x, top - label.size, f"{title} \u00b7 ")
    number_style.draw(c, x, top - label.size, page_label)
    c.setStrokeColor(rule)
    c.setLineWidth(style.header.rule)
    rule_y = top - strong.size - style.header.gap / 2
    c.line(page.margin_left, rule_y, width - page.margin_right, rule_y)
    # Footer: a rule, the clinic's details, the two codes with their captions.
    foot = style.footer
    footer_top = page.margin_bottom + footer.height
    marking.switch(running)
    c.setLineWidth(foot.rule)
    c.line(page.margin_left, footer_top, width - page.margin_right, footer_top)
    y = footer_top - foot.rule - footer.pad
    for text_style, line, part in footer.lines:
        if last:  # read here: furigana in it are Ruby elements
            marking.end()
            draw_owned_line(
                c,
                line,
                page.margin_left,
                text_style.baseline(y),
                text_style.rules,
                last.texts[part],
            )
        else:
            marking.switch(running)
            draw_line(c, line, page.margin_left, text_style.baseline(y), text_style.rules)
        y -= text_style.leading
    tree = tree_of(c)
    # Left to right (laid out right to left): pdfium drops the /ActualText of a furigana span
    # that is the page's last text, so the map code's caption (地図) is not drawn last.
    for payload, lines, centre, index in footer.codes[::-1]:
        x = centre - foot.qr_size / 2
        # The tests' marks wrap the tagged content (see diagram.DiagramRow.draw).
        marking.end()
        c.addLiteral("/QRCode BMC")
        marking.switch(last.links[index][1] if last else running)
        qr.draw(c, payload, x, footer.qr_bottom, foot.qr_size)
        marking.end()
        c.addLiteral("EMC")
        top = footer.qr_bottom - foot.caption_gap
        c.addLiteral("/QRCaption BMC")
        marking.switch(None if last else running)
        caption = _style_of(lines, styles.caption)
        for line in lines:
            if last:
                draw_owned_line(
                    c,
                    line,
                    centre - _width(line) / 2,
                    caption.baseline(top),
                    caption.rules,
                    last.links[index][2],
                )
            else:
                draw_line(c, line, centre - _width(line) / 2, caption.baseline(top), caption.rules)
            top -= caption.leading
        marking.end()
        c.addLiteral("EMC")
        if tree is not None and contact is not None:  # the code opens its link: every page
            link, figure, _ = contact.links[index]
            tree.link(
                c,
                link,
                payload,
                (x, footer.qr_bottom, x + foot.qr_size, footer.qr_bottom + foot.qr_size),
                figure.alt,
            )
    marking.end()
    c.restoreState()
