"""Validate what a practitioner types for a personal sheet (names, dates, points, note)."""

from __future__ import annotations

import datetime
import unicodedata

from handouts.compose import Personal
from handouts.errors import HandoutsError
from handouts.model import Library
from handouts.schema import suggest_code

MAX_NAME = 80


def _no_controls(option: str, value: str | None, allow_newlines: bool = False) -> str | None:
    if value is None:
        return None
    for char in value:
        if allow_newlines and char in "\n\t":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise HandoutsError(f"{option}: control characters (U+{ord(char):04X}) are not allowed")
    value = " ".join(value.split()) if not allow_newlines else value.strip()
    return value or None


def parse_date(option: str, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise HandoutsError(f"{option}: '{value}' is not a date (write it as YYYY-MM-DD, "
                            "e.g. 2026-11-21)") from None


def parse_datetime(option: str, value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        return datetime.datetime.strptime(" ".join(value.split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise HandoutsError(f"{option}: '{value}' is not a date and time (write it as "
                            "\"YYYY-MM-DD HH:MM\", e.g. \"2026-11-28 14:30\")") from None


def parse_points(library: Library, lang: str, value: str | None) -> tuple[str, ...] | None:
    """Codes or aliases (LV3 -> LR3), comma-separated; unknown codes are errors with a hint."""
    if value is None:
        return None
    codes = []
    for raw in (part.strip() for part in value.split(",")):
        if not raw:
            continue
        code = library.canonical_code(raw)
        if code is None:
            hint = suggest_code(raw, library.registry, library.aliases)
            raise HandoutsError(f"--points: unknown point code '{raw}'"
                                + (f" ({hint})" if hint else
                                   f" (known: {', '.join(sorted(library.registry))})"))
        if code not in library.languages[lang].points:
            raise HandoutsError(f"--points: point {code} has no text in {lang}/points.yaml")
        if library.registry[code].view is None:
            raise HandoutsError(f"--points: point {code} has no diagram position")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _not_addressed_twice(form: str, patient: str) -> None:
    """The sheet adds the language's form of address (ui.yaml patient_name, e.g. "{patient} 様");
    a name that already carries it would be printed wrongly ("… 様 様"), so refuse it."""
    before, _, after = form.partition("{patient}")
    for part, present in ((before.strip(), patient.startswith), (after.strip(), patient.endswith)):
        if part and present(part):
            raise HandoutsError(f"--patient: leave out '{part}': the sheet adds it "
                                f"(it prints the name as \"{form}\")")


def personal_details(library: Library, lang: str, *, patient=None, date=None, points=None,
                     next_visit=None, practitioner=None, note=None) -> Personal:
    patient = _no_controls("--patient", patient)
    practitioner = _no_controls("--practitioner", practitioner)
    for option, name in (("--patient", patient), ("--practitioner", practitioner)):
        if name and len(name) > MAX_NAME:
            raise HandoutsError(f"{option}: a name of {len(name)} characters is too long "
                                f"(at most {MAX_NAME})")
    if patient:
        _not_addressed_twice(library.languages[lang].labels.patient_name, patient)
    return Personal(patient=patient, date=parse_date("--date", date),
                    practitioner=practitioner,
                    next_visit=parse_datetime("--next", next_visit),
                    note=_no_controls("--note", note, allow_newlines=True),
                    points=parse_points(library, lang, points))
