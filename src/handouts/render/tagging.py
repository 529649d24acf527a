"""Tagged PDF (ISO 32000-1 14.6-14.8) for PDF/UA-1: marked content and the structure tree.

reportlab writes untagged PDF. This module adds what a screen reader needs:

- while the renderer draws, `StructureTree.content` wraps what belongs to a structure element
  in `/Role <</MCID n>> BDC ... EMC`, and `StructureTree.artifact` wraps decoration and running
  headers and footers in `/Artifact ... BDC ... EMC`;
- the renderer declares the logical structure as elements (Document > H1, P, L > LI > Lbl,
  LBody ...); an element's kids are in the order they were added (child elements when created,
  marked content when drawn), and that order is the reading order, whatever the drawing order;
- `StructureTree.finish` writes the tree and the catalog entries PDF/UA asks for through
  reportlab's own PDF objects, so there is no second pass and the output stays byte-identical.
"""

from __future__ import annotations

import contextlib
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFString

# The standard structure types of ISO 32000-1 14.8.4: a tree that uses only these needs no
# RoleMap, and a typo is an error here rather than an unknown tag in a reader.
ROLES = frozenset("""
    Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
    P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
    Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
    Figure Formula Form
""".split())
# Elements whose content a reader replaces by their alternate description (PDF/UA-1 7.3).
NEEDS_ALT = frozenset({"Figure", "Formula"})
ARTIFACT_TYPES = frozenset({"Layout", "Pagination", "Page", "Background"})
ARTIFACT_SUBTYPES = frozenset({"Header", "Footer", "Watermark"})


class TaggingError(Exception):
    """The renderer used the tagging API in a way that would give a wrong tree (a bug)."""


class Element:
    """One structure element; create it with `StructureTree.document.add(...)` and descendants."""

    __slots__ = ("tree", "role", "parent", "kids", "alt", "actual_text", "lang")

    def __init__(self, tree: StructureTree, role: str, parent: Element | None,
                 alt: str | None = None, actual_text: str | None = None,
                 lang: str | None = None):
        if role not in ROLES:
            raise TaggingError(f"{role!r} is not a standard structure type")
        if role in NEEDS_ALT and not (alt and alt.strip()):
            raise TaggingError(f"a {role} needs alternate text (PDF/UA-1 7.3)")
        self.tree, self.role, self.parent = tree, role, parent
        self.alt, self.actual_text, self.lang = alt, actual_text, lang
        self.kids: list[Element | _Content | _Annotation] = []

    def add(self, role: str, *, alt: str | None = None, actual_text: str | None = None,
            lang: str | None = None) -> Element:
        """A new child element, after the kids added so far. `lang` only where the element's
        language differs from the document's (BCP 47); `actual_text` replaces the drawn text
        for readers and copy/paste; `alt` describes content that is not text."""
        child = Element(self.tree, role, self, alt, actual_text, lang)
        self.kids.append(child)
        return child

    def __repr__(self) -> str:
        return f"<Element {self.role} with {len(self.kids)} kids>"


class _Content:
    """A marked-content sequence: MCID `mcid` on page `page` (1-based)."""

    __slots__ = ("page", "mcid")

    def __init__(self, page: int, mcid: int):
        self.page, self.mcid = page, mcid


class _Annotation:
    """An annotation owned by an element, and its key in the parent tree (set by finish)."""

    __slots__ = ("page", "ref", "key")

    def __init__(self, page: int, ref, key: _Number):
        self.page, self.ref, self.key = page, ref, key


class _Number(PDFObject):
    """An integer written into an object before its value is known (annotations are made while
    drawing; their /StructParent keys follow the pages' keys, known only at the end)."""

    value: int | None = None

    def format(self, document) -> bytes:
        if self.value is None:
            raise TaggingError("an annotation's structure parent was never assigned")
        return str(self.value).encode("ascii")


class StructureTree:
    """The logical structure of one document, and the marked content of its pages.

    One per canvas. All marking goes through `content`, `artifact` and `link`; `finish` once,
    after the last page is shown and before the canvas is saved.
    """

    def __init__(self, lang: str):
        self.lang = lang
        self.document = Element(self, "Document", None)
        self._owners: dict[int, list[Element]] = {}   # page -> the element owning each MCID
        self._open: str | None = None                 # the marked-content sequence being drawn
        self._links = 0

    @contextlib.contextmanager
    def content(self, canvas, element: Element):
        """Mark what is drawn inside as content of `element`; yields the MCID."""
        if element.tree is not self:
            raise TaggingError("element belongs to another document")
        page = canvas.getPageNumber()
        owners = self._owners.setdefault(page, [])
        mcid = len(owners)
        owners.append(element)
        element.kids.append(_Content(page, mcid))
        with self._sequence(canvas, f"/{element.role} <</MCID {mcid}>> BDC", "content"):
            yield mcid

    @contextlib.contextmanager
    def artifact(self, canvas, kind: str = "Layout", subtype: str | None = None):
        """Mark what is drawn inside as an artifact: decoration (`Layout`), or running headers,
        footers and page numbers (`Pagination` with subtype `Header` or `Footer`)."""
        if kind not in ARTIFACT_TYPES or (subtype and subtype not in ARTIFACT_SUBTYPES):
            raise TaggingError(f"unknown artifact {kind} {subtype}")
        properties = f"/Type /{kind}" + (f" /Subtype /{subtype}" if subtype else "")
        with self._sequence(canvas, f"/Artifact <<{properties}>> BDC", "artifact"):
            yield

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

    @contextlib.contextmanager
    def _sequence(self, canvas, begin: str, what: str):
        # Sequences never nest: tagged content inside an artifact, an artifact inside tagged
        # content (PDF/UA-1 7.1) or content owned by two elements would all be ambiguous.
        if self._open:
            raise TaggingError(f"{what} opened inside {self._open}")
        page = canvas.getPageNumber()
        self._open = what
        canvas.addLiteral(begin)
        try:
            yield
        finally:
            self._open = None
        if canvas.getPageNumber() != page:
            raise TaggingError(f"{what} started on page {page} and ended on another")
        canvas.addLiteral("EMC")

    def link(self, canvas, element: Element, url: str, rect: tuple[float, float, float, float],
             description: str) -> None:
        """A link annotation over `rect` (current coordinates) that opens `url`, owned by
        `element` (a Link). `description` is the annotation's /Contents (PDF/UA-1 7.18.5): what
        the link opens. A Link may own several annotations (the same link on several pages)."""
        if element.role != "Link":
            raise TaggingError(f"a link annotation belongs in a Link, not a {element.role}")
        if not description.strip():
            raise TaggingError("a link annotation needs a description (PDF/UA-1 7.18.5)")
        key = _Number()
        self._links += 1
        annotation = PDFDictionary({
            "Type": PDFName("Annot"), "Subtype": PDFName("Link"), "F": 4,   # 4: printable
            "Rect": PDFArray(canvas._absRect(rect, 1)), "Border": PDFArray([0, 0, 0]),
            "Contents": PDFString(description), "StructParent": key,
            "A": PDFDictionary({"S": PDFName("URI"), "URI": PDFString(url)})})
        # reportlab's linkURL would name it by a per-page counter, which a canvas that replays
        # its pages (to number them) resets: name it by this document's own count.
        canvas._addAnnotation(annotation, f"StructLink{self._links}")
        element.kids.append(_Annotation(canvas.getPageNumber(), canvas._annotationrefs[-1], key))

    def finish(self, canvas, title: str) -> None:
        """Write the structure tree, the parent tree and the catalog, page and metadata entries
        of a tagged PDF/UA-1 document. Call after the last showPage(), before save()."""
        if self._open:
            raise TaggingError(f"{self._open} still open at the end of the document")
        doc = canvas._doc
        pages = doc.Pages.pages
        marked_pages = {k.page for e in _walk(self.document) for k in e.kids
                        if not isinstance(k, Element)}
        if marked_pages and max(marked_pages) > len(pages):
            raise TaggingError("finish() before the last page was shown")
        _prune(self.document)

        root = PDFDictionary({"Type": PDFName("StructTreeRoot")})
        root_ref = doc.Reference(root)
        elements = list(_walk(self.document))
        dicts = {id(e): PDFDictionary() for e in elements}
        refs = {id(e): doc.Reference(dicts[id(e)]) for e in elements}
        for element in elements:
            dicts[id(element)].dict.update(_element_entries(
                element, refs[id(element.parent)] if element.parent else root_ref, refs, pages))

        # The parent tree maps each page's MCIDs, then each annotation, back to its element.
        nums: list = []
        key = 0
        for page in sorted(self._owners):
            owners = self._owners[page]
            pages[page - 1].StructParents = key
            nums += [key, PDFArray([refs[id(e)] for e in owners])]
            key += 1
        for element in elements:
            for kid in element.kids:
                if isinstance(kid, _Annotation):
                    kid.key.value = key
                    nums += [key, refs[id(element)]]
                    key += 1
        for page in pages:
            # reportlab writes only the page entries it lists; add ours to this page's list.
            page.Tabs = PDFName("S")   # tab order = structure order (PDF/UA-1 7.18.3)
            page.__NoDefault__ = [*type(page).__NoDefault__, "StructParents", "Tabs"]
        root.dict.update({"K": PDFArray([refs[id(self.document)]]),
                          "ParentTree": PDFDictionary({"Nums": PDFArray(nums)}),
                          "ParentTreeNextKey": key})

        canvas.setCatalogEntry("StructTreeRoot", root)
        canvas.setCatalogEntry("MarkInfo", PDFDictionary({"Marked": "true"}))
        canvas.setCatalogEntry("Lang", PDFString(self.lang))
        canvas.setCatalogEntry("Metadata", _xmp(title, self.lang))
        canvas.setViewerPreference("DisplayDocTitle", "true")
        canvas.setTitle(title)
        doc._pdfVersion = max(doc._pdfVersion, (1, 7))   # PDF/UA-1 is built on ISO 32000-1
        doc.delayedFonts.append(_NoNullUnicode())        # runs after the fonts are written


def _walk(element: Element):
    yield element
    for kid in element.kids:
        if isinstance(kid, Element):
            yield from _walk(kid)


def _prune(element: Element) -> bool:
    """Drop elements that own nothing (declared, then never drawn); True if `element` stays."""
    element.kids = [k for k in element.kids if not isinstance(k, Element) or _prune(k)]
    return bool(element.kids) or element.parent is None


def _element_entries(element: Element, parent_ref, refs: dict, pages: list) -> dict:
    marked = [k for k in element.kids if not isinstance(k, Element)]
    home = marked[0].page if marked else None   # the element's /Pg: where its content starts
    kids = []
    for kid in element.kids:
        if isinstance(kid, Element):
            kids.append(refs[id(kid)])
        elif isinstance(kid, _Annotation):
            kids.append(PDFDictionary({"Type": PDFName("OBJR"), "Obj": kid.ref,
                                       "Pg": pages[kid.page - 1]}))
        elif kid.page == home:
            kids.append(kid.mcid)
        else:
            kids.append(PDFDictionary({"Type": PDFName("MCR"), "MCID": kid.mcid,
                                       "Pg": pages[kid.page - 1]}))
    entries = {"Type": PDFName("StructElem"), "S": PDFName(element.role), "P": parent_ref,
               "K": PDFArray(kids)}
    if home is not None:
        entries["Pg"] = pages[home - 1]
    for key, value in (("Alt", element.alt), ("ActualText", element.actual_text),
                       ("Lang", element.lang)):
        if value is not None:
            entries[key] = PDFString(value)
    return entries


def _xmp(title: str, lang: str):
    """The XMP packet: dc:title and the PDF/UA identification (PDF/UA-1 5 and 7.1)."""
    from reportlab.pdfbase.pdfdoc import XMP

    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
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
            if not name.startswith("toUnicodeCMap:"):
                continue
            lines = obj.content.split("\n")
            kept = [line for line in lines if not line.endswith("> <0000>")]
            start = next(i for i, line in enumerate(kept) if line.endswith(" beginbfchar"))
            kept[start] = f"{int(kept[start].split()[0]) - (len(lines) - len(kept))} beginbfchar"
            obj.content = "\n".join(kept)
