"""Validate the body-view SVGs (content/diagrams/*.svg) at load time, with file:line:col.

The renderer (svglib) understands only part of SVG and says little when it meets the rest, so a
view is checked here against the subset docs/diagrams.md describes: well-formed XML without a
DOCTYPE (no entities to expand), an <svg> root with a usable viewBox, only the listed elements
and attributes, and values the renderer can read (numbers, path data, colours). No lxml or
reportlab here: `check` stays light.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from handouts.content.sourcefile import read_source
from handouts.errors import Diagnostics, Mark

SVG_NS = "http://www.w3.org/2000/svg"

PRESENTATION = {
    "fill",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "fill-opacity",
}
GEOMETRY = {
    "g": set(),
    "path": {"d"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "circle": {"cx", "cy", "r"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"},
    "polygon": {"points"},
    "rect": {"x", "y", "width", "height", "rx", "ry"},
}
ROOT_ATTRIBUTES = {"width", "height", "viewBox"}
NUMBERS = {
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "x1",
    "y1",
    "x2",
    "y2",
    "x",
    "y",
    "width",
    "height",
    "stroke-width",
    "fill-opacity",
}
NOT_NEGATIVE = {"r", "rx", "ry", "width", "height", "stroke-width", "fill-opacity"}
KEYWORDS = {
    "stroke-linecap": {"butt", "round", "square"},
    "stroke-linejoin": {"miter", "round", "bevel"},
}
# Arguments per path command (docs/diagrams.md: M L H V C S Q T Z, and arcs outside #body).
PATH_ARGUMENTS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}

MAX_DEPTH = 32  # svglib draws groups recursively
MAX_ELEMENTS = 20_000  # a view has a few dozen; this bounds the renderer's work
MAX_SIZE = 100_000  # viewBox units
MAX_REPORTED = 20  # problems per file; the rest are counted

# Numbers written one way only (no two ways to split "1234"), and each path token taken whole
# ((?=(...))\1 is an atomic group): matching stays linear however long the data is.
_NUMBER_TEXT = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(_NUMBER_TEXT)
_NUMBER_LIST = re.compile(r"[\s,]+")
_COMMANDS = "MmLlHhVvCcSsQqTtAaZz"
_PATH_DATA = re.compile(rf"[\s,]*(?:(?=([{_COMMANDS}]|{_NUMBER_TEXT}))\1[\s,]*)*")
_PATH_SEGMENT = re.compile(rf"([{_COMMANDS}])([^{_COMMANDS}]*)")
_COLOUR = re.compile(r"none|#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|black|white")


class _Stop(Exception):
    """Parsing cannot go on (a DOCTYPE, or too many elements)."""


def check_view(path: Path, diagnostics: Diagnostics) -> tuple[float, float] | None:
    """The view's size (viewBox width, height) if the file is a usable body view; else None
    after reporting every problem at its place."""
    source = read_source(path, diagnostics)
    if source is None:
        return None
    return _ViewChecker(str(path), source, diagnostics).run()


def numbers(text: str) -> list[float] | None:
    """A list of finite numbers separated by spaces or commas, or None."""
    parts = [p for p in _NUMBER_LIST.split(text.strip()) if p]
    if not all(_NUMBER.fullmatch(p) for p in parts):
        return None
    values = [float(p) for p in parts]
    return values if all(math.isfinite(v) for v in values) else None


def path_problem(data: str) -> str | None:
    """What is wrong with SVG path data, or None."""
    valid = _PATH_DATA.match(data)  # always matches (the pattern takes the empty string)
    end = valid.end() if valid else 0
    if end < len(data):
        return f"unexpected '{data[end : end + 10].strip()}'"
    if not data.strip(" \t\r\n,"):
        return "it is empty"
    if data.lstrip(" \t\r\n,")[0] not in "Mm":
        return "it must start with M (move to)"
    for command, arguments in _PATH_SEGMENT.findall(data):
        needed, count = PATH_ARGUMENTS[command.upper()], len(_NUMBER.findall(arguments))
        if not needed and count:
            return f"{command} takes no numbers"
        if needed and (not count or count % needed):
            return f"{command} needs {needed} numbers at a time"
    if "e" in data.lower() and not all(math.isfinite(float(n)) for n in _NUMBER.findall(data)):
        return "a number is too large"
    return None


class _ViewChecker:
    def __init__(self, path: str, source: str, diagnostics: Diagnostics):
        from xml.parsers import expat  # here: a warm start checks no view (loadcache)

        self.path, self.source, self.diags = path, source, diagnostics
        self.lines = source.split("\n")
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.depth = 0
        self.elements = 0
        self.problems = 0
        self.size: tuple[float, float] | None = None

    def mark(self, line: int, byte_column: int) -> Mark:
        """expat counts columns in UTF-8 bytes from 0; marks count characters from 1."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = len(text.encode("utf-8")[:byte_column].decode("utf-8", "ignore"))
        return Mark(self.path, line, column + 1)

    def here(self) -> Mark:
        return self.mark(self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber)

    def error(self, message: str, hint: str | None = None, mark: Mark | None = None) -> None:
        self.problems += 1
        if self.problems <= MAX_REPORTED:
            self.diags.error(mark or self.here(), message, hint)

    def run(self) -> tuple[float, float] | None:
        from xml.parsers import expat

        parser = self.parser
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        parser.ProcessingInstructionHandler = self.instruction
        try:
            parser.Parse(self.source, True)
        except expat.ExpatError as exc:
            self.error(
                f"the SVG is not well-formed XML: {expat.errors.messages[exc.code]}",
                "open it in a browser or Inkscape and save it again",
                self.mark(exc.lineno, exc.offset),
            )
        except _Stop:
            pass
        if self.problems > MAX_REPORTED:
            self.diags.error(
                Mark(self.path), f"{self.problems - MAX_REPORTED} more problems in this SVG"
            )
        if self.size is None and not self.problems:
            self.error("the SVG has no <svg> root", mark=Mark(self.path))
        return self.size if not self.problems else None

    # -- expat handlers ---------------------------------------------------------------------
    def doctype(self, *args) -> None:
        self.error(
            "a DOCTYPE or entity declaration is not allowed in a body view",
            "save the file as plain SVG (docs/diagrams.md)",
        )
        raise _Stop

    def instruction(self, target, data) -> None:
        self.error(
            f"the processing instruction <?{target}?> is not allowed in a body view", "delete it"
        )

    def end(self, name) -> None:
        self.depth -= 1

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            self.error(f"more than {MAX_ELEMENTS} elements", "simplify the drawing")
            raise _Stop
        if self.depth > MAX_DEPTH:
            self.error(
                f"elements are nested more than {MAX_DEPTH} levels deep",
                "a view needs three groups and their shapes",
            )
            raise _Stop
        namespace, _, tag = name.rpartition(" ")
        if namespace != SVG_NS:
            where = (
                f" (namespace {namespace})" if namespace else f' (the root needs xmlns="{SVG_NS}")'
            )
            self.error(
                f"<{tag}> is not an SVG element{where}",
                "save the file as plain SVG, without editor data (docs/diagrams.md)",
            )
            if self.depth == 1:
                raise _Stop  # nothing below a foreign root is SVG either
            return
        if self.depth == 1:
            self.root(tag, attributes)
            return
        if tag not in GEOMETRY:
            self.error(
                f"<{tag}> is not allowed in a body view",
                "views use g, path, ellipse, circle, line, polyline, polygon and rect "
                "(docs/diagrams.md)",
            )
            return
        allowed = {"id"} | PRESENTATION | GEOMETRY[tag]
        for attribute, value in attributes.items():
            self.attribute(tag, attribute, value, allowed)

    def root(self, tag: str, attributes: dict[str, str]) -> None:
        if tag != "svg":
            self.error(f"the file is not an SVG drawing (its root is <{tag}>)")
            raise _Stop
        for attribute in sorted(set(attributes) - ROOT_ATTRIBUTES):
            self.error(
                f"attribute {_name(attribute)} on <svg> is not allowed",
                "the root has width, height and viewBox only (docs/diagrams.md)",
            )
        for attribute in ("width", "height"):
            value = attributes.get(attribute)
            number = None if value is None else numbers(value)
            if value is not None and (number is None or len(number) != 1 or number[0] <= 0):
                self.error(
                    f'<svg> {attribute}="{value[:20]}" is not a plain positive number',
                    'write the viewBox size without units, e.g. width="300"',
                )
        box_text = attributes.get("viewBox")
        box: list[float] | None
        if box_text is None:
            width, height = (numbers(attributes.get(a, "")) for a in ("width", "height"))
            box = (
                [0, 0, *width, *height]
                if width and height and len(width) == len(height) == 1
                else None
            )
        else:
            box = numbers(box_text)
        if box is None or len(box) != 4:
            self.error('<svg> needs viewBox="0 0 width height" with four numbers')
            return
        if not (0 < box[2] <= MAX_SIZE and 0 < box[3] <= MAX_SIZE):
            self.error(
                f"the viewBox size {box[2]:g} x {box[3]:g} is not usable",
                f"width and height must be above 0 and at most {MAX_SIZE}",
            )
            return
        self.size = (box[2], box[3])

    def attribute(self, tag: str, attribute: str, value: str, allowed: set[str]) -> None:
        shown = f'{_name(attribute)}="{value[:30]}{"..." if len(value) > 30 else ""}"'
        if attribute not in allowed:
            self.error(
                f"attribute {_name(attribute)} on <{tag}> is not allowed",
                "views use geometry and fill/stroke attributes only, no style, class or "
                "transform (docs/diagrams.md)",
            )
        elif attribute in NUMBERS:
            found = numbers(value)
            if found is None or len(found) != 1:
                self.error(f"<{tag}> {shown}: not a number", "write a plain number, e.g. 12.5")
            elif attribute in NOT_NEGATIVE and found[0] < 0:
                self.error(f"<{tag}> {shown}: must not be negative")
        elif attribute == "points":
            found = numbers(value)
            if found is None or len(found) < 4 or len(found) % 2:
                self.error(f'<{tag}> {shown}: expected pairs of numbers "x,y x,y ..."')
        elif attribute == "d":
            problem = path_problem(value)
            if problem:
                self.error(
                    f"<{tag}> path data: {problem}",
                    "path data is M x,y followed by commands and their numbers",
                )
        elif attribute in ("fill", "stroke"):
            if not _COLOUR.fullmatch(value.strip()):
                self.error(
                    f"<{tag}> {shown}: not a colour the views use", "write none or a #rrggbb colour"
                )
        elif attribute == "stroke-dasharray":
            if value.strip() != "none" and numbers(value) is None:
                self.error(f'<{tag}> {shown}: expected numbers, e.g. "4 3"')
        elif attribute in KEYWORDS and value.strip() not in KEYWORDS[attribute]:
            self.error(f"<{tag}> {shown}: expected one of {', '.join(sorted(KEYWORDS[attribute]))}")


def _name(attribute: str) -> str:
    """An attribute as written, roughly: expat gives namespaced names as 'uri local'."""
    namespace, _, local = attribute.rpartition(" ")
    return f"{namespace.rstrip('/').rsplit('/', 1)[-1]}:{local}" if namespace else local
