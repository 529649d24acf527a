"""Validate what a practitioner types for a personal sheet (names, dates, points, note).

Messages name the option and the offending character's code point, never the value itself: a
patient's name must not end up in a terminal log or a CI transcript.
"""

from __future__ import annotations

import datetime

from handouts import clock
from handouts.characters import LINE_BREAKS, describe, first_control, is_blank
from handouts.compose.composer import Personal
from handouts.content.model import Library
from handouts.content.schema import suggest_code
from handouts.errors import HandoutsError

MAX_NAME = 80
MAX_NOTE = 1000  # characters; a longer note never fits the sheet
MAX_SHOWN = 8  # code points listed in a message


def _clean(option: str, value: str | None, multiline: bool = False) -> str | None:
    """The value with its spacing tidied; None when nothing printable is left."""
    if value is None:
        return None
    char = first_control(value, allow=LINE_BREAKS if multiline else "")
    if char is not None:
        raise HandoutsError(f"{option}: control characters ({describe(char)}) are not allowed")
    if is_blank(value):
        return None
    return (
        "\n".join(" ".join(line.split()) for line in value.strip().splitlines())
        if multiline
        else " ".join(value.split())
    )


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def parse_date(option: str, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise HandoutsError(
            f"{option}: '{value}' is not a date (write it as YYYY-MM-DD, e.g. 2026-11-21)"
        ) from None


def parse_datetime(option: str, value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        return datetime.datetime.strptime(" ".join(value.split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise HandoutsError(
            f"{option}: '{value}' is not a date and time (write it as "
            '"YYYY-MM-DD HH:MM", e.g. "2026-11-28 14:30")'
        ) from None


def check_dates(
    session: datetime.date | None, next_visit: datetime.datetime | None, today: datetime.date
) -> None:
    """A session is today or before, give or take a year of planning; the next visit comes
    after it. A wrong date on a medical sheet is worse than none."""
    if session is not None and session > _one_year_after(today):
        raise HandoutsError(
            f"--date: {session.isoformat()} is more than a year after today "
            f"({today.isoformat()}); check the year"
        )
    if next_visit is None:
        return
    start = session or today
    shown = next_visit.strftime("%Y-%m-%d %H:%M")
    if next_visit.date() < start:
        raise HandoutsError(
            f"--next: the next visit ({shown}) is before the session date ({start.isoformat()})"
            if session
            else f"--next: the next visit ({shown}) is in the past (today is {today.isoformat()})"
        )
    if next_visit.date() > _one_year_after(start):
        raise HandoutsError(
            f"--next: the next visit ({shown}) is more than a year after "
            f"{'the session' if session else 'today'} ({start.isoformat()}); "
            "check the year"
        )


def check_printable(option: str, value: str | None, families: list[str]) -> None:
    """Every character must exist in some bundled font (the renderer picks one that has it);
    otherwise the sheet would show empty boxes in place of part of a name."""
    if not value:
        return
    from handouts.content.fontfiles import charset

    missing = {ord(c) for c in value if not c.isspace()}
    for family in families:
        missing = {
            c
            for c in missing
            if c not in charset(family, "regular") or c not in charset(family, "bold")
        }
        if not missing:
            return
    shown = ", ".join(f"U+{c:04X}" for c in sorted(missing)[:MAX_SHOWN])
    more = f" and {len(missing) - MAX_SHOWN} more" if len(missing) > MAX_SHOWN else ""
    raise HandoutsError(
        f"{option}: {len(missing)} character(s) cannot be printed: no bundled "
        f"font has {shown}{more}; write it in Latin letters (or kana) instead"
    )


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
            raise HandoutsError(
                f"--points: unknown point code '{raw}'"
                + (f" ({hint})" if hint else f" (known: {', '.join(sorted(library.registry))})")
            )
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
            raise HandoutsError(
                f"--patient: leave out '{part}': the sheet adds it "
                f'(it prints the name as "{form}")'
            )


def personal_details(
    library: Library,
    lang: str,
    *,
    patient=None,
    date=None,
    points=None,
    next_visit=None,
    practitioner=None,
    note=None,
    printed: bool = True,
) -> Personal:
    """The checked personal fields. `printed`: they go on a PDF (an aftercare sheet), so every
    character must be printable; an emailed handout only greets the patient by name."""
    patient = _clean("--patient", patient)
    practitioner = _clean("--practitioner", practitioner)
    note = _clean("--note", note, multiline=True)
    for option, name in (("--patient", patient), ("--practitioner", practitioner)):
        if name and len(name) > MAX_NAME:
            raise HandoutsError(
                f"{option}: a name of {len(name)} characters is too long (at most {MAX_NAME})"
            )
    if patient:
        _not_addressed_twice(library.languages[lang].labels.patient_name, patient)
    if note and len(note) > MAX_NOTE:
        raise HandoutsError(
            f"--note: a note of {len(note)} characters is far too long for the "
            f"sheet (at most {MAX_NOTE}); shorten --note"
        )
    if printed:
        own = str(library.languages[lang].style.font)
        from handouts.content.fontfiles import font_families

        families = [own, *sorted(f for f in font_families() if f != own)]
        for option, value in (
            ("--patient", patient),
            ("--practitioner", practitioner),
            ("--note", note),
        ):
            check_printable(option, value, families)
    session, visit = parse_date("--date", date), parse_datetime("--next", next_visit)
    check_dates(session, visit, clock.today())
    return Personal(
        patient=patient,
        date=session,
        practitioner=practitioner,
        next_visit=visit,
        note=note,
        points=parse_points(library, lang, points),
    )
