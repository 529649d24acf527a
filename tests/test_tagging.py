"""The tagging machinery (render/tagging.py) on small documents drawn here with reportlab.

Each test declares a structure, draws text into it, and reads the file back with independent
readers: pikepdf (tests/pdfstruct.py), poppler's `pdfinfo -struct-text`, and a PDF/UA-1 checker.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pikepdf
import pytest
from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from handouts.render.fonts import family
from handouts.render.tagging import StructureTree, TaggingError
from helpers import pdf_pages_text
from pdfstruct import Node, poppler_texts, read_structure, squash

JA = "BIZUDPGothic"
EN = "NotoSans"


def new_canvas(lang: str = "ja") -> tuple[Canvas, io.BytesIO, StructureTree]:
    buffer = io.BytesIO()
    # An embedded initial font: reportlab starts each page in Helvetica (an unembedded font,
    # set in a text object outside any marked content) otherwise.
    canvas = Canvas(buffer, invariant=1, lang=lang, initialFontName=family(EN).regular)
    return canvas, buffer, StructureTree(lang)


def save(
    canvas: Canvas, buffer: io.BytesIO, tree: StructureTree, tmp_path, title="Test", name="doc.pdf"
):
    tree.finish(canvas, title)
    canvas.save()
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def handout(tmp_path, name="handout.pdf"):
    """Two pages shaped like a Japanese handout: header and footer artifacts, a title, a
    paragraph that continues on page 2, a fallback paragraph in English, a legend entry with a
    point name and its reading, a figure, and a QR code link repeated on both pages."""
    fonts, latin = family(JA), family(EN)
    c, buffer, tree = new_canvas("ja")
    doc = tree.document
    title = doc.add("H1")
    intro = doc.add("P")
    fallback = doc.add("P", lang="en")
    legend = doc.add("L")
    item = legend.add("LI")
    number, body = item.add("Lbl"), item.add("LBody")
    figure = doc.add("Figure", alt="脚の後ろ側の図。1 委中：膝の裏の中央。")
    contact = doc.add("Sect")
    link = contact.add("Link")
    for page in (1, 2):
        with tree.artifact(c, "Pagination", "Header"):
            c.setFont(fonts.bold, 10)
            c.drawString(40, 810, "ふじウェルネス")
            c.line(40, 805, 555, 805)
        # Fonts are set inside marked content: reportlab's setFont writes a text object.
        if page == 1:
            with tree.content(c, title):
                c.setFont(fonts.bold, 20)
                c.drawString(40, 770, "坐骨神経痛")
            with tree.content(c, intro):
                c.setFont(fonts.regular, 12)
                c.drawString(40, 740, "お尻から脚にかけて痛みや")
                c.drawString(40, 724, "しびれが出ることがあります。")
            with tree.content(c, fallback):
                c.setFont(latin.regular, 12)
                c.drawString(40, 700, "This text has no translation yet.")
            with tree.artifact(c):  # the legend's badge circle
                c.circle(46, 684, 7)
            with tree.content(c, number):
                c.setFont(fonts.bold, 9)
                c.drawCentredString(46, 681, "1")
            with tree.content(c, body):
                c.setFont(fonts.bold, 12)
                c.drawString(60, 680, "BL40")
            ruby = body.add("Ruby")  # inline: made when drawn, in order
            for role, x, text in (
                ("RB", 95, "委中"),
                ("RP", 120, "（"),
                ("RT", 132, "いちゅう"),
                ("RP", 180, "）"),
            ):
                with tree.content(c, ruby.add(role)):
                    c.drawString(x, 680, text)
            with tree.content(c, body):
                c.setFont(fonts.regular, 12)
                c.drawString(60, 664, "膝の裏の中央。")
            with tree.content(c, figure):
                c.circle(300, 500, 40)
                c.setFont(fonts.bold, 9)
                c.drawCentredString(300, 497, "1")  # a marker number: read via the Alt
        else:
            with tree.content(c, intro):
                c.setFont(fonts.regular, 12)
                c.drawString(40, 770, "気になるときは医師に相談してください。")
        with tree.artifact(c, "Pagination", "Footer"):
            c.setFont(fonts.regular, 9)
            c.drawString(40, 30, f"{page} / 2")
        # The QR code: drawn and tagged on the last page, an artifact before; clickable on both.
        if page == 2:
            with tree.content(c, link.add("Figure", alt="QRコード：メールを送る")):
                c.rect(480, 40, 60, 60, fill=1)
        else:
            with tree.artifact(c, "Pagination", "Footer"):
                c.rect(480, 40, 60, 60, fill=1)
        tree.link(c, link, "mailto:info@example.com", (480, 40, 540, 100), "メールを送る")
        c.showPage()
    return save(c, buffer, tree, tmp_path, title=TITLE, name=name)


TITLE = "坐骨神経痛 & <腰痛>"  # with characters XML must escape

# The texts of `handout` in the order a person reads them, and what a screen reader says.
READ = [
    "坐骨神経痛",
    "お尻から脚にかけて痛みや\nしびれが出ることがあります。",
    "気になるときは医師に相談してください。",
    "This text has no translation yet.",
    "1",
    "BL40",
    "委中",
    "（",
    "いちゅう",
    "）",
    "膝の裏の中央。",
    "1",
]
SPOKEN = [*READ[:-1], "脚の後ろ側の図。1 委中：膝の裏の中央。", "QRコード：メールを送る"]


def shape(node: Node):
    """(role, attrs, [kids]) with the marked-content strings left out."""
    return (node.role, node.attrs, [shape(k) for k in node.kids if isinstance(k, Node)])


def test_structure_reads_back_as_declared(tmp_path):
    s = read_structure(handout(tmp_path))
    assert s.problems == []
    assert shape(s.tree) == (
        "StructTreeRoot",
        {},
        [
            (
                "Document",
                {},
                [
                    ("H1", {}, []),
                    ("P", {}, []),
                    ("P", {"Lang": "en"}, []),
                    (
                        "L",
                        {},
                        [
                            (
                                "LI",
                                {},
                                [
                                    ("Lbl", {}, []),
                                    (
                                        "LBody",
                                        {},
                                        [
                                            (
                                                "Ruby",
                                                {},
                                                [
                                                    ("RB", {}, []),
                                                    ("RP", {}, []),
                                                    ("RT", {}, []),
                                                    ("RP", {}, []),
                                                ],
                                            )
                                        ],
                                    ),
                                ],
                            )
                        ],
                    ),
                    ("Figure", {"Alt": "脚の後ろ側の図。1 委中：膝の裏の中央。"}, []),
                    (
                        "Sect",
                        {},
                        [("Link", {}, [("Figure", {"Alt": "QRコード：メールを送る"}, [])])],
                    ),
                ],
            )
        ],
    )
    assert s.lang == "ja"


def test_text_in_structure_order_is_the_reading_order(tmp_path):
    path = handout(tmp_path)
    s = read_structure(path)
    # The paragraph continued on page 2 reads before the English paragraph drawn on page 1.
    assert s.text == READ
    assert s.spoken == SPOKEN
    # poppler agrees (it prints a Figure's drawn text, not its Alt; lines of one piece joined).
    assert [t for t in poppler_texts(path) if t] == [t.replace("\n", "") for t in READ]


def test_point_name_is_read_once_then_its_reading(tmp_path):
    s = read_structure(handout(tmp_path))
    (ruby,) = s.find("Ruby")
    assert [(k.role, k.text) for k in ruby.kids] == [
        ("RB", "委中"),
        ("RP", "（"),
        ("RT", "いちゅう"),
        ("RP", "）"),
    ]
    assert squash(s.spoken).count("委中") == 2  # the legend entry and the figure's Alt
    assert squash(s.spoken).count("いちゅう") == 1


def test_all_content_is_tagged_or_an_artifact(tmp_path):
    s = read_structure(handout(tmp_path))
    assert s.untagged_text == []
    assert s.untagged_paint == []


def test_tree_covers_all_text_that_a_text_extractor_sees(tmp_path):
    path = handout(tmp_path)
    artifacts = squash(["ふじウェルネス", "1/2", "ふじウェルネス", "2/2"])
    extracted = squash(pdf_pages_text(path))
    tagged = squash(read_structure(path).text)
    assert sorted(extracted) == sorted(tagged + artifacts)


def test_catalog_page_and_metadata_entries(tmp_path):
    with pikepdf.open(handout(tmp_path)) as pdf:
        root = pdf.Root
        assert pdf.pdf_version >= "1.7"
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "ja"
        assert root.ViewerPreferences.DisplayDocTitle is True
        tree = root.StructTreeRoot
        assert tree.Type == "/StructTreeRoot"
        keys = [p.obj.StructParents for p in pdf.pages]
        annots = [a.StructParent for p in pdf.pages for a in p.obj.Annots]
        assert sorted(keys + annots) == list(range(len(keys) + len(annots)))
        assert tree.ParentTreeNextKey == len(keys) + len(annots)
        assert all(p.obj.Tabs == "/S" for p in pdf.pages)
        xmp = ET.fromstring(root.Metadata.read_bytes())
        ns = {
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "dc": "http://purl.org/dc/elements/1.1/",
            "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
        }
        assert xmp.find(".//dc:title/rdf:Alt/rdf:li", ns).text == TITLE
        assert xmp.find(".//pdfuaid:part", ns).text == "1"
        assert root.Metadata.Subtype == "/XML"


def test_link_annotations_belong_to_their_link_on_every_page(tmp_path):
    path = handout(tmp_path)
    s = read_structure(path)
    assert s.links == [("mailto:info@example.com", "メールを送る", "QRコード：メールを送る")] * 2
    with pikepdf.open(path) as pdf:
        (link,) = [e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Link"]
        owned = [
            k.Obj.objgen
            for k in link.K
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
        ]
        assert owned == [p.obj.Annots[0].objgen for p in pdf.pages]  # one per page


def test_output_is_byte_identical(tmp_path):
    assert handout(tmp_path, "a.pdf").read_bytes() == handout(tmp_path, "b.pdf").read_bytes()


def test_pdf_ua_checker_finds_nothing(tmp_path):
    import page

    report = page.validate_pdf(handout(tmp_path), profile="ua1")
    assert [(f.rule_id, f.message) for f in report.failures] == []
    assert report.is_compliant and report.rules.total >= 100


def test_fonts_map_no_code_to_u0000(tmp_path):
    with pikepdf.open(handout(tmp_path)) as pdf:
        cmaps = [
            obj.ToUnicode.read_bytes()
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and "/ToUnicode" in obj
        ]
    assert cmaps and not any(b"<0000>" in cmap for cmap in cmaps)
    for cmap in cmaps:  # each block still declares how many entries it has
        for count, block in re.findall(rb"(\d+) beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
            assert int(count) == len(block.split(b"\n")) - 2


def test_elements_never_drawn_are_left_out(tmp_path):
    c, buffer, tree = new_canvas("en")
    drawn, forgotten = tree.document.add("P"), tree.document.add("L")
    forgotten.add("LI").add("LBody")
    c.setFont(family(EN).regular, 12)
    with tree.content(c, drawn):
        c.drawString(40, 700, "Only this.")
    c.showPage()
    s = read_structure(save(c, buffer, tree, tmp_path))
    assert shape(s.tree) == ("StructTreeRoot", {}, [("Document", {}, [("P", {}, [])])])


# -- the same readers fail when the file is wrong ----------------------------------------------


def test_untagged_text_is_found(tmp_path):
    import page

    c, buffer, tree = new_canvas("en")
    c.setFont(family(EN).regular, 12)
    with tree.content(c, tree.document.add("P")):
        c.drawString(40, 700, "Tagged.")
    c.drawString(40, 680, "Forgotten.")
    c.line(40, 670, 200, 670)
    c.showPage()
    path = save(c, buffer, tree, tmp_path)
    s = read_structure(path)
    assert s.untagged_text == [(1, "Forgotten.")]
    assert s.untagged_paint == [(1, "S")]
    assert "PDFUA1-CONTENT-TAGGING-001" in {
        f.rule_id for f in page.validate_pdf(path, profile="ua1").failures
    }


def test_broken_parent_tree_is_found(tmp_path):
    path = handout(tmp_path)
    with pikepdf.open(path) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        nums[1] = pikepdf.Array(reversed(list(nums[1])))  # page 1's MCIDs point elsewhere
        del pdf.pages[1].obj.Annots[0].StructParent
        pdf.save(tmp_path / "broken.pdf")
    problems = read_structure(tmp_path / "broken.pdf").problems
    assert any("parent tree: page 1" in p for p in problems)
    assert any("page 2: annotation's StructParent" in p for p in problems)


@pytest.mark.parametrize(
    "mistake, message",
    [
        (lambda tree, c: tree.document.add("Paragraph"), "not a standard structure type"),
        (lambda tree, c: tree.document.add("Figure"), "needs alternate text"),
        (lambda tree, c: tree.document.add("Figure", alt="  "), "needs alternate text"),
        (
            lambda tree, c: tree.link(
                c, tree.document.add("P"), "https://x.test", (0, 0, 1, 1), "x"
            ),
            "belongs in a Link",
        ),
        (
            lambda tree, c: tree.link(
                c, tree.document.add("Link"), "https://x.test", (0, 0, 1, 1), ""
            ),
            "needs a description",
        ),
    ],
)
def test_mistakes_are_refused(mistake, message):
    c, _, tree = new_canvas()
    with pytest.raises(TaggingError, match=message):
        mistake(tree, c)


def test_marked_content_never_nests():
    c, _, tree = new_canvas()
    p = tree.document.add("P")
    with pytest.raises(TaggingError, match="artifact opened inside content"):
        with tree.content(c, p), tree.artifact(c):
            pass
    with pytest.raises(TaggingError, match="content opened inside artifact"):
        with tree.artifact(c), tree.content(c, p):
            pass
    with pytest.raises(TaggingError, match="content opened inside content"):
        with tree.content(c, p), tree.content(c, p):
            pass


def test_marked_content_cannot_span_pages(tmp_path):
    c, _, tree = new_canvas()
    with pytest.raises(TaggingError, match="started on page 1 and ended on another"):
        with tree.content(c, tree.document.add("P")):
            c.showPage()


def test_finish_needs_every_page_shown():
    c, _, tree = new_canvas()
    with tree.content(c, tree.document.add("P")):
        c.setFont(family(EN).regular, 12)
        c.drawString(40, 700, "Not shown yet.")
    with pytest.raises(TaggingError, match="before the last page was shown"):
        tree.finish(c, "Test")


def _elements(node):
    for kid in (
        node.get("/K", []) if isinstance(node.get("/K"), pikepdf.Array) else [node.get("/K")]
    ):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            yield kid
            yield from _elements(kid)


class Tagged(Flowable):
    """A line of text tagged as `element` (what the renderer's flowables will do)."""

    def __init__(self, tree, element, text):
        super().__init__()
        self.tree, self.element, self.text = tree, element, text

    def wrap(self, avail_width, avail_height):
        return avail_width, 16

    def draw(self):
        with self.tree.content(self.canv, self.element):
            self.canv.setFont(family(EN).regular, 12)
            self.canv.drawString(0, 4, self.text)


@pytest.mark.parametrize("marked", [True, False])
def test_table_backgrounds_and_rules_are_artifacts(tmp_path, marked):
    c, buffer, tree = new_canvas("en")
    box = tree.document.add("Sect")
    cells = [[Tagged(tree, box.add("P"), "Urgent")], [Tagged(tree, box.add("P"), "Call 119")]]
    table = Table(cells, colWidths=[300], renderCB=tree.table_artifacts() if marked else None)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), family(EN).regular, 10),  # embedded
                ("BOX", (0, 0), (-1, -1), 2, black),
                ("BACKGROUND", (0, 0), (-1, -1), Color(0.9, 0.9, 0.9)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, black),
            ]
        )
    )
    table.wrapOn(c, 300, 200)
    table.drawOn(c, 40, 600)
    c.showPage()
    s = read_structure(save(c, buffer, tree, tmp_path))
    assert s.text == ["Urgent", "Call 119"]
    assert s.problems == [] and s.untagged_text == []
    if marked:
        assert s.untagged_paint == []
    else:
        assert {op for _, op in s.untagged_paint} == {"f*", "S"}  # the background and rules


class ReplayingCanvas(Canvas):
    """Keeps its pages and draws the footers at the end, as the renderer's numbered canvas does
    (each page's state, annotation counter included, is restored before its footer is drawn)."""

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.tree, self.kept = tree, []

    def showPage(self):
        self.kept.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        link = self.tree.document.add("Link")
        for number, state in enumerate(self.kept, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.translate(400, 50)
            with self.tree.content(self, link.add("Span")):
                self.setFont(family(EN).regular, 10)
                self.drawString(0, 0, f"Write to us (page {number})")
            self.tree.link(self, link, "mailto:info@example.com", (0, -2, 120, 12), "Email us")
            self.restoreState()
            Canvas.showPage(self)
        self.tree.finish(self, "Replayed")
        Canvas.save(self)


def test_links_on_a_canvas_that_replays_its_pages(tmp_path):
    buffer, tree = io.BytesIO(), StructureTree("en")
    c = ReplayingCanvas(buffer, invariant=1, tree=tree, initialFontName=family(EN).regular)
    for text in ("One", "Two"):
        with tree.content(c, tree.document.add("P")):
            c.setFont(family(EN).regular, 12)
            c.drawString(40, 700, text)
        c.showPage()
    c.save()
    (tmp_path / "replayed.pdf").write_bytes(buffer.getvalue())
    s = read_structure(tmp_path / "replayed.pdf")
    assert s.problems == [] and s.untagged_text == []
    assert s.text == ["One", "Two", "Write to us (page 1)", "Write to us (page 2)"]
    assert (
        s.links
        == [("mailto:info@example.com", "Email us", "Write to us (page 1)\nWrite to us (page 2)")]
        * 2
    )
    with pikepdf.open(tmp_path / "replayed.pdf") as pdf:
        rects = [[float(v) for v in p.obj.Annots[0].Rect] for p in pdf.pages]
    assert rects == [[400, 48, 520, 62]] * 2  # in page coordinates


def test_text_strings_read_back_exactly(tmp_path):
    c, buffer, tree = new_canvas("en")
    strings = ["plain (with) brackets \\ and\r a return", "日本語（かっこ）と\\", "Zusanli"]
    figure = tree.document.add("Figure", alt=strings[0])
    span = tree.document.add("P").add("Span", actual_text=strings[1], lang="ja")
    for element in (figure, span):
        with tree.content(c, element):
            c.setFont(family(JA).regular, 12)
            c.drawString(40, 700, strings[2])
    c.showPage()
    s = read_structure(save(c, buffer, tree, tmp_path))
    assert s.figures == [(strings[0], "en")]
    (span,) = s.find("Span")
    assert span.attrs == {"ActualText": strings[1], "Lang": "ja"}
    assert s.spoken == [strings[0], strings[1]]


def test_finish_only_once(tmp_path):
    c, buffer, tree = new_canvas("en")
    with tree.content(c, tree.document.add("P")):
        c.setFont(family(EN).regular, 12)
        c.drawString(40, 700, "Once.")
    c.showPage()
    tree.finish(c, "Test")
    with pytest.raises(TaggingError, match="called twice"):
        tree.finish(c, "Test")


# -- what the renderer's flowables use: the tree on the canvas, text blocks marked as drawn ------


def text_style(font: str, words: bool, size: float = 12):
    from handouts.render.linebreak import BreakRules
    from handouts.render.text import TextStyle, font_chain

    rules = BreakRules(words, frozenset("、。）」"), frozenset("（「"))
    return TextStyle(font_chain(font), size, size * 1.4, rules)


def draw_blocks(tmp_path, lang: str, blocks, width: float = 300, height: float = 60):
    """Lay `blocks` out in frames `height` high (so that a long block splits over pages)."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    buffer, tree = io.BytesIO(), StructureTree(lang)

    class TaggedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            tree.attach(self)

        def save(self):
            tree.finish(self, "Blocks")
            super().save()

    doc = BaseDocTemplate(
        buffer, pagesize=(width + 40, height + 40), invariant=1, initialFontName=family(EN).regular
    )
    doc.addPageTemplates([PageTemplate(frames=[Frame(20, 20, width, height, 0, 0, 0, 0)])])
    doc.build(blocks(tree), canvasmaker=TaggedCanvas)
    path = tmp_path / "blocks.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def test_a_legend_entry_tags_its_number_name_and_reading_as_drawn(tmp_path):
    """A name and its reading wrapped over two lines: the code stays the body's, the name,
    brackets and reading are a Ruby made when first drawn (after the code, in reading order)."""
    from handouts.render.tagging import TextTags, ruby
    from handouts.render.text import TextBlock

    def blocks(tree):
        item = tree.document.add("L").add("LI")
        label, body = item.add("Lbl"), item.add("LBody")
        name, opening, reading, closing = ruby()
        style = text_style(JA, words=False)
        spans = [
            ("BL40\u00a0\u00a0委中", style, False),
            ("（いちゅう）", style, True),
            ("ひざの裏の横じわの真ん中です。", style, False),
        ]
        marks = [
            [("BL40\u00a0\u00a0", None), ("委中", name)],
            [("（", opening), ("いちゅう", reading), ("）", closing)],
            None,
        ]
        return [
            TextBlock("1", style, tags=TextTags(label)),
            TextBlock(spans, style, tags=TextTags(body, marks=marks)),
        ]

    path = draw_blocks(tmp_path, "ja", blocks, width=110, height=200)
    s = read_structure(path)
    assert s.problems == [] and s.untagged_text == []
    (body,) = s.find("LBody")
    assert [k.role if isinstance(k, Node) else squash(k) for k in body.kids] == [
        "BL40",
        "Ruby",
        "ひざの裏の横じわの真ん中です。",
    ]
    (ruby_node,) = s.find("Ruby")
    assert [(k.role, squash(k.text)) for k in ruby_node.kids] == [
        ("RB", "委中"),
        ("RP", "（"),
        ("RT", "いちゅう"),
        ("RP", "）"),
    ]
    assert len(pdf_pages_text(path)[0].split("\n")) > 2  # it did wrap


def test_text_in_another_language_is_a_span_even_when_the_block_splits(tmp_path):
    """A paragraph over two pages whose second half fell back to English: the Span starts
    where the English starts, on whichever page that is."""
    from handouts.compose.document import fallback
    from handouts.render.tagging import TextTags
    from handouts.render.text import TextBlock

    japanese = "この文章は日本語です。" * 6
    english = fallback("This part has no translation yet, so it is shown in English.", "en")

    def blocks(tree):
        ja, en = text_style(JA, words=False), text_style(EN, words=True)
        paragraph = tree.document.add("P")
        return [
            TextBlock(
                [(japanese, ja, False), (" ", ja, False), (english, en, False)],
                ja,
                tags=TextTags(paragraph),
            )
        ]

    path = draw_blocks(tmp_path, "ja", blocks, width=150, height=75)
    assert len(pdf_pages_text(path)) == 2
    s = read_structure(path)
    assert s.problems == [] and s.untagged_text == []
    (paragraph,) = s.find("P")
    assert paragraph.attrs == {}
    (span,) = s.find("Span")
    assert span.attrs == {"Lang": "en"} and squash(span.text) == squash(english)
    assert squash(paragraph.text) == squash(japanese + english)


def test_a_block_all_in_another_language_gets_its_own_lang(tmp_path):
    from handouts.compose.document import fallback
    from handouts.render.tagging import TextTags
    from handouts.render.text import TextBlock

    def blocks(tree):
        return [
            TextBlock(
                [(fallback("Only English here.", "en"), text_style(EN, True), False)],
                text_style(EN, True),
                tags=TextTags(tree.document.add("P")),
            )
        ]

    s = read_structure(draw_blocks(tmp_path, "ja", blocks))
    assert [(n.attrs, n.text) for n in s.find("P")] == [({"Lang": "en"}, "Only English here.")]
    assert s.find("Span") == []


def test_bullet_is_the_label_and_decoration_an_artifact(tmp_path):
    from handouts.render.tagging import TextTags
    from handouts.render.text import TextBlock
    from handouts.render.widgets import WarningSign

    def blocks(tree):
        item = tree.document.add("L").add("LI")
        label, body = item.add("Lbl"), item.add("LBody")
        style = text_style(EN, words=True)
        return [
            WarningSign(20, 2),
            TextBlock("Call 119.", style, bullet="•", tags=TextTags(body, label)),
        ]

    s = read_structure(draw_blocks(tmp_path, "en", blocks))
    assert s.problems == [] and s.untagged_paint == [] and s.untagged_text == []
    (item,) = s.find("LI")
    assert [(k.role, k.text) for k in item.kids] == [("Lbl", "•"), ("LBody", "Call 119.")]


def test_a_canvas_without_a_tree_draws_without_marks():
    """The draft layout and tests that draw a single flowable: nothing marked, nothing fails."""
    from handouts.render.tagging import Marking, TextTags, artifact, content
    from handouts.render.text import TextBlock

    c, _, tree = new_canvas("en")
    block = TextBlock("Plain.", text_style(EN, True), tags=TextTags(tree.document.add("P")))
    block.wrapOn(c, 200, 100)
    block.drawOn(c, 20, 700)
    with content(c, tree.document.add("P")), artifact(c):
        c.line(0, 0, 10, 10)
    marking = Marking(c)
    marking.switch(tree.document.add("P"))
    marking.end()
    assert not any(("BDC" in op or "EMC" in op) for op in c._code)


def test_table_cells_with_plain_strings_are_artifacts(tmp_path):
    """reportlab draws a string cell as text: in our layout tables, it is layout."""
    from handouts.render.tagging import table_artifacts

    def blocks(tree):
        cell = Tagged(tree, tree.document.add("P"), "Real text")
        table = Table([[cell, "|"]], colWidths=[150, 50], renderCB=table_artifacts)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), family(EN).regular, 10)]))
        return [table]

    s = read_structure(draw_blocks(tmp_path, "en", blocks))
    assert s.problems == [] and s.untagged_text == []
    assert s.text == ["Real text"] and s.artifact_text == [(1, "|")]
