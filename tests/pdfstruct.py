"""Read a tagged PDF back, independently of how it was written (pikepdf, and poppler's pdfinfo).

    s = read_structure("handout.pdf")
    s.tree            Node("StructTreeRoot", ...) > Node("Document", ...) > ...
    s.text            every tagged text in structure order (one string per marked-content piece;
                      an element with /ActualText, such as a kanji run with its furigana, is
                      read as its ActualText)
    s.spoken          what a screen reader reads: /Alt and /ActualText replace what they describe
    s.untagged_text   text drawn outside tagged content and outside artifacts
    s.untagged_paint  any other painting outside both (paths, images, forms)
    s.artifact_text   text drawn inside artifacts
    s.figures         (Alt, language in effect) of every Figure
    s.links           (URI, /Contents, spoken text of its Link) of every link annotation
    s.problems        broken promises of the format: MCIDs that the tree and the pages disagree
                      on, a parent tree that points elsewhere, annotations outside the tree, a
                      text object (BT..ET) outside tagged content and artifacts or crossing
                      their bounds

Texts keep line breaks as "\\n" (one per drawn line); compare with `squash`, which drops all
whitespace (Japanese has none between words, and lines break anywhere).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pikepdf

TEXT_SHOW = {"Tj", "TJ", "'", '"'}
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "INLINE IMAGE"}
ATTRIBUTES = ("Alt", "ActualText", "Lang", "E")


class Node(NamedTuple):
    role: str
    attrs: dict  # the element's Alt, ActualText, Lang, E (those it has)
    text: str  # all drawn text beneath, in structure order, pieces joined by "\n"
    kids: tuple  # child Nodes and the strings of its own marked content, in order


@dataclass
class Structure:
    tree: Node
    lang: str | None
    text: list[str] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    untagged_text: list[tuple[int, str]] = field(default_factory=list)
    untagged_paint: list[tuple[int, str]] = field(default_factory=list)
    artifact_text: list[tuple[int, str]] = field(default_factory=list)
    figures: list[tuple[str | None, str | None]] = field(default_factory=list)
    links: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def find(self, role: str) -> list[Node]:
        """Every element of a role, in structure order."""
        found = []

        def visit(node):
            if node.role == role:
                found.append(node)
            for kid in node.kids:
                if isinstance(kid, Node):
                    visit(kid)

        visit(self.tree)
        return found


def squash(text: str | list[str]) -> str:
    if not isinstance(text, str):
        text = "".join(text)
    return re.sub(r"\s+", "", text)


def read_structure(path: Path | str) -> Structure:
    with pikepdf.open(path) as pdf:
        return _Reader(pdf).read()


def poppler_texts(path: Path | str) -> list[str]:
    """The texts `pdfinfo -struct-text` prints, in its (structure) order."""
    out = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return [m.group(1) for m in re.finditer(r'^\s*"(.*)"\s*$', out, re.MULTILINE)]


class _Reader:
    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.page_index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        self.marked: dict[tuple[int, int], str] = {}  # (page, MCID) -> text
        self.problems: list[str] = []
        self.untagged_text: list[tuple[int, str]] = []
        self.untagged_paint: list[tuple[int, str]] = []
        self.artifact_text: list[tuple[int, str]] = []
        self.claimed: dict[tuple[int, int], tuple] = {}  # (page, MCID) -> element objgen
        self.annotations: dict[tuple, tuple] = {}  # annotation objgen -> element objgen
        self.figures: list = []
        self.links: list = []

    def read(self) -> Structure:
        for number, page in enumerate(self.pdf.pages):
            self._scan_page(number, page)
        root = self.pdf.Root.get("/StructTreeRoot")
        catalog_lang = _str(self.pdf.Root.get("/Lang"))
        if root is None:
            tree = Node("StructTreeRoot", {}, "", ())
            self.problems.append("no StructTreeRoot")
        else:
            self.role_map = {
                str(k)[1:]: str(v)[1:]
                for k, v in root.get("/RoleMap", pikepdf.Dictionary()).items()
            }
            kids = tuple(self._element(kid, None, catalog_lang) for kid in _array(root.get("/K")))
            tree = Node("StructTreeRoot", {}, "\n".join(k.text for k in kids if k.text), kids)
            self._check_parent_tree(root)
        for key in sorted(set(self.marked) - set(self.claimed)):
            self.problems.append(f"page {key[0] + 1} MCID {key[1]} is in no structure element")
        self._check_annotations()
        structure = Structure(
            tree,
            catalog_lang,
            untagged_text=self.untagged_text,
            untagged_paint=self.untagged_paint,
            artifact_text=self.artifact_text,
            figures=self.figures,
            links=self.links,
            problems=self.problems,
        )
        structure.text = [t for t in _pieces(tree) if t]
        structure.spoken = [t for t in _spoken(tree) if t]
        return structure

    # -- page content ---------------------------------------------------------------------

    def _scan_page(self, number: int, page: pikepdf.Page) -> None:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        decoders: dict[str, _Decoder] = {}
        stack: list[tuple[str, int | None]] = []  # open marked content: (tag, MCID)
        font = None
        line: list[str] = []
        text_object = None  # the open marked content when BT began
        replaced: list[bool] = []  # per open marked content: a span with /ActualText
        for instruction in pikepdf.parse_content_stream(page):
            op = str(instruction.operator)
            operands = getattr(instruction, "operands", [])
            if op in ("BDC", "BMC"):
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = operands[1].get("/MCID")
                    mcid = int(mcid) if mcid is not None else None
                tag = str(operands[0])[1:]
                if mcid is not None and any(m is not None for _, m in stack):
                    self.problems.append(f"page {number + 1}: MCID {mcid} nested in another")
                if tag == "Artifact" and any(m is not None for _, m in stack):
                    self.problems.append(f"page {number + 1}: artifact inside tagged content")
                if mcid is not None and any(t == "Artifact" for t, _ in stack):
                    self.problems.append(f"page {number + 1}: MCID {mcid} inside an artifact")
                if mcid is not None and (number, mcid) in self.marked:
                    self.problems.append(f"page {number + 1}: MCID {mcid} used twice")
                if mcid is not None:
                    self.marked[(number, mcid)] = ""
                # A span that stands for other text (furigana drawn in a running header or a
                # figure's caption: the kanji, not kanji and reading) is read as its ActualText.
                actual = (
                    operands[1].get("/ActualText")
                    if op == "BDC" and mcid is None and isinstance(operands[1], pikepdf.Dictionary)
                    else None
                )
                if actual is not None and not any(replaced):
                    if any(t == "Artifact" for t, _ in stack):
                        self.artifact_text.append((number + 1, str(actual)))
                    elif _inside(stack):
                        line.append(str(actual))
                replaced.append(actual is not None)
                stack.append((tag, mcid))
            elif op == "EMC":
                self._flush(number, stack, line)
                stack.pop()
                replaced.pop()
            elif op == "Tf":
                name = str(operands[0])
                if name not in decoders:
                    decoders[name] = _Decoder(fonts.get(name))
                font = decoders[name]
            elif op == "BT":
                text_object = list(stack)
                if not _inside(stack):
                    self.problems.append(
                        f"page {number + 1}: a text object outside tagged content and artifacts"
                    )
            elif op == "ET":
                self._flush(number, stack, line)
                if stack != text_object:
                    self.problems.append(
                        f"page {number + 1}: marked content crosses the bounds of a text object"
                    )
            elif op in TEXT_SHOW and any(replaced):
                continue
            elif op in TEXT_SHOW:
                line.append(font.decode(operands[-1]) if font else "?")
                if not _inside(stack):
                    self.untagged_text.append((number + 1, line[-1]))
                elif any(tag == "Artifact" for tag, _ in stack) and not any(replaced):
                    self.artifact_text.append((number + 1, line[-1]))
            elif op in PAINT and not _inside(stack):
                self.untagged_paint.append((number + 1, op))
        if stack:
            self.problems.append(f"page {number + 1}: {len(stack)} marked content left open")

    def _flush(self, number, stack, line: list[str]) -> None:
        """End of a text object (or of marked content): its text joins the open MCID's text."""
        if not line:
            return
        mcid = next((m for _, m in reversed(stack) if m is not None), None)
        if mcid is not None:
            key = (number, mcid)
            self.marked[key] = (self.marked[key] + "\n" if self.marked[key] else "") + "".join(line)
        line.clear()

    # -- structure tree -------------------------------------------------------------------

    def _element(self, obj, page: int | None, lang: str | None) -> Node:
        role = str(obj.get("/S", "/?"))[1:]
        role = self.role_map.get(role, role)
        attrs = {k: _str(obj[f"/{k}"]) for k in ATTRIBUTES if f"/{k}" in obj}
        lang = attrs.get("Lang", lang)
        if "/Pg" in obj:
            page = self.page_index.get(obj.Pg.objgen)
        kids: list = []
        for kid in _array(obj.get("/K")):
            if isinstance(kid, int):
                kids.append(self._claim(page, kid, obj))
            elif kid.get("/Type") == "/MCR":
                kid_page = self.page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                kids.append(self._claim(kid_page, int(kid.MCID), obj))
            elif kid.get("/Type") == "/OBJR":
                self.annotations[kid.Obj.objgen] = obj.objgen
            else:
                kids.append(self._element(kid, page, lang))
        text = "\n".join(
            k.text if isinstance(k, Node) else k
            for k in kids
            if (k.text if isinstance(k, Node) else k)
        )
        if role != "Figure" and attrs.get("ActualText") is not None:
            text = attrs["ActualText"]  # text it stands for (furigana: the kanji alone)
        node = Node(role, attrs, text, tuple(kids))
        if role == "Figure":
            self.figures.append((attrs.get("Alt"), lang))
        if role == "Link":
            for annotation in _objr(obj):
                action = annotation.get("/A", {})
                self.links.append(
                    (
                        _str(action.get("/URI")),
                        _str(annotation.get("/Contents")),
                        "\n".join(_spoken(node)),
                    )
                )
        return node

    def _claim(self, page: int | None, mcid: int, element) -> str:
        key = (page, mcid)
        if page is None:
            self.problems.append(f"MCID {mcid} of a {element.get('/S')} has no page")
            return ""
        if key in self.claimed:
            self.problems.append(f"page {page + 1} MCID {mcid} claimed by two elements")
        self.claimed[key] = element.objgen
        if key not in self.marked:
            self.problems.append(
                f"page {page + 1} MCID {mcid} of a {element.get('/S')} is not in the page"
            )
        return self.marked.get(key, "")

    def _check_parent_tree(self, root) -> None:
        tree = root.get("/ParentTree")
        if tree is None:
            self.problems.append("no ParentTree")
            return
        nums = dict(_number_tree(tree))
        next_key = root.get("/ParentTreeNextKey")
        if nums and (next_key is None or int(next_key) <= max(nums)):
            self.problems.append("ParentTreeNextKey missing or not above every key")
        for (page, mcid), owner in self.claimed.items():
            page_obj = self.pdf.pages[page].obj
            key = page_obj.get("/StructParents")
            if key is None:
                self.problems.append(f"page {page + 1} has MCIDs but no StructParents")
                continue
            array = nums.get(int(key))
            if array is None or mcid >= len(array) or array[mcid].objgen != owner:
                self.problems.append(
                    f"parent tree: page {page + 1} MCID {mcid} does not point "
                    "to the element that owns it"
                )
        self.nums = nums

    def _check_annotations(self) -> None:
        nums = getattr(self, "nums", {})
        for number, page in enumerate(self.pdf.pages):
            annots = page.obj.get("/Annots", [])
            if len(annots) and page.obj.get("/Tabs") != "/S":
                self.problems.append(f"page {number + 1} has annotations but no /Tabs /S")
            for annotation in annots:
                if annotation.get("/Subtype") == "/Popup":
                    continue
                owner = self.annotations.get(annotation.objgen)
                key = annotation.get("/StructParent")
                if owner is None:
                    self.problems.append(f"page {number + 1}: annotation outside the structure")
                elif key is None or nums.get(int(key)) is None or nums[int(key)].objgen != owner:
                    self.problems.append(
                        f"page {number + 1}: annotation's StructParent does "
                        "not point to its element"
                    )


def _inside(stack) -> bool:
    """Is the current position in tagged content (an MCID) or in an artifact?"""
    return any(mcid is not None or tag == "Artifact" for tag, mcid in stack)


def _array(value) -> list:
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


def _str(value) -> str | None:
    return None if value is None else str(value)


def _objr(element):
    return [
        kid.Obj
        for kid in _array(element.get("/K"))
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
    ]


def _number_tree(node):
    """(key, value) pairs of a number tree (ISO 32000-1 7.9.7), leaves and intermediate nodes."""
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _pieces(node: Node):
    if node.role != "Figure" and node.attrs.get("ActualText") is not None:
        yield node.attrs["ActualText"]  # what its marked content is read as, once
        return
    for kid in node.kids:
        if isinstance(kid, Node):
            yield from _pieces(kid)
        else:
            yield kid


def _spoken(node: Node):
    """What a screen reader says for `node`: ActualText replaces the content it stands for,
    and so does Alt (the description of a figure or of a whole element)."""
    for key in ("ActualText", "Alt"):
        if node.attrs.get(key):
            yield node.attrs[key]
            return
    for kid in node.kids:
        if isinstance(kid, Node):
            yield from _spoken(kid)
        else:
            yield kid


class _Decoder:
    """Character codes of a font -> Unicode, from its ToUnicode CMap (bfchar and bfrange)."""

    def __init__(self, font):
        self.width = 2 if font is not None and font.get("/Subtype") == "/Type0" else 1
        self.map: dict[int, str] | None = None
        if font is not None and "/ToUnicode" in font:
            self.map = {}
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
                for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                    self.map[int(src, 16)] = _utf16(dst)
            for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
                for lo, hi, dst in re.findall(
                    r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
                ):
                    lo, hi = int(lo, 16), int(hi, 16)
                    if dst.startswith("["):
                        for i, item in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", dst)):
                            self.map[lo + i] = _utf16(item)
                    else:
                        start = int(dst[1:-1], 16)
                        for i in range(hi - lo + 1):
                            self.map[lo + i] = chr(start + i)

    def decode(self, operand) -> str:
        if isinstance(operand, pikepdf.Array):
            return "".join(
                self.decode(item) for item in operand if isinstance(item, pikepdf.String)
            )
        data = bytes(operand)
        if self.map is None:
            return data.decode("latin-1")
        codes = [
            int.from_bytes(data[i : i + self.width], "big") for i in range(0, len(data), self.width)
        ]
        return "".join(self.map.get(code, "\ufffd") for code in codes)


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be") if hex_text else ""
