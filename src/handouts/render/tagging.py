"""Tagged PDF (ISO 32000-1 14.6-14.8) for PDF/UA-1: marked content and the structure tree.

reportlab writes untagged PDF. This module adds what a screen reader needs:

- while the renderer draws, `StructureTree.content` wraps what belongs to a structure element
  in `/Role <</MCID n>> BDC ... EMC`, and `StructureTree.artifact` wraps decoration and running
  headers and footers in `/Artifact ... BDC ... EMC`;
- the renderer declares the logical structure as elements (Document > H1, P, L > LI > Lbl,
  LBody ...); an element's kids are in the order they were added (child elements when created,
  marked content when drawn), and that order is the reading order, whatever the drawing order;
- `StructureTree.finish` adds the tree and the catalog entries PDF/UA asks for to reportlab's
  own PDF document before it is written: no second pass, and the output stays byte-identical.

The renderer's flowables find the tree on their canvas (`StructureTree.attach`): they hold only
the elements they draw for, and draw untagged on a canvas without a tree (the draft layout).
"""

from __future__ import annotations

import codecs
import contextlib

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString

# The standard structure types of ISO 32000-1 14.8.4: a tree that uses only these needs no
# RoleMap, and a typo is an error here rather than an unknown tag in a reader.
ROLES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)
# Elements whose content a reader replaces by their alternate description (PDF/UA-1 7.3).
NEEDS_ALT = frozenset({"Figure", "Formula"})
ARTIFACT_TYPES = frozenset({"Layout", "Pagination", "Page", "Background"})
ARTIFACT_SUBTYPES = frozenset({"Header", "Footer", "Watermark"})


class TaggingError(Exception):
    """The renderer used the tagging API in a way that would give a wrong tree (a bug)."""


class Element:
    """One structure element; create it with `StructureTree.document.add(...)` and descendants."""

    __slots__ = ("actual_text", "alt", "kids", "lang", "number", "parent", "role", "tree")

    def __init__(
        self,
        tree: StructureTree,
        role: str,
        parent: Element | None,
        alt: str | None = None,
        actual_text: str | None = None,
        lang: str | None = None,
    ):
        if role not in ROLES:
            raise TaggingError(f"{role!r} is not a standard structure type")
        if role in NEEDS_ALT and not (alt and alt.strip()):
            raise TaggingError(f"a {role} needs alternate text (PDF/UA-1 7.3)")
        self.tree, self.role, self.parent = tree, role, parent
        self.alt, self.actual_text, self.lang = alt, actual_text, lang
        self.kids: list[Element | _Content | _Annotation] = []
        self.number: int | None = None  # its place in the file, set by finish()

    def add(
        self,
        role: str,
        *,
        alt: str | None = None,
        actual_text: str | None = None,
        lang: str | None = None,
    ) -> Element:
        """A new child element, after the kids added so far. `lang` only where the element's
        language differs from the document's (BCP 47); `actual_text` replaces the drawn text
        for readers and copy/paste; `alt` describes content that is not text."""
        child = Element(self.tree, role, self, alt, actual_text, lang)
        self.kids.append(child)
        return child

    def adopt(self, holder: Element) -> None:
        """Move the elements made in `holder` (StructureTree.holder) here, after the kids so
        far, in their order."""
        kids = [kid for kid in holder.kids if isinstance(kid, Element)]
        if len(kids) < len(holder.kids):
            raise TaggingError("a holder's elements are placed before they are drawn")
        for kid in kids:
            kid.parent = self
        self.kids += holder.kids
        holder.kids = []

    def __repr__(self) -> str:
        return f"<Element {self.role} with {len(self.kids)} kids>"


class _Content:
    """A marked-content sequence: MCID `mcid` on page `page` (1-based)."""

    __slots__ = ("mcid", "page")

    def __init__(self, page: int, mcid: int):
        self.page, self.mcid = page, mcid


class _Annotation:
    """An annotation owned by an element, and its key in the parent tree (set by finish)."""

    __slots__ = ("key", "page", "ref")

    def __init__(self, page: int, ref, key: _Number):
        self.page, self.ref, self.key = page, ref, key


class _Number(PDFObject):
    """An integer written into an object before its value is known (annotations are made while
    drawing; their /StructParent keys follow the pages' keys, known only at the end)."""

    value: int | None = None

    def format(self, document) -> bytes:
        if self.value is None:
            raise TaggingError("an annotation's structure parent was never assigned")
        return b"%d" % self.value


class _Sequence:
    """A marked-content sequence being drawn (a plain context manager: the renderer opens one
    for every text block, and a generator-based one costs several times more)."""

    __slots__ = ("begin", "canvas", "page", "tree", "value", "what")

    def __init__(self, tree: StructureTree, canvas, begin: str, what: str, value=None):
        self.tree, self.canvas, self.begin, self.what, self.value = tree, canvas, begin, what, value

    def __enter__(self):
        # Sequences never nest: tagged content inside an artifact, an artifact inside tagged
        # content (PDF/UA-1 7.1) or content owned by two elements would all be ambiguous.
        if self.tree._open:
            raise TaggingError(f"{self.what} opened inside {self.tree._open}")
        self.tree._open = self.what
        self.page = self.canvas.getPageNumber()
        self.canvas.addLiteral(self.begin)
        return self.value

    def __exit__(self, error_type, error, traceback) -> None:
        self.tree._open = None
        if error_type is None:
            if self.canvas.getPageNumber() != self.page:
                raise TaggingError(f"{self.what} started on page {self.page} and ended on another")
            self.canvas.addLiteral("EMC")


class StructureTree:
    """The logical structure of one document, and the marked content of its pages.

    One per canvas. All marking goes through `content`, `artifact` and `link`; `finish` once,
    after the last page is shown and before the canvas is saved.
    """

    def __init__(self, lang: str):
        self.lang = lang
        self.document = Element(self, "Document", None)
        self._owners: dict[int, list[Element]] = {}  # page -> the element owning each MCID
        self._open: str | None = None  # the marked-content sequence being drawn
        self._last_page = 0  # the last page with tagged content
        self._links = 0

    def holder(self) -> Element:
        """A place outside the tree for elements made before their place in reading order is
        known (parts of a layout still being chosen): `Element.adopt` moves them in; a holder
        never adopted stays out of the file."""
        return Element(self, "Div", None)

    def attach(self, canvas) -> None:
        """Make this the tree that `content`, `artifact` and `Marking` below use on `canvas`."""
        canvas.structure = self

    def content(self, canvas, element: Element) -> _Sequence:
        """`with tree.content(canvas, element):` marks what is drawn inside as content of
        `element` (and gives its MCID)."""
        if element.tree is not self:
            raise TaggingError("element belongs to another document")
        if self._open:  # checked again on entering; here so that no MCID is recorded
            raise TaggingError(f"content opened inside {self._open}")
        page = canvas.getPageNumber()
        owners = self._owners.get(page)
        if owners is None:
            owners = self._owners[page] = []
            self._last_page = max(self._last_page, page)
        mcid = len(owners)
        owners.append(element)
        element.kids.append(_Content(page, mcid))
        # An element that stands for other text (furigana: the kanji, not kanji and reading)
        # says so on its marked content too, for readers that extract text without the tree.
        actual = (
            ""
            if element.actual_text is None
            else f" /ActualText <FEFF{element.actual_text.encode('utf-16-be').hex().upper()}>"
        )
        # Tagged /Span then (a furigana's RB): poppler honours /ActualText on /Span sequences
        # only; the element's own type is in the structure tree.
        tag = element.role if element.actual_text is None else "Span"
        return _Sequence(self, canvas, f"/{tag} <</MCID {mcid}{actual}>> BDC", "content", mcid)

    def artifact(self, canvas, kind: str = "Layout", subtype: str | None = None) -> _Sequence:
        """`with tree.artifact(canvas):` marks what is drawn inside as an artifact: decoration
        (`Layout`), or running headers, footers and page numbers (`Pagination` with subtype
        `Header` or `Footer`)."""
        if kind not in ARTIFACT_TYPES or (subtype and subtype not in ARTIFACT_SUBTYPES):
            raise TaggingError(f"unknown artifact {kind} {subtype}")
        properties = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
        return _Sequence(self, canvas, f"/Artifact <<{properties}>> BDC", "artifact")

    def table_artifacts(self):
        """A `renderCB` for reportlab's Table that marks what the table itself draws (cell
        backgrounds, boxes and rules) as artifacts; the flowables in its cells tag themselves."""
        drawing = contextlib.ExitStack()

        def callback(table, event, *args):
            if event in ("startBG", "startLines"):
                drawing.enter_context(self.artifact(table.canv))
            elif event in ("endBG", "endLines"):
                drawing.close()

        return callback

    def link(
        self,
        canvas,
        element: Element,
        url: str,
        rect: tuple[float, float, float, float],
        description: str,
    ) -> None:
        """A link annotation over `rect` (current coordinates) that opens `url`, owned by
        `element` (a Link). `description` is the annotation's /Contents (PDF/UA-1 7.18.5): what
        the link opens. A Link may own several annotations (the same link on several pages)."""
        if element.role != "Link":
            raise TaggingError(f"a link annotation belongs in a Link, not a {element.role}")
        if not description.strip():
            raise TaggingError("a link annotation needs a description (PDF/UA-1 7.18.5)")
        key = _Number()
        self._links += 1
        annotation = PDFDictionary(
            {
                "Type": PDFName("Annot"),
                "Subtype": PDFName("Link"),
                "F": 4,  # 4: printable
                "Rect": PDFArray(canvas._absRect(rect, 1)),
                "Border": PDFArray([0, 0, 0]),
                "Contents": PDFString(description),
                "StructParent": key,
                "A": PDFDictionary({"S": PDFName("URI"), "URI": PDFString(url)}),
            }
        )
        # reportlab's linkURL would name it by a per-page counter, which a canvas that replays
        # its pages (to number them) resets: name it by this document's own count.
        canvas._addAnnotation(annotation, f"StructLink{self._links}")
        page = canvas.getPageNumber()
        self._last_page = max(self._last_page, page)
        element.kids.append(_Annotation(page, canvas._annotationrefs[-1], key))

    def finish(self, canvas, title: str) -> None:
        """Write the structure tree, the parent tree and the catalog, page and metadata entries
        of a tagged PDF/UA-1 document. Call after the last showPage(), before save()."""
        if self._open:
            raise TaggingError(f"{self._open} still open at the end of the document")
        if self.document.number is not None:
            raise TaggingError("finish() called twice")
        doc = canvas._doc
        pages = doc.Pages.pages
        if self._last_page > len(pages):
            raise TaggingError("finish() before the last page was shown")
        _prune(self.document)
        elements = _walk(self.document)
        page_refs = [doc.Reference(page).format(doc) for page in pages]  # "12 0 R" each
        for number, element in enumerate(elements):
            element.number = number
            doc.Reference(_StructElem(element, page_refs), f"StructElem{number}")
        root = _StructTreeRoot()
        doc.Reference(root, "StructTreeRoot")

        # The parent tree maps each page's MCIDs, then each annotation, back to its element.
        key = 0
        for page in sorted(self._owners):
            pages[page - 1].StructParents = key
            root.nums.append((key, [_numbered(e) for e in self._owners[page]]))
            key += 1
        for element in elements:
            for kid in element.kids:
                if isinstance(kid, _Annotation):
                    kid.key.value = key
                    root.nums.append((key, _numbered(element)))
                    key += 1
        root.next_key = key
        for page in pages:
            # reportlab writes only the page entries it lists; add ours to this page's list.
            page.Tabs = PDFName("S")  # tab order = structure order (PDF/UA-1 7.18.3)
            page.__NoDefault__ = [*type(page).__NoDefault__, "StructParents", "Tabs"]

        canvas.setCatalogEntry("StructTreeRoot", root)
        canvas.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        canvas.setCatalogEntry("Lang", PDFString(self.lang))
        canvas.setCatalogEntry("Metadata", _xmp(title, self.lang))
        canvas.setViewerPreference("DisplayDocTitle", "true")
        canvas.setTitle(title)
        doc._pdfVersion = max(doc._pdfVersion, (1, 7))  # PDF/UA-1 is built on ISO 32000-1
        doc.delayedFonts.append(_NoNullUnicode())  # runs after the fonts are written


def _walk(element: Element) -> list[Element]:
    """The element and its descendants, in structure order."""
    found, stack = [], [element]
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(reversed([k for k in element.kids if isinstance(k, Element)]))
    return found


def _prune(element: Element) -> bool:
    """Drop elements that own nothing (declared, then never drawn); True if `element` stays.
    An element that says its text itself (a furigana's RT: its /ActualText) stays."""
    element.kids = [k for k in element.kids if not isinstance(k, Element) or _prune(k)]
    if element.role == "Ruby" and not any(getattr(k, "role", None) == "RB" for k in element.kids):
        return False  # its reading alone: never drawn
    return (
        bool(element.kids)
        or element.parent is None
        or (element.role == "RT" and bool(element.actual_text))
    )


# Structure objects are formatted here rather than as reportlab PDFDictionary objects: a
# document has a few hundred of them, and reportlab's general formatter (names escaped character
# by character, strings escaped in Python) made them a third of the rendering time.


def _ref(document, name: str) -> bytes:
    return b"%d 0 R" % document.idToObjectNumberAndVersion[name][0]


def _text(value: str) -> bytes:
    """A PDF text string: ASCII as is, anything else UTF-16BE with its byte order mark."""
    try:
        data = value.encode("ascii")
    except UnicodeEncodeError:
        data = codecs.BOM_UTF16_BE + value.encode("utf-16-be")
    return (
        b"("
        + (
            data.replace(b"\\", b"\\\\")
            .replace(b"(", b"\\(")
            .replace(b")", b"\\)")
            .replace(b"\r", b"\\r")
        )
        + b")"
    )


class _StructElem(PDFObject):
    def __init__(self, element: Element, page_refs: list[bytes]):
        self.element, self.page_refs = element, page_refs

    def format(self, document) -> bytes:
        element = self.element

        def page(number: int) -> bytes:
            return self.page_refs[number - 1]

        parent = (
            _ref(document, f"StructElem{element.parent.number}")
            if element.parent
            else _ref(document, "StructTreeRoot")
        )
        marked = [k for k in element.kids if not isinstance(k, Element)]
        home = marked[0].page if marked else None  # the element's /Pg: where its content starts
        kids = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(_ref(document, f"StructElem{kid.number}"))
            elif isinstance(kid, _Annotation):
                kids.append(
                    b"<</Type/OBJR/Obj %s/Pg %s>>" % (kid.ref.format(document), page(kid.page))
                )
            elif kid.page == home:
                kids.append(b"%d" % kid.mcid)
            else:
                kids.append(b"<</Type/MCR/MCID %d/Pg %s>>" % (kid.mcid, page(kid.page)))
        out = [
            b"<</Type/StructElem/S/",
            element.role.encode("ascii"),
            b"/P ",
            parent,
            b"/K[",
            b" ".join(kids),
            b"]",
        ]
        if home is not None:
            out += [b"/Pg ", page(home)]
        for key, value in (
            (b"/Alt", element.alt),
            (b"/ActualText", element.actual_text),
            (b"/Lang", element.lang),
        ):
            if value is not None:
                out += [key, _text(value)]
        out.append(b">>")
        return b"".join(out)


class _StructTreeRoot(PDFObject):
    def __init__(self):
        self.nums: list[tuple[int, list[int] | int]] = []  # key -> element number(s)
        self.next_key = 0

    def format(self, document) -> bytes:
        def ref(number: int) -> bytes:
            return _ref(document, f"StructElem{number}")

        nums = b" ".join(
            b"%d %s"
            % (
                key,
                b"[" + b" ".join(map(ref, value)) + b"]" if isinstance(value, list) else ref(value),
            )
            for key, value in self.nums
        )
        return b"<</Type/StructTreeRoot/K[%s]/ParentTree<</Nums[%s]>>/ParentTreeNextKey %d>>" % (
            ref(0),
            nums,
            self.next_key,
        )


def _escape(text: str) -> str:
    """XML character data (xml.sax.saxutils would import urllib and ssl: ~70 ms of start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xmp(title: str, lang: str):
    """The XMP packet: dc:title and the PDF/UA identification (PDF/UA-1 5 and 7.1)."""
    from reportlab.pdfbase.pdfdoc import XMP

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{_escape(lang)}</rdf:li></rdf:Bag></dc:language>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
    return XMP(creator=lambda doc: packet)


class _NoNullUnicode:
    """reportlab's font subsets keep unused codes (code 0, the .notdef slot, and fillers below
    32) mapped to U+0000 in their ToUnicode CMaps, which PDF/UA-1 7.21.7 forbids; drop those
    mappings (no text uses them). This object is put last in the document's delayed fonts, which
    reportlab realizes just before writing the file, after the real fonts."""

    def addObjects(self, doc) -> None:
        for name, obj in doc.idToObject.items():
            if not name.startswith("toUnicodeCMap:") or "> <0000>" not in obj.content:
                continue
            lines = [line for line in obj.content.split("\n") if not line.endswith("> <0000>")]
            start = None
            for index, line in enumerate(lines):  # recount each bfchar block
                if line.endswith(" beginbfchar"):
                    start = index
                elif line == "endbfchar" and start is not None:
                    lines[start] = f"{index - start - 1} beginbfchar"
                    start = None
            obj.content = "\n".join(lines)


# -- for the renderer's flowables: the tree is the one attached to their canvas ---------------


class _Unmarked:
    """What `content` and `artifact` give on a canvas without a tree: nothing to mark."""

    __slots__ = ()

    def __enter__(self):
        return None

    def __exit__(self, *error) -> None:
        return None


_UNMARKED = _Unmarked()


def tree_of(canvas) -> StructureTree | None:
    return getattr(canvas, "structure", None)


def content(canvas, element: Element | None):
    """`with content(canvas, element):` marks the drawing as `element`'s content, if the canvas
    has a tree (and an element is given)."""
    tree = getattr(canvas, "structure", None)
    if tree is None or element is None:
        return _UNMARKED
    return tree.content(canvas, element)


def artifact(canvas, kind: str = "Layout", subtype: str | None = None):
    """`with artifact(canvas):` marks the drawing as an artifact, if the canvas has a tree."""
    tree = getattr(canvas, "structure", None)
    return _UNMARKED if tree is None else tree.artifact(canvas, kind, subtype)


def _numbered(element: Element) -> int:
    """An element's number in the file, once finish() has numbered them all."""
    assert element.number is not None
    return element.number


def table_artifacts(table, event: str, *args) -> None:
    """A `renderCB` for reportlab's Table: what the table draws itself (backgrounds, boxes,
    rules, and the text of plain-string cells, even empty ones) is an artifact; the flowables
    in its cells tag themselves."""
    if event == "startCell":
        opens = isinstance(args[2], str)
    elif event == "startBG":
        opens = bool(table._bkgrndcmds)
    elif event == "startLines":
        opens = bool(table._linecmds)
    else:
        opens = False
        if event in ("endCell", "endBG", "endLines") and getattr(table, "_tagging", None):
            table._tagging.__exit__(None, None, None)
            table._tagging = None
    if opens:
        table._tagging = artifact(table.canv)
        table._tagging.__enter__()


LAYOUT = ("Layout", None)  # an owner for `Marking.switch`: decoration


class Marking:
    """Marked content that follows the drawing: `switch(owner)` ends the open sequence when the
    owner changes and begins the new owner's (an Element, or an artifact kind such as
    `LAYOUT`); `end()` closes the last. One sequence stays open while the owner does not change
    (a paragraph's lines are one marked-content sequence, not one per line)."""

    __slots__ = ("canvas", "owner", "sequence", "tree")

    def __init__(self, canvas):
        self.canvas, self.tree = canvas, getattr(canvas, "structure", None)
        self.owner = self.sequence = None

    def switch(self, owner) -> None:
        if owner is self.owner or self.tree is None:
            return
        if self.sequence is not None:
            self.sequence.__exit__(None, None, None)
            self.sequence = None
        self.owner = owner
        if owner is not None:
            self.sequence = (
                self.tree.artifact(self.canvas, *owner)
                if isinstance(owner, tuple)
                else self.tree.content(self.canvas, owner)
            )
            self.sequence.__enter__()

    def end(self) -> None:
        self.switch(None)


class Inline:
    """An inline element (a Span in another language, a Ruby and its parts) made when its text
    is first drawn, so that it takes its place among its parent's marked content in reading
    order. `within`: the Inline it is part of (an RB in its Ruby); else it is a child of the
    text block's own element. `then`: elements with no drawn content of their own, made
    right after it (a furigana's RT, whose text is its /ActualText). Each Inline object is
    one element per text block."""

    __slots__ = ("actual_text", "lang", "role", "then", "within")

    def __init__(
        self,
        role: str,
        lang: str | None = None,
        within: Inline | None = None,
        actual_text: str | None = None,
        then: tuple = (),
    ):
        self.role, self.lang, self.within = role, lang, within
        self.actual_text = actual_text  # text it stands for (furigana: the kanji alone)
        self.then = then


def ruby() -> tuple[Inline, Inline, Inline, Inline]:
    """The parts of a reading printed after a name (ISO 32000-1 14.8.4.3.4): the name (RB),
    the opening bracket (RP), the reading (RT) and the closing bracket (RP)."""
    group = Inline("Ruby")
    return (
        Inline("RB", within=group),
        Inline("RP", within=group),
        Inline("RT", within=group),
        Inline("RP", within=group),
    )


class TextTags:
    """How one text block is tagged: `element` owns its text, `label` its bullet (a Lbl).
    `marks`, one per span of the block: None (the text is `element`'s, or an inline Span if it
    is in another language), an Element or Inline owning the whole span, or (text, owner)
    pieces that make up the span. Shared by the parts of a block split over pages."""

    __slots__ = ("_made", "element", "label", "marks")

    def __init__(self, element: Element, label: Element | None = None, marks=None):
        self.element, self.label, self.marks = element, label, marks
        self._made: dict[Inline, Element] = {}

    def owner(self, mark) -> Element:
        """The element owning text marked `mark`; an Inline's element is made on first use."""
        if mark is None:
            return self.element
        if isinstance(mark, Inline):
            made = self._made.get(mark)
            if made is None:
                parent = self.owner(mark.within) if mark.within else self.element
                made = self._made[mark] = parent.add(
                    mark.role, lang=mark.lang, actual_text=mark.actual_text
                )
                for follower in mark.then:
                    self._made[follower] = parent.add(
                        follower.role, lang=follower.lang, actual_text=follower.actual_text
                    )
            return made
        return mark
