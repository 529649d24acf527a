"""Compose documents from the validated library: which blocks, in which order, with which text."""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import quote

from handouts import __version__
from handouts.characters import is_control
from handouts.compose import document as d
from handouts.content.model import Condition, Labels, Language, Library
from handouts.records import Record, record

KINDS = ("handout", "aftercare")
PAGE_BUDGET = {"handout": 2, "aftercare": 1}
# A personal sheet adds the patient's details, the note and the diagram of the points treated
# to everything the generic sheet says: it may use the back of the page.
PERSONAL_PAGES = 1
FURIGANA_PAGES = 2  # furigana on request: the page budget is doubled (see page_budget)


@record(frozen=True, eq=False, repr=False)
class Personal(Record):
    """What a practitioner adds to an aftercare sheet. Never written to out/ or metadata."""

    patient: str | None = None
    date: datetime.date | None = None
    practitioner: str | None = None
    next_visit: datetime.datetime | None = None
    note: str | None = None
    points: tuple[str, ...] | None = None  # WHO codes treated today


def map_link(query: str) -> str:
    return "https://www.google.com/maps/search/?api=1&query=" + quote(query, safe="")


def mailto_link(email: str, subject: str) -> str:
    return f"mailto:{email}?subject={quote(subject, safe='')}"


def compose(
    library: Library,
    lang: str,
    slug: str,
    kind: str,
    personal: Personal | None = None,
    furigana: bool = False,
    red_flags_first: bool | None = None,
) -> d.Document:
    """One document in one language; `furigana` adds readings where the language can have them
    (an easy-Japanese edition has them always: language.yaml furigana). `red_flags_first`: where
    a handout gives its red-flag box (default: as language.yaml red_flags_first says)."""
    language = library.languages[lang]
    condition = language.conditions[slug]
    if red_flags_first is None:
        red_flags_first = language.style.red_flags_first
    if kind == "handout":
        blocks = _handout_blocks(library, language, condition, red_flags_first)
    else:
        blocks = _aftercare_blocks(library, language, condition, personal)
    labels = language.labels
    title = (
        condition.title
        if kind == "handout"
        else labels.aftercare_title.format(
            title=language.aftercare.title, condition=condition.title
        )
    )
    ruby = readings(language, furigana)
    if ruby:  # the names' readings stand over them: not again in brackets
        blocks = [
            dataclasses.replace(
                b, legend=tuple(dataclasses.replace(e, reading=None) for e in b.legend)
            )
            if isinstance(b, d.PointsFigure)
            else b
            for b in blocks
        ]
    source = library.settings.source_language
    fallback = None
    if lang != source:
        blocks = _mark_fallbacks(blocks, source)
        if _has_fallback(blocks):  # load the source language's fonts only when needed
            fallback = typography(library.languages[source])
    return d.Document(
        lang=lang,
        kind=kind,
        title=title,
        subject=condition.summary if kind == "handout" else language.aftercare.intro,
        author=language.clinic.name,
        keywords=f"{slug}, {kind}, {lang}",
        header=(
            clinic_name(language),
            labels.handout_label if kind == "handout" else labels.aftercare_label,
        ),
        typography=typography(language, furigana),
        footer=_footer(library, language, condition),
        page_budget=page_budget(language, kind, personal is not None, furigana),
        blocks=blocks,
        fallback_typography=fallback,
        ruby=ruby,
        fallback_label=labels.fallback_marker if fallback else None,
    )


def readings(language: Language, wanted: bool) -> dict:
    """The document's furigana: {language: its annotator} when it has them (made lazily: the
    analyser loads on the first text with kanji)."""
    setting = language.style.furigana
    if setting is None or not (wanted or setting.always):
        return {}
    from handouts.content.furigana import annotator

    return {language.code: annotator(language)}


def page_budget(
    language: Language, kind: str, personal: bool = False, furigana: bool = False
) -> int:
    """How many pages a document may take at 12 pt (a print variant multiplies this: style
    page.budget_factor; language.yaml may give its language more; furigana
    asked for take a line's room again in every line: twice the pages, like large print)."""
    pages = PAGE_BUDGET[kind] + (PERSONAL_PAGES if personal else 0)
    setting = language.style.furigana
    added = furigana and setting is not None and not setting.always
    return pages * language.style.page_budget_factor * (FURIGANA_PAGES if added else 1)


def printed_budget(pages: int, style) -> int:
    """A budget of `page_budget` pages in a print variant: its style's page.budget_factor
    times as many (large print: 3). The one place the two are combined."""
    return pages * style.page.budget_factor


def clinic_name(language: Language) -> str:
    """The clinic's name as printed in this language, with its reading when it has one."""
    clinic = language.clinic
    if clinic.reading is None:
        return clinic.name
    return language.labels.clinic_with_reading.format(name=clinic.name, reading=clinic.reading)


def typography(language: Language, furigana: bool = False) -> d.Typography:
    style = language.style
    annotated = bool(style.furigana and readings(language, furigana))
    ruby = style.furigana.size if style.furigana and annotated else 0.0
    breaking = style.line_breaking
    # Phrases need the analyser: only where furigana have it loaded already.
    phrases = str(breaking.phrases) if breaking.phrases and annotated else None
    return d.Typography(
        font=style.font,
        words=breaking.words,
        no_line_start=breaking.no_line_start or "",
        no_line_end=breaking.no_line_end or "",
        units=tuple(breaking.units),
        min_last_line=breaking.min_last_line,
        squeeze=tuple(sorted(breaking.squeeze.items())),
        ruby=ruby,
        keep=tuple(str(k) for k in breaking.keep_together),
        phrases=phrases,
        prefer_phrases=float(breaking.prefer_phrases or 0.0),
        phrase_fill=float(breaking.phrase_fill),
        soft_analyser=str(style.furigana.analyser) if style.furigana and annotated else None,
        avoid=tuple(str(a) for a in breaking.avoid_line_start),
        avoid_fill=float(breaking.avoid_fill),
    )


def _has_fallback(value) -> bool:
    if isinstance(value, d.Fallback):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_fallback(v) for v in value)
    if dataclasses.is_dataclass(value):
        return any(_has_fallback(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def _mark_fallbacks(value, source: str):
    """Wrap texts the loader took from the source language (a missing translation:
    Text.fallback_from) so the renderer sets them in that language's typography and marks them.
    (A text an easy edition takes from the Japanese it is made from needs neither.)"""
    if isinstance(value, str):
        return (
            d.fallback(value, source) if getattr(value, "fallback_from", None) == source else value
        )
    if isinstance(value, (list, tuple)):
        return type(value)(_mark_fallbacks(v, source) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{
                f.name: _mark_fallbacks(getattr(value, f.name), source)
                for f in dataclasses.fields(value)
                if f.init
            },
        )
    return value


def _footer(library: Library, language: Language, condition: Condition) -> d.Footer:
    labels = language.labels
    reviewed = None
    if condition.review is not None:
        reviewed = labels.reviewed.format(
            version=library.settings.content_version,
            date=long_date(condition.review.date, language.locale),
        )
    return d.Footer(
        clinic_name=clinic_name(language),
        address=language.clinic.address,
        email=library.clinic.email,
        phone=labels.phone_line.format(phone=library.clinic.phone),
        hours=language.clinic.hours,
        page_label=labels.page,
        reviewed=reviewed,
        codes=(
            (map_link(library.clinic.map_query), labels.qr_map),
            (mailto_link(library.clinic.email, labels.mailto_subject), labels.qr_email),
        ),
        links=(labels.qr_map_link, labels.qr_email_link),
    )


def long_date(day: datetime.date, code: str) -> str:
    """A date as the language writes it ("21 November 2026", "2026年11月21日"), by Babel.

    Babel takes a while to import; the few dates a footer needs are kept in the cache."""
    from handouts import cache

    key = f"{__version__}-{code}-{day.isoformat()}-long"
    cached = cache.read("dates", key)
    if cached is not None:
        return cached.decode("utf-8")
    from babel.dates import format_date

    text = format_date(day, "long", locale=code.replace("-", "_"))
    cache.write("dates", key, text.encode("utf-8"))
    return text


def _heading(labels: Labels, text: str) -> d.Heading:
    """A section's heading, with what stands atop its list continued in the next column or on
    the next page ("Symptoms (continued)")."""
    return d.Heading(text, labels.continued.format(heading=text))


def _handout_blocks(
    library: Library, language: Language, condition: Condition, red_flags_first: bool
) -> list:
    labels = language.labels
    blocks: list = [
        d.Title(condition.title, condition.summary),
        d.Paragraph(condition.disclaimer, muted=True),
    ]
    # The red flags: what a patient must not miss, on page 1 (language.yaml red_flags_first:
    # at once after the title where the text runs long), else before the points.
    # (The urgent signs with whom to call stay together; the advice line may follow overleaf:
    # keeping it too pushes the box to page 2 and a Letter handout over its budget.)
    alert = d.Alert(
        labels.see_a_doctor,
        (
            *urgent_parts(language, condition),
            (labels.see_a_doctor_soon, tuple(condition.see_a_doctor.soon)),
            (labels.urgent_no_email, ()),
        ),
        continued=labels.continued.format(heading=labels.see_a_doctor),
        overtaken=red_flags_first,
    )
    if red_flags_first:
        blocks.append(alert)
    blocks += [_heading(labels, labels.what_it_is), *map(d.Paragraph, condition.what_it_is)]
    blocks += [
        _heading(labels, labels.how_acupuncture_may_help),
        *map(d.Paragraph, condition.how_acupuncture_may_help),
    ]
    # Four short lists in two columns: the condition, what to tell us before treatment and what
    # happens at a session (one block, so that a short list leaves no gap under itself).
    blocks.append(
        d.Columns(
            (
                _heading(labels, labels.symptoms),
                d.Bullets(tuple(condition.symptoms)),
                _heading(labels, labels.precautions),
                d.Bullets(tuple(condition.precautions)),
            ),
            (
                _heading(labels, labels.causes),
                d.Bullets(tuple(condition.causes)),
                _heading(labels, labels.what_to_expect),
                d.Bullets(tuple(condition.what_to_expect)),
            ),
        )
    )
    if not red_flags_first:
        blocks.append(alert)
    figure = points_figure(library, language, condition, compact=False)
    self_care = (_heading(labels, labels.self_care), d.Bullets(tuple(condition.self_care)))
    blocks.append(dataclasses.replace(figure, beside=self_care))
    # Room for the patient's questions where the pages leave it (every bundled handout has it,
    # test_pages; an untranslated text set in the source language may leave none).
    blocks.append(d.Memo(labels.memo, optional=True))
    return blocks


def urgent_parts(language: Language, condition: Condition) -> tuple:
    """What every urgent box says: whom to call (the emergency number) for which signs, and the
    advice line for when in doubt. `checks` makes sure each language names both numbers."""
    labels = language.labels
    return (
        (labels.see_a_doctor_urgent, tuple(condition.see_a_doctor.urgent)),
        (labels.urgent_advice, ()),
    )


def _aftercare_blocks(
    library: Library, language: Language, condition: Condition, personal: Personal | None
) -> list:
    labels = language.labels
    care = language.aftercare
    # The condition is named in the heading of its own advice, so no subtitle is needed.
    blocks: list = [d.Title(care.title)]
    rows = personal_rows(language, personal) if personal is not None else []
    note = (
        (labels.note, d.given(personal.note, "--note", prose=True))
        if personal is not None and personal.note
        else None
    )
    when = next_visit(language, personal) if personal is not None else None
    if rows or note or when:
        blocks.append(d.Fields(tuple(rows), note, (labels.next_visit, when) if when else None))
    else:
        blocks.append(d.Paragraph(care.intro))  # the personal box takes its place
    if personal is None:
        # A generic sheet: the practitioner writes name, date and next visit by hand.
        blocks.append(d.FillIn((labels.patient, labels.date, labels.next_visit)))
    elif when is None:
        # A personal sheet made before the next visit is booked: a line to write it on.
        blocks.append(d.FillIn((labels.next_visit,)))
    # The condition's urgent red flags again, on the first page before everything else the
    # sheet says (the points treated, the everyday advice): what is an emergency and whom to
    # call is found first, in every edition (a bilingual or large-print sheet of many points
    # would push it pages on). The patient keeps this sheet, maybe not the handout.
    urgent = urgent_parts(language, condition)
    blocks.append(
        d.Alert(
            labels.see_a_doctor,
            (*urgent, (labels.urgent_no_email, ())),
            kept=len(urgent),
            continued=labels.continued.format(heading=labels.see_a_doctor),
            # Where a box must begin the next page (the second of two languages' boxes), the
            # advice after it fills the page's foot instead of leaving it empty.
            overtaken=True,
            overtaken_freely=True,
        )
    )
    if personal is not None and personal.points:
        # The points treated today (the handout shows the condition's points in general, so
        # a generic sheet leaves them out).
        blocks.append(
            points_figure(library, language, condition, compact=True, treated=personal.points)
        )
    blocks.append(
        d.Columns(
            (
                _heading(labels, labels.aftercare_normal),
                d.Bullets(tuple(care.normal)),
                _heading(labels, labels.aftercare_do),
                d.Bullets(tuple(care.do)),
                _heading(labels, labels.aftercare_avoid),
                d.Bullets(tuple(care.avoid)),
                _heading(labels, labels.aftercare_condition.format(title=condition.title)),
                d.Bullets(tuple(condition.aftercare)),
            ),
            (
                _heading(labels, labels.aftercare_contact),
                d.Bullets(tuple(care.contact)),
                _heading(labels, labels.precautions_next),
                d.Bullets(tuple(condition.precautions)),
            ),
        )
    )
    # Room left over becomes a writing area (the handout always has one; this one-page sheet
    # gives the safety advice the room first).
    blocks.append(d.Memo(labels.memo, optional=True))
    return blocks


def personal_rows(language: Language, personal: Personal) -> list[tuple[str, str]]:
    """Personal fields as (label, value): the name as the language addresses a patient, dates
    in the language's own patterns (ui.yaml date_format; the next visit is shown on its own:
    see next_visit)."""
    labels = language.labels
    rows: list[tuple[str, str]] = []
    if personal.patient:
        rows.append(
            (
                labels.patient,
                d.given(labels.patient_name.format(patient=personal.patient), "--patient"),
            )
        )
    if personal.date:
        rows.append((labels.date, format_when(language, personal.date, labels.date_format)))
    if personal.practitioner:
        rows.append((labels.practitioner, d.given(personal.practitioner, "--practitioner")))
    return rows


def next_visit(language: Language, personal: Personal) -> str | None:
    """The next appointment with its weekday, in ui.yaml next_visit_format: "Saturday,
    November 28, 2026, 2:30 PM" / "2026年11月28日（土） 14:30"."""
    if not personal.next_visit:
        return None
    return format_when(language, personal.next_visit, language.labels.next_visit_format)


def format_when(language: Language, when: datetime.date, pattern: str) -> str:
    """A date or date-time in a CLDR pattern, with the language's month and weekday names."""
    from handouts.compose.dates import format_when as formatted  # only personal sheets need it

    if not isinstance(when, datetime.datetime):
        when = datetime.datetime.combine(when, datetime.time())
    return formatted(when, pattern, language.locale)


def points_figure(
    library: Library,
    language: Language,
    condition: Condition,
    *,
    compact: bool,
    treated: tuple[str, ...] | None = None,
) -> d.PointsFigure:
    """Numbered markers on the views the condition's points need, and the matching legend.

    On a personal sheet (`treated` given) the treated points are numbered and listed; the
    condition's other points are open diamonds, named under the legend (name and code).
    """
    labels = language.labels
    markers: dict[str, list[d.Marker]] = {}
    legend = []
    shown: list[tuple[str, str | None]] = [(p.code, p.why) for p in condition.points]
    # A practitioner may treat points beyond the condition's usual ones: show them too.
    shown += [(code, None) for code in treated or () if code not in {c for c, _ in shown}]
    number = 0
    untreated = []
    for code, why in shown:
        entry = library.registry[code]
        # The loader refuses a condition's point without a view and a position.
        assert entry.view is not None and entry.x is not None and entry.y is not None
        text = language.points[code]
        emphasis = "normal" if treated is None else "highlight" if code in treated else "untreated"
        if emphasis == "untreated":
            markers.setdefault(entry.view, []).append(d.Marker(0, entry.x, entry.y, emphasis))
            untreated.append((entry.view, code))
            continue
        number += 1
        markers.setdefault(entry.view, []).append(d.Marker(number, entry.x, entry.y, emphasis))
        legend.append(
            d.LegendEntry(number, code, text.name, text.reading, text.location, why, emphasis)
        )
    # On a personal sheet a view without a treated point is left out.
    shown_views = [view for view, ms in markers.items() if any(m.number for m in ms)]
    views = tuple(
        d.View(
            view,
            library.views[view],
            labels.views[view],
            tuple(markers[view]),
            _view_alt(
                language,
                labels.views[view],
                markers[view],
                legend,
                [code for at, code in untreated if at == view],
            ),
        )
        for view in shown_views
    )
    heading = labels.treated_points if treated else labels.points
    codes = [code for view, code in untreated if view in shown_views]
    # The other points by their names in this language, each with its code.
    named = labels.list_separator.join(
        labels.other_point.format(name=language.points[code].name, code=code) for code in codes
    )
    # "On both sides of the body; the pictures show the right side": said only when a listed
    # point is bilateral (points.yaml), never of midline points alone.
    listed = {entry.code for entry in legend}
    notes = (
        [labels.points_bilateral]
        if any(library.registry[code].bilateral for code in listed)
        else []
    )
    if not compact:  # only the handout gives locations, measured in finger-widths
        notes.append(labels.finger_widths)
    return d.PointsFigure(
        heading,
        views,
        tuple(legend),
        tuple(notes),
        compact,
        untreated=f"{labels.points_not_treated} {named}" if codes else None,
        sides=(labels.side_right, labels.side_left),
        continued=labels.continued.format(heading=heading),
    )


def _view_alt(
    language: Language,
    caption: str,
    markers: list[d.Marker],
    legend: list[d.LegendEntry],
    untreated: list[str],
) -> str:
    """What a screen reader says for a body view, from the language's templates: the view,
    then each numbered point on it (number, code, name or its reading, and where it is), and
    the marks of points not treated today."""
    labels = language.labels
    joiner = " " if language.style.line_breaking.words else ""
    numbers = {m.number for m in markers if m.number}
    points = joiner.join(
        labels.view_alt_point.format(
            number=e.number,
            code=e.code,
            name=e.name,
            reading=e.reading or e.name,
            location=e.location or "",
        )
        for e in legend
        if e.number in numbers
    )
    alt = labels.view_alt.format(view=caption, points=points)
    if untreated:
        named = labels.list_separator.join(
            labels.other_point.format(name=language.points[code].name, code=code)
            for code in untreated
        )
        alt += joiner + labels.view_alt_untreated.format(codes=named)
    return alt


@record(frozen=True, eq=False, repr=False)
class EmailText(Record):
    """What an email says, in the patient's language (MIME and SMTP live in
    handouts.deliver.mail)."""

    subject: str
    paragraphs: tuple[str, ...]
    signature: tuple[str, ...]
    attachment_name: str


def email_text(
    library: Library, lang: str, slug: str, kind: str, patient: str | None = None
) -> EmailText:
    language = library.languages[lang]
    labels, clinic = language.labels, language.clinic
    title = language.conditions[slug].title
    fields = {"title": title, "clinic": clinic.name}
    if kind == "handout":
        subject = labels.email_subject_handout.format(**fields)
        body = labels.email_body_handout.format(**fields)
        document_label = labels.handout_label
    else:
        subject = labels.email_subject_aftercare.format(**fields)
        body = labels.email_body_aftercare.format(**fields)
        document_label = labels.aftercare_label
    greeting = (
        labels.email_greeting.format(patient=patient)
        if patient
        else labels.email_greeting_anonymous
    )
    return EmailText(
        subject=subject,
        paragraphs=(greeting, body, labels.email_closing),
        signature=(
            clinic.name,
            clinic.address,
            labels.phone_line.format(phone=library.clinic.phone),
            clinic.hours,
            library.clinic.email,
        ),
        attachment_name=safe_filename(
            labels.attachment_name.format(title=title, document=document_label)
        )
        + ".pdf",
    )


def safe_filename(name: str) -> str:
    """A file name without path separators or control characters (any script is kept)."""
    cleaned = "".join("-" if c in '/\\:*?"<>|' or is_control(c) else c for c in name)
    return " ".join(cleaned.split()).strip(". ") or "document"
