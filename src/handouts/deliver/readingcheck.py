"""Furigana readings: each language's readings.yaml is well formed and used, point names are read
as points.yaml reads them, and no kanji of a language with furigana goes unread."""

from __future__ import annotations

import hashlib

from handouts.content.languagecheck import DATE_PATTERNS
from handouts.content.model import Language, LanguageStyle, Library, Review
from handouts.content.texts import texts
from handouts.content.yamlsrc import Text
from handouts.errors import Diagnostic, Mark

# The analyser and dictionary whose readings `check` remembers (a new version reads anew).
ANALYSER_PACKAGES = ("sudachipy", "sudachidict_core")


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
