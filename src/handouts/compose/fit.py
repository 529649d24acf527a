"""Why a personal sheet does not fit its page budget, in words a practitioner can act on.

Only on the failure path: the sheet is rendered again without each personal part (the note, the
treated points, the names) to find what takes the space, then the note is shortened or the
points reduced step by step (bisection) to say how much is over. The renderer stays the only
judge of what fits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from handouts.compose.composer import Personal

Fits = Callable[[Personal], bool]


def explain(fits: Fits, personal: Personal, head: str) -> str:
    """`head` (what went wrong), then what of the personal details takes the space; the message
    starts with the option(s) to change, like every other error in personal input."""
    without = {
        "note": dataclasses.replace(personal, note=None) if personal.note else None,
        "points": dataclasses.replace(personal, points=()) if personal.points else None,
        "names": (
            dataclasses.replace(personal, patient=None, practitioner=None)
            if personal.patient or personal.practitioner
            else None
        ),
    }
    alone = {part: fits(sheet) for part, sheet in without.items() if sheet is not None}
    culprits = [part for part, ok in alone.items() if ok]
    if culprits:
        # The names are named only when nothing else would make room.
        culprits = [p for p in culprits if p != "names" or len(culprits) == 1]
        items = [_ITEMS[part](fits, personal) for part in culprits]
        return (
            f"{_options(personal, culprits)}: {head}. What takes the space: "
            + "; or ".join(items)
            + "."
        )
    bare = Personal(
        date=personal.date,
        next_visit=personal.next_visit,
        points=None if personal.points is None else (),
    )
    if not alone or not fits(bare):
        return f"{head}: the sheet's own text is too long for it, whatever the personal details"
    parts = list(alone)
    return (
        f"{_options(personal, parts)}: {head}. What takes the space: "
        f"{_together(fits, personal, parts)}."
    )


def _options(personal: Personal, parts: list[str]) -> str:
    names = {
        "note": ["--note"],
        "points": ["--points"],
        "names": [
            o
            for o, v in (("--patient", personal.patient), ("--practitioner", personal.practitioner))
            if v
        ],
    }
    return " or ".join(option for part in parts for option in names[part])


def _note(fits: Fits, personal: Personal) -> str:
    """How much of the note fits, everything else as given."""
    note = personal.note or ""  # asked only about a sheet with a note
    low, high = 0, len(note)  # note[:low] fits, note[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if fits(dataclasses.replace(personal, note=note[:middle].rstrip() or None)):
            low = middle
        else:
            high = middle
    if low == 0:
        return f"the note, {len(note)} characters (there is no room for it): leave out --note"
    return (
        f"the note, about {len(note) - low} characters too long "
        f"({low} of its {len(note)} fit): shorten --note"
    )


def _points(fits: Fits, personal: Personal) -> str:
    count = len(personal.points or ())
    kept = _points_that_fit(fits, personal)
    with_note = " with this note" if personal.note else ""
    if kept == 0:
        # Even one point brings the diagram of the points treated, which needs room of its
        # own: there is none left, so the advice is to leave them out (or to make room).
        shorten = "shorten --note or " if personal.note else ""
        return (
            f"the {count} treated point{'s' if count != 1 else ''}: not even one fits"
            f"{with_note} (the diagram of the points treated needs room the sheet does not "
            f"have left): {shorten}leave out --points"
        )
    return (
        f"the {count} treated points, {count - kept} too many "
        f"({kept} fit{with_note}): give at most {kept} --points"
    )


def _points_that_fit(fits: Fits, personal: Personal) -> int:
    """The largest k for which the first k treated points fit (none is known to fit)."""
    points = personal.points or ()
    low, high = 0, len(points)  # points[:low] fit, points[:high] do not
    while high - low > 1:
        middle = (low + high) // 2
        if fits(dataclasses.replace(personal, points=points[:middle])):
            low = middle
        else:
            high = middle
    return low


def _names(fits: Fits, personal: Personal) -> str:
    given = [
        (who, value)
        for who, value in (("patient", personal.patient), ("practitioner", personal.practitioner))
        if value
    ]
    names = " and ".join(f"the {who}'s name, {len(value)} characters" for who, value in given)
    return names + ": shorten " + " and ".join(f"--{who}" for who, _ in given)


_ITEMS = {"note": _note, "points": _points, "names": _names}


def _together(fits: Fits, personal: Personal, parts: list[str]) -> str:
    """No part alone is to blame: name them all, and what fits once the note is gone."""
    named = {
        "note": "the note",
        "points": f"the {len(personal.points or ())} treated points",
        "names": "the names",
    }
    actions = {
        "note": "shorten --note",
        "points": "give fewer --points",
        "names": "shorten the names",
    }
    listed = _and([named[p] for p in parts])
    hint = ""
    if "points" in parts and "note" in parts:
        kept = _points_that_fit(fits, dataclasses.replace(personal, note=None))
        hint = (
            f"; without the note, {kept} of the points fit"
            if kept
            else "; even without the note, not one point fits (its diagram needs room the "
            "sheet does not have): leave out --points"
        )
    return f"{listed} together: {_and([actions[p] for p in parts])}{hint}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"
