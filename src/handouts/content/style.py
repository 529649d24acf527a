"""Page design as data: content/styles.yaml, checked and resolved into one Style per document.

The file holds named layers (docs in the file itself). A document's style merges, in order:
`base`, `letter` (Letter paper), `large-print`, then the language's own layer (named by `style:`
in its language.yaml) with that layer's `letter:` / `large-print:` sections. A layer may name a
`parent:` layer; a text style may name a `parent:` text style (rst2pdf's styles.yaml model).

Rendering receives the resolved Style (points and RGB values) and never reads YAML.
"""

from __future__ import annotations

import dataclasses
import math
import re
import types
import typing
from pathlib import Path
from typing import Any

from handouts.content.schema import doc, suggest
from handouts.content.yamlsrc import Map, Seq, load_yaml
from handouts.errors import Diagnostics, Mark
from handouts.records import Record, record

FILE = "styles.yaml"
VARIANTS = ("letter", "large-print")  # layers applied for --paper letter, --large-print
UNITS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
MAX_LENGTH = 2000.0  # points: no length of the page design is longer than a sheet of paper
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(pt|mm|cm|in)?\s*$")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

RGB = tuple[float, float, float]


class Length(float):
    """A length in points; written as a number (points) or with a unit: 15mm, 0.6in, 10pt."""


class ColorName(str):
    """'#rrggbb' or the name of a colour under `colors:`."""


# The resolved style: every field is required after merging the layers. ------------------------
@record(frozen=True, eq=False, repr=False)
class TextSpec(Record):
    size: float = doc("font size in points")
    leading: float = doc("line height as a multiple of the size")
    bold: bool = doc("bold weight of the language's font")
    color: RGB = doc("colour: #rrggbb or a name under colors:")


@record(frozen=True, eq=False, repr=False)
class Page(Record):
    width: Length = doc("paper width", at_least=200, at_most=2000)
    height: Length = doc("paper height", at_least=200, at_most=2000)
    margin_left: Length = doc("left margin")
    margin_right: Length = doc("right margin")
    margin_top: Length = doc("top margin (above the header)")
    margin_bottom: Length = doc("bottom margin (below the footer)")
    columns: int = doc(
        "2: short lists side by side; 1: everything in one column", at_least=1, at_most=2
    )
    column_gap: Length = doc("space between two columns")
    paragraph_gap: Length = doc("space after a paragraph")
    bullet_gap: Length = doc("space between bullet items")
    section_gap: float = doc("space before a heading, in body text sizes")
    budget_factor: int = doc(
        "page budgets are multiplied by this (large type needs more pages)", at_least=1, at_most=4
    )


@record(frozen=True, eq=False, repr=False)
class Colors(Record):
    text: RGB = doc("body text")
    muted: RGB = doc("secondary text: disclaimer, labels")
    rule: RGB = doc("thin rules")
    tint: RGB = doc("background of the red-flag box")
    untreated: RGB = doc("marks of points not treated today")
    side: RGB = doc("R / L labels beside the views")


@record(frozen=True, eq=False, repr=False)
class Header(Record):
    rule: Length = doc("width of the rule under the header")
    gap: Length = doc("from the top of the header text to the body")


@record(frozen=True, eq=False, repr=False)
class Footer(Record):
    qr_size: Length = doc("side of each QR code")
    quiet_zone: Length = doc("free space around each code")
    text_gap: Length = doc("the footer text ends at least this far before the codes")
    qr_gap: Length = doc("space between the two codes")
    caption_gap: Length = doc("space between a code and its caption")
    rule: Length = doc("width of the rule above the footer")
    body_gap: Length = doc("space between the body and the footer rule")


@record(frozen=True, eq=False, repr=False)
class Alert(Record):
    border: Length = doc("frame width of the red-flag box")
    padding: Length = doc("space inside the frame, left and right")
    padding_top: Length = doc("space inside the frame, top")
    padding_bottom: Length = doc("space inside the frame, bottom")
    pictogram: Length = doc("height of the warning triangle")
    pictogram_stroke: Length = doc("line width of the warning triangle")


@record(frozen=True, eq=False, repr=False)
class Fields(Record):
    border: Length = doc("frame of the personal details box")
    rule: Length = doc("rules between its rows")
    padding: Length = doc("space inside its cells")


@record(frozen=True, eq=False, repr=False)
class FillIn(Record):
    line: Length = doc("width of a writing line")
    height: Length = doc("room to write by hand above each line")
    blank: Length = doc(
        "shortest line to write on after its label (a name's twice as long): "
        "labels that leave less go on the next row",
        at_least=10,
        at_most=300,
    )


@record(frozen=True, eq=False, repr=False)
class Memo(Record):
    lines: int = doc("fewest writing lines in the questions area", at_least=1, at_most=20)
    line_gap: Length = doc("distance between writing lines", at_least=10, at_most=100)
    line: Length = doc("width of a writing line")
    max_lines: int = doc("most writing lines, however much room is left", at_least=1, at_most=40)


@record(frozen=True, eq=False, repr=False)
class Diagram(Record):
    min_height: Length = doc("smallest printed height of a leg view", at_least=20, at_most=800)
    max_height: Length = doc(
        "views grow into free space up to this height", at_least=20, at_most=800
    )
    detail_scale: float = doc(
        "hand and foot views: height as a share of the leg views", at_least=0.3, at_most=1
    )
    gap: Length = doc("space between views in a row")
    outline: Length = doc("body outline width (fixed on paper, not scaled with the view)")
    detail: Length = doc("width of creases, nails and landmarks")
    bone: Length = doc("width of the dashed bones under the skin")
    bone_dash: list[Length] = doc("dash and gap of the bones")
    leader: Length = doc("width of the line from a point to its number")
    dot: Length = doc("radius of a point's dot")
    dot_halo: Length = doc(
        "white ring around a point's dot and under its leader, so that a dot "
        "on the outline stands clear of its strokes",
        at_least=0,
        at_most=5,
    )
    badge_stroke: Length = doc("ring of a numbered marker")
    badge_stroke_treated: Length = doc("ring of a treated point's marker")
    untreated: Length = doc("half-size of the diamond marking a point not treated today")
    untreated_stroke: Length = doc("line width of that diamond")
    clearance: Length = doc("least space between markers, leaders, landmarks and labels")
    compact_legend: float = doc(
        "aftercare: share of the width for the legend beside the views", at_least=0.2, at_most=0.6
    )
    detail_views: list[str] = doc("views drawn smaller than the leg views (hand, foot)")


TEXT_STYLES = (
    "body",
    "muted",
    "strong",
    "heading",
    "title",
    "label",
    "header",
    "header_label",
    "footer",
    "contact",
    "contact_strong",
    "caption",
    "number",
    "side",
    "fill_in",
    "appointment",
)


@record(frozen=True, eq=False, repr=False)
class Style(Record):
    """Everything about a document's look that is not its words or fonts."""

    page: Page
    colors: Colors
    text: dict[str, TextSpec]
    header: Header
    footer: Footer
    alert: Alert
    fields: Fields
    fill_in: FillIn
    memo: Memo
    diagram: Diagram


# A layer: any part of a Style, plus `parent:` and variant sections. ------------------------------
@record(frozen=True, eq=False, repr=False)
class TextLayer(Record):
    parent: str | None = doc("text style to start from", default=None)
    size: Length | None = doc("font size", default=None, at_least=6, at_most=72)
    leading: float | None = doc(
        "line height as a multiple of the size", default=None, at_least=1, at_most=3
    )
    bold: bool | None = doc("bold", default=None)
    color: ColorName | None = doc("#rrggbb or a name under colors:", default=None)


SECTIONS: dict[str, Any] = {
    "page": Page,
    "colors": Colors,
    "header": Header,
    "footer": Footer,
    "alert": Alert,
    "fields": Fields,
    "fill_in": FillIn,
    "memo": Memo,
    "diagram": Diagram,
}


@record(frozen=True, eq=False, repr=False)
class StyleSheet(Record):
    """The checked layers of styles.yaml (lengths in points, colours as written)."""

    path: str
    layers: dict[str, dict]

    def names(self) -> list[str]:
        return [name for name in self.layers if name not in ("base", *VARIANTS)]


def load(root: Path, diags: Diagnostics) -> StyleSheet | None:
    """Read and check content/styles.yaml; every problem goes to `diags` with its place."""
    path = root / FILE
    if not path.is_file():
        diags.error(
            Mark(str(path)),
            f"missing file {FILE}",
            "it holds the page design: sizes, margins, colours, line widths",
        )
        return None
    data = load_yaml(path, diags)
    if data is None:
        return None
    if not isinstance(data, Map):
        diags.error(Mark(str(path)), "expected a mapping of style layers (base: ...)")
        return None
    errors = len(diags.errors)
    layers = {}
    for name, value in data.items():
        layers[name] = _layer(value, data.value_marks[name], diags, name, nested=True)
    if "base" not in layers:
        diags.error(
            data.mark, "no 'base' style", "base holds every value; other layers change some"
        )
    for name, layer in layers.items():
        parent = layer.get("parent")
        if parent is not None and parent not in layers:
            diags.error(
                data.value_marks[name],
                f"{name}: unknown parent layer '{parent}'",
                suggest(parent, layers) or f"layers: {', '.join(layers)}",
            )
    if len(diags.errors) > errors:
        return None
    sheet = StyleSheet(str(path), layers)
    for name in ["base", *sheet.names()]:
        for paper in ("a4", "letter"):
            for large in (False, True):
                _resolve_or_report(
                    sheet,
                    None if name == "base" else name,
                    paper,
                    large,
                    data.value_marks.get(name, data.mark),
                    diags,
                )
    return sheet if len(diags.errors) == errors else None


def check_language_style(
    sheet: StyleSheet, name: str | None, mark: Mark, diags: Diagnostics
) -> None:
    """A language.yaml `style:` must name a layer of styles.yaml."""
    if name is not None and name not in sheet.names():
        diags.error(
            mark,
            f"style '{name}' is not in {FILE}",
            suggest(name, sheet.names()) or f"styles: {', '.join(sheet.names())}",
        )


def resolve(
    sheet: StyleSheet, language_style: str | None, paper: str = "a4", large_print: bool = False
) -> Style:
    """The merged style of one document variant."""
    return _resolve(sheet, language_style, paper, large_print)


# -- checking one layer -------------------------------------------------------------------------
def _layer(value: Any, mark: Mark, diags: Diagnostics, what: str, nested: bool) -> dict:
    if not isinstance(value, Map):
        diags.error(mark, f"{what}: expected a mapping")
        return {}
    allowed = {"parent", "text", *SECTIONS, *(VARIANTS if nested else ())}
    result: dict[str, Any] = {}
    for key, item in value.items():
        where, item_mark = f"{what}.{key}", value.value_marks[key]
        if key not in allowed:
            diags.error(
                value.key_marks[key],
                f"unknown key '{key}' in {what}",
                suggest(key, allowed) or f"allowed: {', '.join(sorted(allowed))}",
            )
        elif key == "parent":
            if not isinstance(item, str):
                diags.error(item_mark, f"{where}: expected the name of a layer")
            else:
                result[key] = str(item)
        elif key in VARIANTS:
            result[key] = _layer(item, item_mark, diags, where, nested=False)
        elif key == "text":
            if not isinstance(item, Map):
                diags.error(item_mark, f"{where}: expected a mapping of text styles")
                continue
            result[key] = {}
            for name, spec in item.items():
                if name not in TEXT_STYLES:
                    diags.error(
                        item.key_marks[name],
                        f"unknown text style '{name}'",
                        suggest(name, TEXT_STYLES) or f"known: {', '.join(TEXT_STYLES)}",
                    )
                    continue
                result[key][name] = _fields(
                    TextLayer, spec, item.value_marks[name], diags, f"{where}.{name}"
                )
                parent = result[key][name].get("parent")
                if parent is not None and parent not in TEXT_STYLES:
                    diags.error(
                        spec.value_marks.get("parent", item.value_marks[name]),
                        f"{where}.{name}: unknown parent '{parent}'",
                        suggest(parent, TEXT_STYLES) or f"known: {', '.join(TEXT_STYLES)}",
                    )
        else:
            result[key] = _fields(SECTIONS[key], item, item_mark, diags, where)
    return result


def _fields(cls: type, value: Any, mark: Mark, diags: Diagnostics, what: str) -> dict:
    if not isinstance(value, Map):
        diags.error(mark, f"{what}: expected a mapping")
        return {}
    hints = typing.get_type_hints(cls)
    meta = {f.name: f.metadata for f in dataclasses.fields(cls)}
    result = {}
    for key, item in value.items():
        if key not in hints:
            diags.error(
                value.key_marks[key],
                f"unknown key '{key}' in {what}",
                suggest(key, hints) or f"allowed: {', '.join(hints)}",
            )
            continue
        converted = _value(hints[key], item, value.value_marks[key], diags, f"{what}.{key}")
        if _in_range(
            converted, meta[key], hints[key], value.value_marks[key], diags, f"{what}.{key}"
        ):
            result[key] = converted
    return result


def _in_range(value: Any, meta: Any, tp: Any, mark: Mark, diags: Diagnostics, what: str) -> bool:
    """A number within its field's bounds; a length without bounds of its own stays on a page."""
    if value is None:
        return False
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return True
    is_length = (
        typing.get_origin(tp) in (typing.Union, types.UnionType)
        and Length in typing.get_args(tp)
        or tp is Length
    )
    low, high = meta.get("at_least"), meta.get("at_most")
    if is_length and high is None:
        high = MAX_LENGTH
    if math.isfinite(value) and (low is None or value >= low) and (high is None or value <= high):
        return True
    span = (
        f"from {low:g} to {high:g}"
        if low is not None and high is not None
        else f"at least {low:g}"
        if low is not None
        else f"at most {high:g}"
    )
    diags.error(
        mark,
        f"{what}: {value:g} is out of range (it must be {span}{' points' if is_length else ''})",
    )
    return False


def _value(tp: Any, value: Any, mark: Mark, diags: Diagnostics, what: str) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        tp = next(a for a in typing.get_args(tp) if a is not type(None))
    if tp is Length:
        length = _length(value)
        if length is None:
            diags.error(
                mark,
                f"{what}: expected a length, got {value!r}",
                "write a number of points, or add a unit: 15mm, 0.5in, 10pt",
            )
        return length
    if typing.get_origin(tp) is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, Seq):
            diags.error(mark, f"{what}: expected a list")
            return None
        items = [_value(item_tp, v, m, diags, what) for v, m in zip(value, value.item_marks)]
        return None if None in items else items
    if tp in (ColorName, RGB) or tp == RGB:
        if not isinstance(value, str) or not (
            value.startswith("#") and _HEX.match(value) or re.fullmatch(r"[a-z_]+", value)
        ):
            diags.error(mark, f'{what}: expected a colour like "#404040" or a colour name')
            return None
        return str(value)
    if tp is bool:
        if not isinstance(value, bool):
            diags.error(mark, f"{what}: expected true or false")
            return None
        return value
    if tp in (int, float):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (tp is int and isinstance(value, float))
            or value < 0
        ):
            diags.error(mark, f"{what}: expected a {'whole ' if tp is int else ''}number")
            return None
        return tp(value)
    if tp is str:
        if not isinstance(value, str):
            diags.error(mark, f"{what}: expected a name")
            return None
        return str(value)
    raise TypeError(f"style type not supported: {tp!r}")  # a programming error


def _length(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    if isinstance(value, str):
        match = _LENGTH.match(value)
        if match:
            return float(match.group(1)) * UNITS[match.group(2) or "pt"]
    return None


# -- merging and resolving ----------------------------------------------------------------------
def _merge(target: dict, layer: dict, top: bool = True) -> None:
    for key, value in layer.items():
        if top and key in ("parent", *VARIANTS):
            continue  # about the layer itself, not style values
        if isinstance(value, dict):
            _merge(target.setdefault(key, {}), value, top=False)
        else:
            target[key] = value


def _chain(sheet: StyleSheet, name: str, seen: tuple[str, ...] = ()) -> list[str]:
    """The layer and its parents, the farthest parent first."""
    if name in seen:
        raise _StyleError(f"layer '{name}' is its own parent")
    parent = sheet.layers[name].get("parent")
    return [*(_chain(sheet, parent, (*seen, name)) if parent else []), name]


class _StyleError(Exception):
    pass


def _resolve(sheet: StyleSheet, language_style: str | None, paper: str, large_print: bool) -> Style:
    order: list[str] = []
    wanted = [
        "base",
        *(["letter"] if paper == "letter" else []),
        *(["large-print"] if large_print else []),
        *([language_style] if language_style else []),
    ]
    for name in wanted:
        if name in sheet.layers:
            order += [n for n in _chain(sheet, name) if n not in order]
    merged: dict = {}
    for name in order:
        _merge(merged, sheet.layers[name])
    for name in order:
        if name not in ("base", *VARIANTS):
            for variant, on in (("letter", paper == "letter"), ("large-print", large_print)):
                if on and variant in sheet.layers[name]:
                    _merge(merged, sheet.layers[name][variant])
    return _build(merged)


def _build(merged: dict) -> Style:
    colors = merged.get("colors", {})

    def rgb(name: str, what: str) -> RGB:
        value = colors.get(name, name)
        if not _HEX.match(value or ""):
            raise _StyleError(f"{what}: unknown colour '{name}'")
        red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return red, green, blue

    def section(cls: type, data: dict, what: str):
        kwargs = {}
        for field in dataclasses.fields(cls):
            if field.name not in data:
                raise _StyleError(
                    f"{what}.{field.name} is not set in any layer ({field.metadata.get('doc')})"
                )
            kwargs[field.name] = data[field.name]
        return cls(**kwargs)

    sections = {}
    for name, cls in SECTIONS.items():
        data = dict(merged.get(name, {}))
        if cls is Colors:
            data = {key: rgb(value, f"colors.{key}") for key, value in data.items()}
        sections[name] = section(cls, data, name)
    raw_text = merged.get("text", {})
    text: dict[str, TextSpec] = {}

    def text_style(name: str, seen: tuple[str, ...] = ()) -> dict:
        if name in seen:
            raise _StyleError(f"text.{name}: its parent chain loops")
        if name not in raw_text:
            raise _StyleError(f"text.{seen[-1] if seen else name}: unknown parent '{name}'")
        own = raw_text[name]
        base = text_style(own["parent"], (*seen, name)) if own.get("parent") else {}
        return {**base, **{k: v for k, v in own.items() if k != "parent"}}

    for name in TEXT_STYLES:
        if name not in raw_text:
            raise _StyleError(f"text.{name} is not set in any layer")
        values = text_style(name)
        if "color" in values:
            values["color"] = rgb(values["color"], f"text.{name}.color")
        text[name] = section(TextSpec, values, f"text.{name}")
    return Style(text=text, **sections)


# Text is printed black or near-black: no channel lighter than #333333.
DARKEST_GREY = 0x33 / 255


def _hex(color: RGB) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in color)


def _resolve_or_report(
    sheet: StyleSheet, name: str | None, paper: str, large: bool, mark: Mark, diags: Diagnostics
) -> None:
    variant = paper + (" large print" if large else "")
    try:
        style = _resolve(sheet, name, paper, large)
    except _StyleError as exc:
        diags.error(mark, f"{name or 'base'} ({variant}): {exc}")
        return
    for text_name, spec in style.text.items():
        if max(spec.color) > DARKEST_GREY + 1e-9:
            diags.error(
                mark,
                f"{name or 'base'} ({variant}): text.{text_name} is printed in "
                f"grey ({_hex(spec.color)})",
                f"text is black or near-black (at most {_hex((DARKEST_GREY,) * 3)}): "
                "a black-and-white laser print dithers grey text",
            )
    body = style.text["body"].size
    least = 18 if large else 12
    if body < least:
        diags.error(
            mark,
            f"{name or 'base'} ({variant}): body text {body:g} pt is below {least} pt",
            "patients read this: keep body text large",
        )
