"""The content model: one dataclass per content file (the schema) and the resolved library.

Field docs are the reference for content editors; `handouts check` prints them as hints when a
required key is missing.
"""

from __future__ import annotations

import datetime
from dataclasses import field
from pathlib import Path
from typing import ClassVar

from handouts.content.schema import doc
from handouts.content.style import Style, StyleSheet, resolve
from handouts.content.yamlsrc import Text
from handouts.records import MutableRecord, Record, record


# content/handouts.yaml ---------------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class Settings(Record):
    text_limit: ClassVar[int] = 200
    source_language: Text = doc("code of the language translations are made from, e.g. en")
    content_version: Text = doc("version of the content, printed in every handout footer")
    review_max_months: int = doc(
        "warn when a condition's review is older than this", default=24, at_least=1, at_most=120
    )


# content/clinic.yaml -----------------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class ClinicData(Record):
    text_limit: ClassVar[int] = 200
    email: Text = doc("the clinic's email address (sender of emails, mailto QR code)")
    phone: Text = doc(
        "the clinic's phone number as patients dial it, e.g. 03-1234-5678; printed on every page"
    )
    map_query: Text = doc(
        "what the map QR code searches for: the clinic's full address, with ward and city"
    )
    emergency_number: Text = doc(
        "the emergency (ambulance) number every urgent box names, e.g. 119"
    )
    advice_line: Text | None = doc(
        "the medical advice line every urgent box names too, e.g. #7119 (Tokyo)", default=None
    )
    placeholder: bool = doc(
        "true while phone and opening hours are stand-ins, not the clinic's own; check warns",
        default=False,
    )
    timezone: Text | None = doc(
        "IANA time zone of the clinic, e.g. Asia/Tokyo: the next visit's "
        "calendar event is in this zone",
        default=None,
    )
    visit_minutes: int = doc(
        "length of a visit in minutes (the calendar event's duration)", default=60
    )


# content/points.yaml -----------------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class PointEntry(Record):
    meridian: Text = doc("meridian name, e.g. Liver")
    aliases: list[Text] = doc("other codes in common use, e.g. [LV3]", default_factory=list)
    bilateral: bool = doc("the point exists on both sides of the body", default=True)
    view: Text | None = doc("the diagram view the point is drawn on", default=None)
    x: float | None = doc("x position in the view's SVG user units", default=None, at_least=0)
    y: float | None = doc("y position in the view's SVG user units", default=None, at_least=0)


@record(frozen=True, eq=False, repr=False)
class Registry(Record):
    points: dict[str, PointEntry] = doc("WHO code -> point entry")


# content/<lang>/language.yaml ----------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class LineBreaking(Record):
    words: bool = doc("true: break lines only at spaces; false: between any two characters")
    no_line_start: Text | None = doc("characters that must not begin a line", default=None)
    no_line_end: Text | None = doc("characters that must not end a line", default=None)
    units: list[Text] = doc("units kept together with the number before them", default_factory=list)
    min_last_line: int = doc(
        "fewest characters on a paragraph's last line (JIS X 4051 runts; 0 allows any)", default=0
    )
    squeeze: dict[str, float] = doc(
        "punctuation whose blank half may be squeezed to pull a "
        "runt back, and how much (share of the font size)",
        default_factory=dict,
    )
    keep_together: list[Text] = doc(
        "runs never broken inside, as regular expressions (a "
        "katakana word, a Latin word or number): only a run longer "
        "than a line breaks",
        default_factory=list,
    )
    avoid_line_start: list[Text] = doc(
        "where a line should not start if a better break is near (a lone particle "
        "after its word: 場合／は), as regular expressions matched at the break; the "
        "line then ends at the last better break if it stays `phrase_fill` full",
        default_factory=list,
    )
    phrases: Text | None = doc(
        "break lines only between phrases (bunsetsu: a word with its "
        "particles, auxiliaries and punctuation), found by this analyser: "
        "sudachi; only in documents with furigana (the analyser is loaded "
        "for them already); a phrase longer than a line breaks between "
        "characters",
        default=None,
    )
    prefer_phrases: float | None = doc(
        "in a column at most this many characters wide (narrow columns, large "
        "print), a line that would break inside a word breaks between phrases "
        "instead (the analyser's where it is loaded for furigana, else where "
        "kana meets kanji or after punctuation), if it stays `phrase_fill` full",
        default=None,
        at_least=1,
    )
    phrase_fill: float = doc(
        "how full a line must stay when it breaks early between phrases "
        "(prefer_phrases), as a share of the column",
        default=0.7,
        at_least=0,
        at_most=1,
    )
    avoid_fill: float = doc(
        "how full a line must stay when it ends early so that the next one does not "
        "start where avoid_line_start says, as a share of the column",
        default=0.7,
        at_least=0,
        at_most=1,
    )


@record(frozen=True, eq=False, repr=False)
class PlainLanguage(Record):
    forbidden: list[Text] = doc(
        "claims a handout must never make, e.g. cure, guarantee", default_factory=list
    )
    max_grade: float | None = doc(
        "highest Flesch-Kincaid grade per document (English)", default=None, at_least=1, at_most=20
    )
    max_sentence_length: float | None = doc(
        "highest average sentence length in characters (Japanese)",
        default=None,
        at_least=5,
        at_most=500,
    )
    max_kanji_ratio: float | None = doc(
        "highest share of kanji among all characters (Japanese)",
        default=None,
        at_least=0,
        at_most=1,
    )
    sentence_max_length: int | None = doc(
        "longest sentence allowed, in characters (Japanese): each longer sentence is named",
        default=None,
        at_least=5,
        at_most=500,
    )
    sentence_max_kanji_ratio: float | None = doc(
        "highest share of kanji in any one sentence (Japanese): each denser sentence is named",
        default=None,
        at_least=0,
        at_most=1,
    )


@record(frozen=True, eq=False, repr=False)
class Furigana(Record):
    analyser: Text = doc(
        "where readings come from: sudachi (SudachiPy with its core "
        "dictionary); <lang>/readings.yaml overrides it per word"
    )
    always: bool = doc(
        "true: every document of this language has furigana (an easy-Japanese "
        "edition); false: only with --furigana",
        default=False,
    )
    size: float = doc(
        "size of the readings as a fraction of their base text's size",
        default=0.5,
        at_least=0.3,
        at_most=0.7,
    )


@record(frozen=True, eq=False, repr=False)
class LanguageStyle(Record):
    text_limit: ClassVar[int] = 200
    name: Text = doc("the language's own name, e.g. 日本語")
    font: Text = doc("font family from fonts/fonts.yaml")
    line_breaking: LineBreaking = doc("line breaking rules")
    style: Text | None = doc(
        "this language's layer in content/styles.yaml (sizes, leading)", default=None
    )
    plain_language: PlainLanguage = doc(
        "readability limits and forbidden claims", default_factory=PlainLanguage
    )
    page_budget_factor: int = doc(
        "page budgets of this language's documents are multiplied "
        "by this (furigana and plainer words take room)",
        default=1,
        at_least=1,
        at_most=3,
    )
    red_flags_first: bool = doc(
        "true: a handout gives its red-flag box (when to call 119 or see a doctor) right "
        "after the title, before what the condition is (an edition whose text runs long, "
        "e.g. with furigana, would otherwise have it on page 2)",
        default=False,
    )
    source_language: Text | None = doc(
        "the language this one is translated (adapted) from and "
        "falls back to where a text is missing, e.g. ja for an "
        "easy-Japanese edition; default: handouts.yaml's "
        "source_language",
        default=None,
    )
    furigana: Furigana | None = doc(
        "readings (ruby) above kanji: for languages written with kanji", default=None
    )
    full_width_brackets: bool = doc(
        "true: this language's texts write brackets full-width, （ ） ［ ］ (Japanese); "
        "`handouts check` reports each half-width ( ) [ ] in them",
        default=False,
    )


# content/<lang>/clinic.yaml ------------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class ClinicText(Record):
    text_limit: ClassVar[int] = 200
    name: Text = doc("clinic name as written in this language")
    address: Text = doc("clinic address as written in this language")
    hours: Text = doc("opening hours (when patients can phone), as written in this language")
    reading: Text | None = doc(
        "optional reading or local form of the name, printed after it "
        "(e.g. katakana フジ・ウェルネス)",
        default=None,
    )


# content/<lang>/ui.yaml ------------------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class Labels(Record):
    text_limit: ClassVar[int] = 300  # one line each; the email texts are the longest
    handout_label: Text = doc("small label above a handout title")
    aftercare_label: Text = doc("small label above an aftercare sheet title")
    aftercare_title: Text = doc(
        "full title of an aftercare sheet (document title); {title} is "
        "the sheet's title, {condition} the condition"
    )
    clinic_with_reading: Text = doc(
        "the clinic name with its reading (clinic.yaml reading); {name} and {reading}"
    )
    what_it_is: Text = doc("heading")
    symptoms: Text = doc("heading")
    causes: Text = doc("heading")
    how_acupuncture_may_help: Text = doc("heading")
    what_to_expect: Text = doc("heading")
    points: Text = doc("heading of the acupoint diagram")
    points_bilateral: Text = doc(
        "note under the diagram: points exist on both sides; the pictures show the right side"
    )
    finger_widths: Text = doc("note under the handout diagram: how finger-widths are measured")
    points_not_treated: Text = doc(
        "legend on personal sheets: the diamonds are the "
        "condition's other points, not treated today"
    )
    precautions: Text = doc("heading of the precautions: tell us before treatment if ...")
    precautions_next: Text = doc(
        "the same heading on an aftercare sheet, read after a session: before your next one"
    )
    side_right: Text = doc("label beside the body views: the patient's right side")
    side_left: Text = doc("label beside the body views: the patient's left side")
    view_alt: Text = doc(
        "what a screen reader says for a body view; {view} is its caption, "
        "{points} the points on it"
    )
    view_alt_point: Text = doc(
        "one point in view_alt; {number}, {code}, {name}, {reading} "
        "(the name if it has none) and {location}"
    )
    view_alt_untreated: Text = doc(
        "added to view_alt on personal sheets when the view shows points not treated today; {codes}"
    )
    self_care: Text = doc("heading")
    see_a_doctor: Text = doc("heading of the red-flag box")
    see_a_doctor_soon: Text = doc("lead-in to non-urgent red flags")
    see_a_doctor_urgent: Text = doc(
        "lead-in to urgent red flags; must name the emergency number (clinic.yaml emergency_number)"
    )
    urgent_advice: Text = doc(
        "line in every urgent box: the advice line for when in doubt; "
        "must name clinic.yaml advice_line"
    )
    urgent_no_email: Text = doc("line in every urgent box: do not use email for urgent problems")
    continued: Text = doc(
        "a box's heading again atop the part that continues on the next page, "
        'e.g. "{heading} (continued)"'
    )
    memo: Text = doc("heading of the writing area: questions for your practitioner")
    aftercare_normal: Text = doc("heading")
    aftercare_do: Text = doc("heading")
    aftercare_avoid: Text = doc("heading")
    aftercare_condition: Text = doc("heading; {title} is the condition")
    aftercare_contact: Text = doc(
        "heading of the aftercare box: what to do if something happens, and the urgent red flags"
    )
    patient: Text = doc("personal field label")
    patient_name: Text = doc("how the patient is named on a sheet; {patient}, e.g. {patient} 様")
    date: Text = doc("personal field label")
    date_format: Text = doc("CLDR date pattern of the session date, e.g. MMMM d, y")
    practitioner: Text = doc("personal field label")
    next_visit: Text = doc("personal field label")
    next_visit_format: Text = doc(
        "CLDR date-time pattern of the next visit, e.g. EEEE, MMMM d, y, h:mm a"
    )
    note: Text = doc("personal field label")
    fallback_marker: Text = doc(
        "marks text shown in the source language because it is not "
        "translated yet, e.g. （英語のみ）"
    )
    treated_points: Text = doc("personal field label")
    page: Text = doc("footer page number; {page} and {pages}")
    phone_line: Text = doc("footer line with the clinic's phone number; {phone}")
    qr_map: Text = doc("caption under the map QR code")
    qr_email: Text = doc("caption under the email QR code")
    qr_map_short: Text = doc(
        "the map code's caption in a bilingual edition, beside the other "
        "language's (a word or two: Map / 地図)"
    )
    qr_email_short: Text = doc("the email code's caption in a bilingual edition (Email / メール)")
    qr_map_link: Text = doc("what the map QR code opens, said by screen readers")
    qr_email_link: Text = doc("what the email QR code opens, said by screen readers")
    mailto_subject: Text = doc("subject prefilled by the email QR code")
    reviewed: Text = doc("footer line; {version} and {date}")
    email_subject_handout: Text = doc("email subject; {title}, {clinic}")
    email_subject_aftercare: Text = doc("email subject; {clinic}")
    email_greeting: Text = doc("email greeting; {patient}")
    email_greeting_anonymous: Text = doc("email greeting without a name")
    email_body_handout: Text = doc("email text; {title}")
    email_body_aftercare: Text = doc("email text")
    email_closing: Text = doc("email closing line before the signature")
    attachment_name: Text = doc(
        "file name of an emailed PDF, without .pdf; {title} is the "
        "condition, {document} the document label"
    )
    calendar_summary: Text = doc("title of the next visit's calendar event; {clinic}")
    views: dict[str, Text] = doc("diagram view id -> caption")
    other_point: Text = doc(
        "one of the other points not treated today (points_not_treated), by name with its "
        "code; {name} and {code}",
        default="{name} ({code})",
    )
    list_separator: Text = doc(
        "between the items of a list run into a line (the other points)", default=", "
    )


# content/<lang>/points.yaml --------------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class PointText(Record):
    name: Text = doc("point name in this language")
    location: Text = doc("where the point is, in plain words")
    use: Text = doc("what the point is used for")
    reading: Text | None = doc("reading of the name (Japanese: kana)", default=None)


# content/<lang>/readings.yaml (optional) -----------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class DateReadings(Record):
    months: dict[str, Text] = doc(
        'month number -> reading over the number and 月 (4: しがつ); "*": over 月 only (がつ)',
        default_factory=dict,
    )
    days: dict[str, Text] = doc(
        'day number -> reading over the number and 日 (1: ついたち); "*": over 日 only (にち)',
        default_factory=dict,
    )
    weekdays: dict[str, Text] = doc(
        "weekday as printed in brackets after a date -> its reading, e.g. 月: げつ",
        default_factory=dict,
    )


@record(frozen=True, eq=False, repr=False)
class Readings(Record):
    words: dict[str, Text] = doc(
        "word -> its reading in kana, e.g. 坐骨: ざこつ (digits stay "
        "as they are: 3分の1: 3ぶんの1)",
        default_factory=dict,
    )
    counters: dict[str, dict[str, Text]] = doc(
        "counter -> its reading after a number, by the number's last digit, e.g. "
        '本: {"*": ほん, "1": ぽん, "3": ぼん}',
        default_factory=dict,
    )
    dates: DateReadings = doc(
        "readings of a printed date (M月d日（EEE）: month, day, weekday)",
        default_factory=DateReadings,
    )


# content/<lang>/aftercare.yaml -----------------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class Aftercare(Record):
    title: Text = doc("title of the aftercare sheet", max_length=150)
    intro: Text = doc("one sentence")
    normal: list[Text] = doc("what is normal after treatment and for how long")
    do: list[Text] = doc("what to do")
    avoid: list[Text] = doc("what to avoid")
    contact: list[Text] = doc(
        "what to do if you feel faint, bleed or see signs of infection, "
        "and when to contact the clinic or a doctor"
    )


# content/<lang>/conditions/<slug>.yaml ----------------------------------------------------------
@record(frozen=True, eq=False, repr=False)
class ConditionPoint(Record):
    code: Text = doc("WHO point code from content/points.yaml, e.g. GB30")
    why: Text = doc("why this point is used for this condition")


@record(frozen=True, eq=False, repr=False)
class RedFlags(Record):
    soon: list[Text] = doc("see your doctor soon if ... (fever, weight loss, night pain, ...)")
    urgent: list[Text] = doc(
        "required: the urgent red flags, printed on the handout and the "
        "aftercare sheet: call the emergency number or go to hospital now "
        "if ..."
    )


@record(frozen=True, eq=False, repr=False)
class Review(Record):
    by: Text = doc("who reviewed the content")
    role: Text = doc("the reviewer's role, e.g. licensed acupuncturist")
    date: datetime.date = doc("when, e.g. 2026-11-21")
    next: datetime.date = doc(
        "when the content is due for its next review, e.g. 2027-11-21; check warns from that day"
    )


@record(frozen=True, eq=False, repr=False)
class Condition(Record):
    title: Text = doc("condition name", max_length=150)
    summary: Text = doc("one or two sentences")
    what_it_is: list[Text] = doc("paragraphs")
    symptoms: list[Text] = doc("list")
    causes: list[Text] = doc("list")
    how_acupuncture_may_help: list[Text] = doc("paragraphs; honest: 'may help'")
    what_to_expect: list[Text] = doc("list")
    precautions: list[Text] = doc(
        "required: what to tell the practitioner before treatment "
        "(pregnancy, blood thinners, pacemaker or implant, diabetes or "
        "poor circulation, fainting with needles, skin infection)"
    )
    points: list[ConditionPoint] = doc("the acupoints used, with why")
    self_care: list[Text] = doc("list")
    see_a_doctor: RedFlags = doc("red flags: every condition must say when to see a doctor")
    aftercare: list[Text] = doc("condition-specific aftercare")
    disclaimer: Text = doc("one line: this handout does not replace medical advice")
    review: Review | None = doc("who reviewed the content and when", default=None)


# The resolved library ----------------------------------------------------------------------------
@record(eq=False, repr=False)
class Language(MutableRecord):
    code: str
    style: LanguageStyle
    clinic: ClinicText
    labels: Labels
    points: dict[str, PointText]
    aftercare: Aftercare
    conditions: dict[str, Condition]
    source: str | None = None  # translated from (None: the source language)
    readings: Readings = field(default_factory=Readings)  # furigana, with its source's

    @property
    def locale(self) -> str:
        """The CLDR locale of dates and names (ja-x-easy: ja; private use has none)."""
        return self.code.split("-x-")[0].replace("-", "_")


@record(eq=False, repr=False)
class Library(MutableRecord):
    """All content, validated: what compose and render work from."""

    root: Path
    settings: Settings
    clinic: ClinicData
    registry: dict[str, PointEntry]
    aliases: dict[str, str]
    languages: dict[str, Language]
    views: dict[str, Path] = field(default_factory=dict)
    styles: StyleSheet | None = None  # content/styles.yaml: the page design

    def page_style(self, lang: str, paper: str = "a4", large_print: bool = False) -> Style:
        """The resolved page design of a document in `lang` (styles.yaml layers)."""
        style = self.languages[lang].style.style
        assert self.styles is not None, "a loaded library has its page design"
        return resolve(self.styles, str(style) if style else None, paper, large_print)

    @property
    def conditions(self) -> list[str]:
        return sorted(self.languages[self.settings.source_language].conditions)

    def parents(self) -> dict[str, str]:
        """Each translation's language it is made from (ja-x-easy: ja; ja: en)."""
        return {
            code: language.source
            for code, language in self.languages.items()
            if language.source is not None
        }

    def fallbacks(self, lang: str) -> list[str]:
        """The languages `lang` falls back to, nearest first (ja-x-easy: ja, then en)."""
        from handouts.content.contentfiles import chain

        return chain(lang, self.parents())[1:]

    def canonical_code(self, code: str) -> str | None:
        """WHO code for a code or alias (case-insensitive), or None."""
        upper = code.strip().upper()
        if upper in self.registry:
            return upper
        return self.aliases.get(upper)
