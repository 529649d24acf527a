"""Content checks beyond the schema: glyphs, plain language, claims, bracket widths, review due,
the clinic's phone and the numbers every urgent box must name; `run_checks` runs them with the
page budgets (deliver/budgets.py) and the furigana readings (deliver/readingcheck.py).

`run_checks` returns diagnostics (sorted by place) and one readability figure per document.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from handouts import clock
from handouts.compose.composer import KINDS
from handouts.content.fontfiles import charset
from handouts.content.model import Condition, Language, LanguageStyle, Library, Review
from handouts.content.texts import document_texts, texts
from handouts.content.yamlsrc import Text
from handouts.errors import Diagnostic, Mark

WEIGHTS = ("regular", "bold")
# CJK ideographs, kana and full-width forms, tested per character: as a regex class, these
# ~30,000 characters cost ~5 ms to compile at every start (`re` visits each one).
CJK_RANGES = (("\u2e80", "\u9fff"), ("\uf900", "\ufaff"), ("\uff00", "\uffef"))
EN_SENTENCE = re.compile(r"\S.*?(?:[.!?]+(?=[\s\"'”’)]|$)|$)", re.DOTALL)
JA_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")


def run_checks(library: Library) -> tuple[list[Diagnostic], list[str]]:
    """Every check on every language and document; returns (diagnostics, figure lines)."""
    found: list[Diagnostic] = check_clinic(library)
    figures: list[str] = []
    for code, language in sorted(library.languages.items()):
        shared = [*texts(library.clinic), *texts(library.settings)]  # printed in every footer
        found += check_glyphs(language, [*texts(language, skip=(LanguageStyle,)), *shared])
        found += check_claims(language, texts(language, skip=(LanguageStyle,)))
        found += check_brackets(language, texts(language, skip=(LanguageStyle,)))
        found += check_urgent_numbers(library, language)
        found += check_sentences(library, language)
        for slug in library.conditions:
            found += check_review(language.conditions[slug], library.settings.review_max_months)
            for kind in KINDS:
                problems, figure = check_readability(
                    language, f"{code}/{slug} {kind}", document_texts(language, slug, kind)
                )
                found += problems
                figures.append(figure)
    # What every document is made from, read once for the checks that remember their results.
    from handouts.content.contentfiles import group_digests
    from handouts.deliver.budgets import check_page_budgets
    from handouts.deliver.readingcheck import check_readings

    digests = group_digests(library.root)
    found += check_page_budgets(library, digests)
    found += check_readings(library, digests)
    # A translation that fell back shares the source's Text objects: report each place once.
    unique = {(d.mark, d.message, d.severity): d for d in found}
    return sorted(unique.values(), key=_place), figures


def _place(d: Diagnostic) -> tuple:
    mark = d.mark or Mark("")
    return mark.path, mark.line, mark.column, d.severity, d.message


# 1. Glyph coverage ------------------------------------------------------------------------------
def check_glyphs(language: Language, values: Iterable[Text]) -> list[Diagnostic]:
    """A character no bundled font has would print as nothing at all. Characters the
    language's own font lacks are set in another bundled family (render.text.FontChain)."""
    from handouts.content.fontfiles import font_families

    font = str(language.style.font)
    families = [font, *[name for name in font_families() if name != font]]
    in_every_weight = frozenset.intersection(*(charset(font, w) for w in WEIGHTS))
    found = []
    for text in values:
        if set(map(ord, text)) <= in_every_weight:
            continue  # the usual case, decided at C speed
        for index, char in enumerate(text):
            if char.isspace():
                continue
            missing = [
                w for w in WEIGHTS if not any(ord(char) in charset(name, w) for name in families)
            ]
            if missing:
                which = "" if len(missing) == len(WEIGHTS) else f" ({missing[0]})"
                found.append(
                    Diagnostic(
                        text.mark_of(index),
                        f"character {char!r} (U+{ord(char):04X}) is in no bundled font{which} "
                        f"({', '.join(families)})",
                        "remove it or replace it with a character the fonts have",
                    )
                )
    return found


# 2. Plain language --------------------------------------------------------------------------------
def sentences(values: Iterable[Text], pattern: re.Pattern) -> list[tuple[Text, int, str]]:
    """(text, start index, sentence): sentences end at final punctuation or a text's end."""
    return [
        (text, m.start(), m.group().strip())
        for text in values
        for m in pattern.finditer(text)
        if m.group().strip()
    ]


def syllables(word: str) -> int:
    """English syllables by vowel groups, less silent endings; good enough for a grade level."""
    word = word.lower().replace("’", "'").split("'")[0]
    if word.isdigit():
        return len(word)  # roughly: "30" is thir-ty
    if len(word) <= 3:
        return 1
    count = len(re.findall(r"[aeiouy]+", word))
    if re.search(r"[^aeiouy]e$", word) and not re.search(r"[^aeiouy]le$", word):
        count -= 1  # silent final e: "make", but "table" keeps it
    elif re.search(r"[^aeiouytd]ed$|(?:[^aeiouysxzhgcl]|[aeiouy]l)es$", word):
        count -= 1  # "pressed", "takes"; but "wanted", "causes", "needles" keep it
    return max(count, 1)


def check_readability(
    language: Language, name: str, values: list[Text]
) -> tuple[list[Diagnostic], str]:
    """One document's figure line; over a limit is a diagnostic at the worst sentence."""
    limits = language.style.plain_language
    if limits.max_grade is not None:
        return _english(name, values, limits.max_grade)
    if limits.max_sentence_length is not None or limits.max_kanji_ratio is not None:
        return _japanese(name, values, limits.max_sentence_length, limits.max_kanji_ratio)
    characters = sum(len(t) for t in values)
    return [], f"{name}: {characters} characters (no readability limits set)"


def _english(name: str, values: list[Text], max_grade: float) -> tuple[list[Diagnostic], str]:
    found = [(text, start, WORD.findall(s)) for text, start, s in sentences(values, EN_SENTENCE)]
    found = [entry for entry in found if entry[2]]
    words = [w for _, _, ws in found for w in ws]
    if not words:
        return [], f"{name}: no words"
    grade = 0.39 * len(words) / len(found) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59
    figure = f"{name}: grade {grade:.1f} (max {max_grade:g}), {len(words)} words"
    if grade <= max_grade:
        return [], figure
    text, start, longest = max(found, key=lambda entry: len(entry[2]))
    return [
        Diagnostic(
            text.mark_of(start),
            f"{name}: Flesch-Kincaid grade {grade:.1f} is above the maximum of {max_grade:g}",
            f"use shorter sentences and everyday words; the longest sentence "
            f"({len(longest)} words) starts here",
        )
    ], figure


def is_kanji(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def _japanese(
    name: str, values: list[Text], max_length: float | None, max_ratio: float | None
) -> tuple[list[Diagnostic], str]:
    found = [(text, start, "".join(s.split())) for text, start, s in sentences(values, JA_SENTENCE)]
    if not found:
        return [], f"{name}: no sentences"
    characters = sum(len(s) for _, _, s in found)
    average = characters / len(found)
    ratio = sum(is_kanji(c) for _, _, s in found for c in s) / characters
    figure = (
        f"{name}: {average:.1f} characters per sentence"
        + (f" (max {max_length:g})" if max_length is not None else "")
        + f", kanji {ratio:.0%}"
        + (f" (max {max_ratio:.0%})" if max_ratio is not None else "")
    )
    problems = []
    if max_length is not None and average > max_length:
        text, start, longest = max(found, key=lambda entry: len(entry[2]))
        problems.append(
            Diagnostic(
                text.mark_of(start),
                f"{name}: {average:.1f} characters per sentence on average, "
                f"more than {max_length:g}",
                f"split long sentences; the longest ({len(longest)} characters) starts here",
                "warning",
            )
        )
    if max_ratio is not None and ratio > max_ratio:
        text, start, _ = max(found, key=lambda entry: sum(map(is_kanji, entry[2])))
        problems.append(
            Diagnostic(
                text.mark_of(start),
                f"{name}: kanji are {ratio:.0%} of the text, more than {max_ratio:.0%}",
                "write more words in kana; the sentence with the most kanji starts here",
                "warning",
            )
        )
    return problems, figure


# Each sentence's length and share of kanji, where the language sets limits (language.yaml).
# A short text (a point's name, a heading) says nothing about its share of kanji.
RATIO_MIN_LENGTH = 10


def check_sentences(library: Library, language: Language) -> list[Diagnostic]:
    """Every sentence of the language's own files over its per-sentence limits, at its place
    (texts it takes from the language it is made from are that language's to check)."""
    limits = language.style.plain_language
    longest, densest = limits.sentence_max_length, limits.sentence_max_kanji_ratio
    if longest is None and densest is None:
        return []
    own = str(library.root / language.code) + "/"
    values = [
        t
        for t in texts(language, skip=(LanguageStyle, Review))
        if getattr(t, "path", "").startswith(own)
    ]
    found = []
    for text, start, sentence in sentences(values, JA_SENTENCE):
        plain = "".join(sentence.split())
        kanji = sum(map(is_kanji, plain))
        if longest is not None and len(plain) > longest:
            found.append(
                Diagnostic(
                    text.mark_of(start),
                    f"{language.code}: a sentence of {len(plain)} characters, "
                    f"more than {longest:g}",
                    "one idea per sentence: split it",
                    "warning",
                )
            )
        if densest is not None and len(plain) >= RATIO_MIN_LENGTH and kanji / len(plain) > densest:
            found.append(
                Diagnostic(
                    text.mark_of(start),
                    f"{language.code}: kanji are {kanji / len(plain):.0%} of "
                    f"this sentence, more than {densest:.0%}",
                    "write everyday words in kana, or explain the term in kana",
                    "warning",
                )
            )
    return found


# 3. Forbidden claims ------------------------------------------------------------------------------
def claim_pattern(term: str) -> re.Pattern:
    """Latin terms match whole words (so 'cure' is not found in 'secure'); CJK terms anywhere."""
    body = r"\s+".join(re.escape(word) for word in term.split())
    if any(low <= char <= high for char in term for low, high in CJK_RANGES):
        return re.compile(body, re.IGNORECASE)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def check_claims(language: Language, values: Iterable[Text]) -> list[Diagnostic]:
    """Promises of cure or safety mislead patients, whatever else the text says."""
    patterns = [
        (str(term), claim_pattern(term))
        for term in language.style.plain_language.forbidden
        if term.strip()
    ]
    return [
        Diagnostic(
            text.mark_of(match.start()),
            f"forbidden claim '{term}': handouts inform, they never promise",
            "say what it may help with, e.g. 'may help ease the pain'",
        )
        for text in values
        for term, pattern in patterns
        for match in pattern.finditer(text)
    ]


# 4. Bracket widths -------------------------------------------------------------------------------
HALF_WIDTH_BRACKETS = {"(": "（", ")": "）", "[": "［", "]": "］"}


def check_brackets(language: Language, values: Iterable[Text]) -> list[Diagnostic]:
    """A language that writes brackets full-width (language.yaml full_width_brackets: （血栓）)
    shows a half-width one ((血栓)) as a mismatch beside the others. Only its own files: a text
    it falls back to (English) keeps its own brackets."""
    if not language.style.full_width_brackets:
        return []
    found = []
    for text in values:
        if language.code not in Path(text.path).parts:
            continue
        for index, char in enumerate(text):
            wide = HALF_WIDTH_BRACKETS.get(char)
            if wide is not None:
                found.append(
                    Diagnostic(
                        text.mark_of(index),
                        f"{language.code}: half-width bracket '{char}' in a language that "
                        f"writes brackets full-width",
                        f"write '{wide}' (language.yaml full_width_brackets)",
                    )
                )
    return found


# 5. Review due ------------------------------------------------------------------------------------
def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier (clamped to the month's last day)."""
    import calendar  # here: a build imports this module but does not need it

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def review_due(review: Review, max_months: int) -> datetime.date:
    """When a review is due again: its next-review date, and at the latest `max_months` after
    it (clamped to the month's last day)."""
    return min(review.next, months_before(review.date, -max_months))


def check_review(
    condition: Condition, max_months: int, today: datetime.date | None = None
) -> list[Diagnostic]:
    """Medical content ages: a condition is due for review on its next-review date, and at the
    latest `max_months` after its last review."""
    review = condition.review
    if review is None:
        return [
            Diagnostic(
                Mark(condition.title.path),
                "this condition has no review",
                "add review: with by:, role:, date: (when) and next: (when it is due)",
                "warning",
            )
        ]
    today = today or clock.today()
    found = []
    if review.next <= today:
        found.append(
            Diagnostic(
                _review_key_mark(review.by, "next"),
                f"due for review since {review.next.isoformat()}",
                "have the content checked again, then update review: date: and next:",
                "warning",
            )
        )
    elif review.date < months_before(today, max_months):
        found.append(
            Diagnostic(
                _review_key_mark(review.by, "date"),
                f"reviewed on {review.date.isoformat()}, more than {max_months} months ago",
                "have the content checked again, then update review: date: and next:",
                "warning",
            )
        )
    if review.next <= review.date:
        found.append(
            Diagnostic(
                _review_key_mark(review.by, "next"),
                f"next review {review.next.isoformat()} is not after the review "
                f"date {review.date.isoformat()}",
                None,
                "warning",
            )
        )
    return found


def _review_key_mark(by: Text, key: str) -> Mark:
    """The `key:` line of the review block `by` belongs to (dates carry no mark)."""
    block = re.search(r"^review\s*:", by.source, re.MULTILINE)
    pattern = re.compile(rf"^\s+{key}\s*:", re.MULTILINE)
    found = pattern.search(by.source, block.end()) if block else None
    if found is None:
        return Mark(by.path)
    start = found.end() - len(found.group().lstrip())
    line = by.source.count("\n", 0, start) + 1
    return Mark(by.path, line, start - by.source.rfind("\n", 0, start))


# 6. Clinic contact and emergency numbers ----------------------------------------------------
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,}[0-9]$")


def check_clinic(library: Library) -> list[Diagnostic]:
    """Patients must be able to call: a real phone number, or a placeholder that says so."""
    clinic = library.clinic
    if clinic.placeholder:
        return [
            Diagnostic(
                clinic.phone.mark,
                f"phone '{clinic.phone}' and opening hours are placeholders, not the "
                "clinic's own: patients cannot call you",
                "put the clinic's number here and its hours in each "
                "<lang>/clinic.yaml, then delete 'placeholder: true'",
                "warning",
            )
        ]
    if not PHONE.match(unicodedata.normalize("NFKC", clinic.phone)):
        return [
            Diagnostic(
                clinic.phone.mark,
                f"'{clinic.phone}' is not a phone number",
                "write it as patients dial it, e.g. 03-1234-5678; while it is a "
                "stand-in, add 'placeholder: true'",
            )
        ]
    return []


def names_number(text: str, number: str) -> bool:
    """Whether `text` names `number` as a whole (so #7119 does not count as 119)."""
    plain = unicodedata.normalize("NFKC", text)  # full-width digits too
    return re.search(rf"(?<![\d#]){re.escape(number)}(?!\d)", plain) is not None


def check_urgent_numbers(library: Library, language: Language) -> list[Diagnostic]:
    """Every urgent box (handout and aftercare) opens with the line that says whom to call and
    ends with the advice line; each must name its number in this language's own words."""
    labels, clinic = language.labels, library.clinic
    found = []
    wanted = [("see_a_doctor_urgent", clinic.emergency_number, "emergency number")]
    if clinic.advice_line:
        wanted.append(("urgent_advice", clinic.advice_line, "advice line"))
    for key, number, what in wanted:
        text = getattr(labels, key)
        if not names_number(text, number):
            found.append(
                Diagnostic(
                    text.mark,
                    f"{language.code}: the urgent box does not name the {what} {number}",
                    f"say in {key} when to call {number} (content/clinic.yaml sets the number)",
                )
            )
    return found
