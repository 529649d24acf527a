"""Checks of one language's labels (ui.yaml: placeholders, date patterns) and typography
(language.yaml: font, furigana analyser, page style)."""

from __future__ import annotations

import re
import string

from handouts.content import model, style as handouts_style
from handouts.content.fontfiles import font_families
from handouts.content.furigana import ANALYSERS
from handouts.content.schema import suggest
from handouts.errors import Diagnostics

# Placeholders each label may use; anything else in braces is a content error.
LABEL_FIELDS = {
    "aftercare_condition": {"title"},
    "page": {"page", "pages"},
    "reviewed": {"version", "date"},
    "phone_line": {"phone"},
    "email_subject_handout": {"title", "clinic"},
    "email_subject_aftercare": {"clinic", "title"},
    "email_greeting": {"patient"},
    "email_body_handout": {"title", "clinic"},
    "email_body_aftercare": {"title", "clinic"},
    "aftercare_title": {"title", "condition"},
    "clinic_with_reading": {"name", "reading"},
    "patient_name": {"patient"},
    "attachment_name": {"title", "document"},
    "calendar_summary": {"clinic"},
    "continued": {"heading"},
    "other_point": {"name", "code"},
}
# Placeholders a label must use: a sheet never drops the patient's name or the clinic's.
LABEL_REQUIRED = {
    "patient_name": {"patient"},
    "clinic_with_reading": {"name"},
    "continued": {"heading"},
    "other_point": {"name", "code"},
}
# Date patterns (CLDR) and the fields each must show: a date nobody can misread.
DATE_PATTERNS = {
    "date_format": ("y", "ML", "d"),
    "next_visit_format": ("y", "ML", "d", "HhKk", "m"),
}


def check_style(
    style: model.LanguageStyle, styles: handouts_style.StyleSheet | None, diags: Diagnostics
) -> None:
    """A language's typography: a bundled font, a known analyser, a style of styles.yaml."""
    families = font_families()
    if style.font not in families:
        diags.error(
            style.font.mark,
            f"unknown font family '{style.font}'",
            suggest(style.font, families) or f"known: {', '.join(families)}",
        )
    if style.furigana is not None and style.furigana.analyser not in ANALYSERS:
        diags.error(
            style.furigana.analyser.mark,
            f"unknown analyser '{style.furigana.analyser}'",
            f"known: {', '.join(ANALYSERS)}",
        )
    breaking = style.line_breaking
    if breaking.phrases is not None and breaking.phrases not in ANALYSERS:
        diags.error(
            breaking.phrases.mark,
            f"unknown analyser '{breaking.phrases}'",
            f"known: {', '.join(ANALYSERS)}",
        )
    for run in [*breaking.keep_together, *breaking.avoid_line_start]:
        try:
            re.compile(str(run))
        except re.error as error:
            diags.error(
                run.mark,
                f"not a regular expression: {error}",
                'e.g. "[ァ-ヺー]+" (a run of katakana)',
            )
    if styles is not None and style.style is not None:
        handouts_style.check_language_style(styles, str(style.style), style.style.mark, diags)


def check_labels(labels: model.Labels, diags: Diagnostics) -> None:
    """Labels the program fills in: only their own placeholders, written plainly (a format
    such as {page:>1000000000} would make the program build a gigabyte of spaces)."""
    for name, allowed in LABEL_FIELDS.items():
        text = getattr(labels, name)
        try:
            fields = [
                (f, spec, conversion)
                for _, f, spec, conversion in string.Formatter().parse(text)
                if f is not None
            ]
        except ValueError as exc:
            diags.error(text.mark, f"{name}: {exc}", "write a literal brace as {{ or }}")
            continue
        used = {f for f, _, _ in fields}
        for field_name, spec, conversion in fields:
            if spec or conversion:
                written = (
                    "{"
                    + field_name
                    + (f"!{conversion}" if conversion else "")
                    + (f":{spec}" if spec else "")
                    + "}"
                )
                shown = written if len(written) <= 40 else written[:37] + "...}"
                at = text.find(written)
                diags.error(
                    text.mark_of(at) if at >= 0 else text.mark,
                    f"{name}: the placeholder {shown} has a format",
                    f"write just {{{field_name}}}: the program formats it",
                )
        for unknown in sorted(used - allowed):
            diags.error(
                text.mark,
                f"{name}: unknown placeholder {{{unknown}}}",
                f"allowed here: {', '.join('{' + a + '}' for a in sorted(allowed))}",
            )
        for missing in sorted(LABEL_REQUIRED.get(name, set()) - used):
            diags.error(
                text.mark,
                f"{name}: the placeholder {{{missing}}} is missing",
                f"write {{{missing}}} where it goes, e.g. {model_doc(name)}",
            )
    for name, needed in DATE_PATTERNS.items():
        text = getattr(labels, name)
        problem = _date_pattern_problem(text, needed)
        if problem:
            diags.error(
                text.mark,
                f"{name}: {problem}",
                f"a CLDR pattern such as {model_doc(name)}; quote literal Latin letters, e.g. 'at'",
            )


def model_doc(label: str) -> str:
    """The documented example of a label (model.Labels), for hints."""
    import dataclasses

    doc = next(f.metadata["doc"] for f in dataclasses.fields(model.Labels) if f.name == label)
    return doc.split("e.g. ", 1)[-1]


# Date field letters of CLDR patterns (Unicode TR 35, "Date Field Symbol Table") that babel
# formats; other Latin letters must be quoted ('at') or they are printed as they are.
CLDR_DATE_LETTERS = frozenset("GyYuQqMLwWdDFgEecabBhHKkmsSAzZOvVXx")


def _date_pattern_problem(text: str, needed: tuple[str, ...]) -> str | None:
    """What is wrong with a CLDR date pattern (unknown letters, a missing field), or None.
    (Read here without babel: loading content must stay quick.)"""
    unquoted = "".join(part for index, part in enumerate(text.split("'")) if index % 2 == 0)
    letters = {c for c in unquoted if c.isascii() and c.isalpha()}
    unknown = sorted(letters - CLDR_DATE_LETTERS)
    if unknown:
        return f"'{text}' uses unknown pattern letters {', '.join(unknown)}"
    missing = [group[0] for group in needed if not letters & set(group)]
    if missing:
        fields = "year y, month M, day d, hour H, minute m"
        return f"'{text}' does not show {', '.join(missing)} ({fields})"
    return None
