"""Platform-neutral document blocks: what compose produces and render draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class Fallback(str):
    """Text shown in the source language because its translation is missing."""


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str | None = None


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    muted: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Columns:
    """Two blocks side by side (each a list of blocks)."""

    left: tuple
    right: tuple


@dataclass(frozen=True)
class Parallel:
    """One section in two languages (a bilingual edition): side by side where both fit, else
    the first then the second. `first` is in the document's language, `second` in its second
    language (Document.second)."""

    first: tuple
    second: tuple


@dataclass(frozen=True)
class Alert:
    """A visually distinct box: heading, then lead-in lines each followed by bullets."""

    heading: str
    parts: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Marker:
    number: int        # 0: a faint, unnumbered dot (a point not treated today)
    x: float           # in the view's SVG units
    y: float
    emphasis: str = "normal"   # "normal", "highlight" (treated) or "faint" (not treated)


@dataclass(frozen=True)
class View:
    id: str
    svg: Path
    caption: str
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class LegendEntry:
    number: int
    code: str
    name: str
    reading: str | None
    location: str | None
    why: str | None
    emphasis: str = "normal"


@dataclass(frozen=True)
class PointsFigure:
    heading: str
    views: tuple[View, ...]
    legend: tuple[LegendEntry, ...]
    notes: tuple[str, ...]     # under the views: one paragraph each
    compact: bool = False      # aftercare: smaller views, one-line legend
    beside: tuple = ()         # blocks that may sit beside the views when they leave room


@dataclass(frozen=True)
class Fields:
    """Personal details: label/value pairs, and a free-text note across the whole box."""

    rows: tuple[tuple[str, str], ...]
    note: tuple[str, str] | None = None


@dataclass(frozen=True)
class Footer:
    clinic_name: str
    address: str
    email: str
    phone: str                 # e.g. "Phone 03-1234-5678"
    hours: str                 # opening hours, as the language writes them
    page_label: str            # with {page} and {pages}
    reviewed: str | None
    codes: tuple[tuple[str, str], ...]   # (QR payload, caption)


@dataclass(frozen=True)
class Typography:
    font: str
    body_size: float
    leading: float
    words: bool
    no_line_start: str
    no_line_end: str
    units: tuple[str, ...]
    ruby: float = 0.0          # furigana: their size as a share of the text's (0: none)


@dataclass
class Document:
    lang: str
    kind: str                  # "handout" or "aftercare"
    title: str                 # PDF metadata: never personal data
    subject: str
    author: str
    keywords: str
    header: tuple[str, str]    # (clinic name, label)
    typography: Typography
    footer: Footer
    page_budget: int
    blocks: list = field(default_factory=list)
    fallback_typography: Typography | None = None   # for Fallback texts
    # A bilingual edition: the second language, set in its own typography (Parallel blocks).
    second: str | None = None
    second_typography: Typography | None = None
    # Furigana: language -> its readings (furigana.Annotator: text -> Ruby spans over kanji).
    ruby: dict = field(default_factory=dict)
