"""Platform-neutral document blocks: what compose produces and render draws."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path

from handouts.records import MutableRecord, Record, record


class Fallback(str):
    """Text shown in the source language because its translation is missing."""

    lang: str = ""  # the language it is written in (for the PDF's /Lang)
    origin: str = ""  # the text it was made from (keeps its place in the content)


def fallback(text: str, lang: str) -> Fallback:
    result = Fallback(text)
    result.lang, result.origin = lang, text
    return result


class Given(str):
    """A value typed on the command line (a patient's name): named by its option in errors.
    `prose`: free text (the practitioner's note), read with furigana like the content; a name
    never is (its reading cannot be guessed)."""

    option: str = ""
    prose: bool = False


def given(value: str, option: str, prose: bool = False) -> Given:
    result = Given(value)
    result.option = option
    result.prose = prose
    return result


def source_of(text: str, index: int) -> str:
    """Where a text came from, for an error message: file:line:col, or the option."""
    origin = getattr(text, "origin", text)
    mark_of = getattr(origin, "mark_of", None)
    if mark_of is not None:
        return str(mark_of(index))
    option = getattr(text, "option", "")
    if option:
        return option
    return f"the text '{text[:30]}'"


@record(frozen=True, eq=False, repr=False)
class Title(Record):
    text: str
    subtitle: str | None = None


@record(frozen=True, eq=False, repr=False)
class Heading(Record):
    text: str
    # Atop its list continued in the next column or on the next page: "{text} (continued)".
    continued: str = ""


@record(frozen=True, eq=False, repr=False)
class Paragraph(Record):
    text: str
    muted: bool = False


@record(frozen=True, eq=False, repr=False)
class Bullets(Record):
    items: tuple[str, ...]


@record(frozen=True, eq=False, repr=False)
class Columns(Record):
    """Two blocks side by side (each a list of blocks)."""

    left: tuple
    right: tuple


@record(frozen=True, eq=False, repr=False)
class Parallel(Record):
    """One section in two languages (a bilingual edition): side by side where both fit, else
    the first then the second. `first` is in the document's language, `second` in its second
    language (Document.second)."""

    first: tuple
    second: tuple


@record(frozen=True, eq=False, repr=False)
class Alert(Record):
    """A visually distinct box with a warning sign: heading, then lead-in lines each followed
    by bullets."""

    heading: str
    parts: tuple[tuple[str, tuple[str, ...]], ...]
    kept: int = 1  # the first `kept` parts (the urgent signs, whom to call) stay together
    continued: str = ""  # the heading atop a part continued on the next page
    # The text sections right after it (headings with their paragraphs) may fill the page
    # before it where its kept part does not fit on the page begun (the box comes early).
    overtaken: bool = False
    # ... and they go first wherever the box would begin the next page anyway (its page's foot
    # left empty: nothing floats there) and the document is no longer for it; else only where
    # that saves a page.
    overtaken_freely: bool = False


@record(frozen=True, eq=False, repr=False)
class Memo(Record):
    """Room to write: a heading and writing lines filling what the page leaves free."""

    heading: str
    optional: bool = False  # only where the pages leave room for it anyway


@record(frozen=True, eq=False, repr=False)
class FillIn(Record):
    """Labels with a writing line each (name, date, next visit on a generic sheet)."""

    labels: tuple[str, ...]


@record(frozen=True, eq=False, repr=False)
class Marker(Record):
    number: int  # 0: an unnumbered mark (a point not treated today)
    x: float  # in the view's SVG units
    y: float
    emphasis: str = "normal"  # "normal", "highlight" (treated) or "untreated"


@record(frozen=True, eq=False, repr=False)
class View(Record):
    id: str
    svg: Path
    caption: str
    markers: tuple[Marker, ...]
    alt: str = ""  # what it shows, for screen readers (the PDF's alternate text)


@record(frozen=True, eq=False, repr=False)
class LegendEntry(Record):
    number: int
    code: str
    name: str
    reading: str | None
    location: str | None
    why: str | None
    emphasis: str = "normal"


@record(frozen=True, eq=False, repr=False)
class PointsFigure(Record):
    heading: str
    views: tuple[View, ...]
    legend: tuple[LegendEntry, ...]
    notes: tuple[str, ...]  # under the views: one paragraph each
    compact: bool = False  # aftercare: smaller views, one-line legend
    beside: tuple = ()  # blocks that may sit beside the views when they leave room
    untreated: str | None = None  # legend line for the marks of points not treated today
    sides: tuple[str, str] = ("R", "L")  # labels of the patient's right and left
    continued: str = ""  # atop the legend where it continues on the next page


@record(frozen=True, eq=False, repr=False)
class Fields(Record):
    """Personal details: label/value pairs, a free-text note across the whole box, and the
    next appointment, set large so that it is found at a glance."""

    rows: tuple[tuple[str, str], ...]
    note: tuple[str, str] | None = None
    appointment: tuple[str, str] | None = None  # (label, date and time)


@record(frozen=True, eq=False, repr=False)
class Footer(Record):
    clinic_name: str
    address: str
    email: str
    phone: str  # e.g. "Phone 03-1234-5678"
    hours: str  # opening hours, as the language writes them
    page_label: str  # with {page} and {pages}
    reviewed: str | None
    codes: tuple[tuple[str, str], ...]  # (QR payload, caption)
    links: tuple[str, ...] = ()  # what each code opens, for screen readers
    # A bilingual edition: the first language's footer. Each text (and each code's caption) is
    # printed in both languages, the first's then this one's, each in its own font.
    first: Footer | None = None


@record(frozen=True, eq=False, repr=False)
class Typography(Record):
    font: str
    words: bool
    no_line_start: str
    no_line_end: str
    units: tuple[str, ...]
    min_last_line: int = 0  # fewest characters on a last line
    squeeze: tuple[tuple[str, float], ...] = ()  # punctuation and its squeezable share
    ruby: float = 0.0  # furigana: their size as a share of the text's (0: none)
    keep: tuple[str, ...] = ()  # runs never broken inside (regular expressions)
    phrases: str | None = None  # break only between phrases found by this analyser
    avoid: tuple[str, ...] = ()  # where a line should not start (regular expressions)
    # Columns at most this many characters wide break between phrases rather than inside a
    # word where the line stays `phrase_fill` full (0: never); the phrases by `soft_analyser`
    # (loaded for furigana), else where kana meets kanji.
    prefer_phrases: float = 0.0
    phrase_fill: float = 0.7
    soft_analyser: str | None = None
    avoid_fill: float = 0.7


@record(eq=False, repr=False)
class Document(MutableRecord):
    lang: str
    kind: str  # "handout" or "aftercare"
    title: str  # PDF metadata: never personal data
    subject: str
    author: str
    keywords: str
    header: tuple[str, str]  # (clinic name, label)
    typography: Typography
    footer: Footer
    page_budget: int
    blocks: list = field(default_factory=list)
    fallback_typography: Typography | None = None  # for Fallback texts
    fallback_label: str | None = None  # marks fallback text, e.g. （英語のみ）
    # A bilingual edition: the second language, set in its own typography (Parallel blocks).
    second: str | None = None
    second_typography: Typography | None = None
    # Furigana: language -> its readings (furigana.Annotator: text -> Ruby spans over kanji).
    ruby: dict = field(default_factory=dict)
