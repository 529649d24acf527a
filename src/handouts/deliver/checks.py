"""Content checks beyond the schema: glyphs, page budgets, plain language, claims, review due,
the clinic's phone and the numbers every urgent box must name.

`run_checks` returns diagnostics (sorted by place) and one readability figure per document.
Texts are found by walking the model's dataclasses, so a new field is checked without code here.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from handouts import clock
from handouts.compose.composer import KINDS
from handouts.content.fontfiles import charset
from handouts.content.languagecheck import DATE_PATTERNS
from handouts.content.model import Condition, Language, LanguageStyle, Library, Review
from handouts.content.yamlsrc import Text
from handouts.errors import Diagnostic, HandoutsError, Mark

WEIGHTS = ("regular", "bold")
# CJK ideographs, kana and full-width forms, tested per character: as a regex class, these
# ~30,000 characters cost ~5 ms to compile at every start (`re` visits each one).
CJK_RANGES = (("\u2e80", "\u9fff"), ("\uf900", "\ufaff"), ("\uff00", "\uffef"))
EN_SENTENCE = re.compile(r"\S.*?(?:[.!?]+(?=[\s\"'”’)]|$)|$)", re.DOTALL)
JA_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")


# The analyser and dictionary whose readings `check` remembers (a new version reads anew).
ANALYSER_PACKAGES = ("sudachipy", "sudachidict_core")


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

    digests = group_digests(library.root)
    found += check_page_budgets(library, digests)
    found += check_readings(library, digests)
    # A translation that fell back shares the source's Text objects: report each place once.
    unique = {(d.mark, d.message, d.severity): d for d in found}
    return sorted(unique.values(), key=_place), figures


def _place(d: Diagnostic) -> tuple:
    mark = d.mark or Mark("")
    return mark.path, mark.line, mark.column, d.severity, d.message


def texts(value, skip: tuple[type, ...] = ()) -> Iterator[Text]:
    """Every Text reachable from a model value (dataclasses, dicts, lists), in field order."""
    if isinstance(value, Text):
        yield value
    elif isinstance(value, skip):
        return
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from texts(getattr(value, field.name), skip)
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item, skip)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item, skip)


def document_texts(language: Language, slug: str, kind: str) -> list[Text]:
    """The texts a reader meets in one document (the reviewer's name is not printed)."""
    condition = language.conditions[slug]
    if kind == "handout":
        points = [language.points[p.code] for p in condition.points]
        return [*texts(condition, skip=(Review,)), *texts(points)]
    return [
        *texts(language.aftercare),
        *texts(condition.aftercare),
        *texts(condition.precautions),
        *texts(condition.see_a_doctor.urgent),
    ]


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


# 2. Page budget -----------------------------------------------------------------------------------
# Every print variant has a budget (large print's is style page.budget_factor times more): a
# document that fits A4 may still overrun Letter, which is shorter.
PRINT_VARIANTS = (("a4", False), ("letter", False), ("a4", True), ("letter", True))


def variant_name(paper: str, large_print: bool) -> str:
    """How a message names a print variant: A4, Letter, A4 large print."""
    return ("A4" if paper == "a4" else paper.capitalize()) + (" large print" if large_print else "")


def check_page_budgets(library: Library, digests: dict) -> list[Diagnostic]:
    """Lay out every generic document on each paper size, in normal and large print: each
    language alone, and each translation beside the source language as `build --edition
    bilingual` makes it. Over budget means the content must be shortened; the message names
    the variants that overrun.

    Only the layout runs (render.pdf.count_pages): no header, footer, QR codes, font subsets or
    PDF file, which are the same for every document and cost half of a render. `digests`:
    contentfiles.group_digests of the library's folder.
    """
    from handouts.compose.composer import compose, printed_budget
    from handouts.compose.editions import compose_pair, edition_budget
    from handouts.content.contentfiles import document_inputs, inputs_digest

    source = str(library.settings.source_language)
    languages = sorted(library.languages)
    editions = [(lang,) for lang in languages] + [
        (source, lang) for lang in languages if lang != source
    ]
    found = []
    parents = library.parents()
    for edition in editions:
        lang = edition[-1]
        named = "" if len(edition) == 1 else f" (bilingual, beside {edition[0]})"
        for slug in library.conditions:
            inputs = inputs_digest(digests, document_inputs(list(edition), slug, parents))
            relative = f"{lang}/conditions/{slug}.yaml"
            mark = Mark(str(library.root / relative))
            for kind in KINDS:
                over, failed = [], None
                try:
                    doc = (
                        compose(library, lang, slug, kind)
                        if len(edition) == 1
                        else compose_pair(library, *edition, slug, kind)
                    )
                    for paper, large in PRINT_VARIANTS:
                        style = library.page_style(edition[0], paper, large)
                        budget = printed_budget(edition_budget(library, edition, kind), style)
                        job = (inputs, edition, slug, kind, paper, large)
                        pages = _page_count(library, doc, job)
                        if pages > budget:
                            over.append(
                                f"{pages} pages on {variant_name(paper, large)}, "
                                f"{pages - budget} over the budget of {budget}"
                            )
                except HandoutsError as exc:
                    failed = f"{relative}: {kind}{named}: {exc.format_message()}"
                if failed is None and not over:
                    continue
                message = failed or f"{relative}: {kind}{named} needs " + "; ".join(over)
                hint = "shorten the longest parts: " + _longest_parts(
                    library.languages[lang], slug, kind
                )
                found.append(Diagnostic(mark, message, hint))
    return found


def _page_count(library: Library, doc, job: tuple) -> int:
    """render.pdf.count_pages, remembered in the cache under everything a count depends on:
    the document's content files (job: contentfiles.document_inputs), the code, fonts and
    drawing libraries (fingerprint.code_fingerprint) and the
    date. An unchanged library is checked again without laying anything out (or importing
    reportlab); a count that fails is not stored, so its error is shown every time."""
    from handouts import cache
    from handouts.content.fingerprint import code_fingerprint

    key = hashlib.sha256(repr((code_fingerprint(), job, str(clock.today()))).encode()).hexdigest()
    entry = cache.load("pages", key, key)
    if entry is not None and entry.isdigit():
        return int(entry)
    from handouts.deliver.build import document_styles
    from handouts.render.pdf import count_pages

    *_, paper, large_print = job
    pages = count_pages(doc, *document_styles(library, doc, paper, large_print))
    cache.store("pages", key, key, str(pages).encode("ascii"))
    return pages


def _longest_parts(language: Language, slug: str, kind: str) -> str:
    """The two largest parts of a document by characters, named by their YAML keys."""
    condition = language.conditions[slug]
    if kind == "handout":
        parts = {
            f.name: getattr(condition, f.name)
            for f in dataclasses.fields(Condition)
            if f.name not in ("aftercare", "review")
        }
    else:
        care = language.aftercare
        parts = {
            f"aftercare.yaml {f.name}": getattr(care, f.name) for f in dataclasses.fields(care)
        }
        parts[f"conditions/{slug}.yaml aftercare"] = condition.aftercare
        parts[f"conditions/{slug}.yaml precautions"] = condition.precautions
        parts[f"conditions/{slug}.yaml see_a_doctor urgent"] = condition.see_a_doctor.urgent
    sizes = sorted(((sum(map(len, texts(v))), k) for k, v in parts.items()), reverse=True)
    return ", ".join(f"{key} ({size} characters)" for size, key in sizes[:2])


# 3. Plain language --------------------------------------------------------------------------------
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


# 4. Forbidden claims ------------------------------------------------------------------------------
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


# 4b. Bracket widths -------------------------------------------------------------------------------
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


# 7. Furigana readings -----------------------------------------------------------------------------
def check_readings(library: Library, digests: dict) -> list[Diagnostic]:
    """Each language's readings.yaml: words with kanji, read in kana that fits their kana, used
    by some text, point names read as points.yaml reads them; and in every language with
    furigana, every kanji of every text read by something (else a patient gets none)."""
    from handouts.content import furigana
    from handouts.content.contentfiles import inputs_digest
    from handouts.content.fingerprint import code_fingerprint, installed_versions

    # What the remembered analyses depend on but the language: every content file, the code and
    # fonts, the installed analyser and dictionary.
    depends = (
        code_fingerprint(),
        inputs_digest(digests, sorted(digests)),
        installed_versions(ANALYSER_PACKAGES),
    )
    found = []
    for code, language in sorted(library.languages.items()):
        own = library.root / code / "readings.yaml"
        readers = [
            lang
            for lang in library.languages.values()
            if lang is language or code in library.fallbacks(lang.code)
        ]
        used = "\n".join(t for lang in readers for t in texts(lang, skip=(LanguageStyle, Review)))
        names = {str(p.name): p for p in language.points.values()}
        for word, reading in language.readings.words.items():
            if getattr(reading, "path", None) != str(own):
                continue  # the language it is made from checks it
            problem = _reading_problem(word, reading, furigana)
            if (
                problem is None
                and word in names
                and names[word].reading is not None
                and furigana.hiragana(reading) != furigana.hiragana(str(names[word].reading))
            ):
                problem = (
                    f"'{word}' is a point name: points.yaml reads it '{names[word].reading}'",
                    "one reading per name: keep the one in points.yaml",
                )
            if problem is None and word not in used:
                found.append(
                    Diagnostic(
                        reading.mark,
                        f"reading of '{word}': no text uses this word",
                        "remove it, or check its spelling",
                        "warning",
                    )
                )
            elif problem is not None:
                found.append(
                    Diagnostic(reading.mark, f"reading of '{word}': {problem[0]}", problem[1])
                )
        for counter, table in language.readings.counters.items():
            for key, reading in table.items():
                if getattr(reading, "path", None) != str(own):
                    continue
                problem = None
                if not furigana.has_kanji(counter):
                    problem = (f"counter '{counter}' has no kanji", "counters such as 本 or 分")
                elif key != "*" and not key.isdigit():
                    problem = (
                        f"counter '{counter}': '{key}' is not a digit",
                        'the last digit(s) of the number, or "*" for any other',
                    )
                elif not furigana.KANA.match(reading):
                    problem = (
                        f"counter '{counter}': '{reading}' is not kana",
                        "write the reading in hiragana",
                    )
                if problem:
                    found.append(Diagnostic(reading.mark, problem[0], problem[1]))
        found += _date_reading_problems(language.readings.dates, str(own), furigana)
        if language.style.furigana is not None:
            found += _unread_remembered(library, language, furigana, depends)
    return found


def _unread_remembered(
    library: Library, language: Language, furigana, depends: tuple
) -> list[Diagnostic]:
    """_unread, remembered in the cache under everything it depends on: every file of the
    content, the code and fonts (fingerprint.code_fingerprint), the language and the installed
    analyser and dictionary. Analysing every text (SudachiPy's dictionary alone takes ~50 ms to
    load) is most of a cold check; an unchanged library is checked again without it. Only
    content is stored: check reads no patient data."""
    from handouts import cache

    key = hashlib.sha256(repr((*depends, language.code)).encode()).hexdigest()
    entry = cache.load("readings", key, key)
    if entry is not None:
        try:
            return [_diagnostic(row) for row in cache.unpack(entry)]
        except (ValueError, TypeError):
            pass  # not what we write: analyse again
    found = _unread(library, language, furigana)
    if all(d.mark is not None for d in found):
        cache.store(
            "readings",
            key,
            key,
            cache.pack(
                [
                    [d.mark.path, d.mark.line, d.mark.column, d.message, d.hint, d.severity]
                    for d in found
                    if d.mark is not None
                ]
            ),
        )
    return found


def _diagnostic(row) -> Diagnostic:
    """A Diagnostic from a stored row; ValueError if the row is not one."""
    if not isinstance(row, list) or len(row) != 6:
        raise ValueError("not a stored diagnostic")
    path, line, column, message, hint, severity = row
    if not (
        type(path) is str
        and type(line) is int
        and type(column) is int
        and type(message) is str
        and (hint is None or type(hint) is str)
        and severity in ("error", "warning")
    ):
        raise ValueError("not a stored diagnostic")
    return Diagnostic(Mark(path, line, column), message, hint, severity)


def _date_reading_problems(dates, own: str, furigana) -> list[Diagnostic]:
    """readings.yaml `dates`: months and days keyed by number (or "*"), weekdays by one
    character, each read in kana."""
    found = []
    for part, table in (
        ("months", dates.months),
        ("days", dates.days),
        ("weekdays", dates.weekdays),
    ):
        for key, reading in table.items():
            if getattr(reading, "path", None) != own:
                continue
            if part == "weekdays" and len(key) != 1:
                found.append(
                    Diagnostic(
                        reading.mark,
                        f"dates: weekday '{key}' is not one character",
                        "the weekday as a date prints it: 月",
                    )
                )
            elif part != "weekdays" and key != "*" and not key.isdigit():
                found.append(
                    Diagnostic(
                        reading.mark,
                        f"dates: {part} '{key}' is not a number",
                        'the number as printed, or "*" for any other',
                    )
                )
            elif not furigana.KANA.match(reading):
                found.append(
                    Diagnostic(
                        reading.mark,
                        f"dates: '{reading}' is not kana",
                        "write the reading in hiragana",
                    )
                )
    return found


def _reading_problem(word: str, reading: Text, furigana) -> tuple[str, str] | None:
    if not furigana.has_kanji(word):
        return "it has no kanji", "only words with kanji need a reading"
    digits = {c for c in word if c.isdigit()}
    bad = next(
        (i for i, c in enumerate(reading) if not (furigana.KANA.match(c) or c in digits)), None
    )
    if bad is not None:
        return (
            f"'{reading[bad]}' (U+{ord(reading[bad]):04X}) in '{reading}' is not kana",
            "write the reading in hiragana (digits as they stand in the word)",
        )
    if furigana.align(word, reading) is None:
        return (
            f"'{reading}' does not fit the kana of '{word}'",
            "the reading keeps the word's kana as they are, e.g. 使い捨て: つかいすて",
        )
    return None


def _unread(library: Library, language: Language, furigana) -> list[Diagnostic]:
    """Kanji of the language's texts that no reading covers (the analyser does not know them)."""
    from handouts.errors import HandoutsError

    try:
        reader = furigana.annotator(language)
        found = []
        for point_code, point in language.points.items():
            if point.reading is None and furigana.has_kanji(point.name):
                found.append(
                    Diagnostic(
                        point.name.mark,
                        f"point {point_code}: the name '{point.name}' has no reading",
                        "add reading: in kana",
                    )
                )
        patterns = {id(getattr(language.labels, name)) for name in DATE_PATTERNS}
        for text in texts(language, skip=(LanguageStyle, Review)):
            if id(text) in patterns:
                continue  # date patterns (y年M月d日) are not printed as they are
            for index, run in reader.unread(text):
                found.append(
                    Diagnostic(
                        text.mark_of(index),
                        f"no reading for '{run}'",
                        f"add it to {library.root / language.code}/readings.yaml"
                        f" (words: {run}: its reading in kana)",
                        "warning",
                    )
                )
        return found
    except ImportError as exc:
        raise HandoutsError(
            f"furigana needs SudachiPy and its dictionary ({exc}): "
            "pip install sudachipy sudachidict-core"
        ) from None
