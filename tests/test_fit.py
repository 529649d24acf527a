"""What a refusal of a personal sheet says, against a page that holds a known amount.

The real sheets are tested in test_personal_variants.py; here a page of fixed capacity stands in
for the renderer, so every branch of the explanation (note, points, names, all together, the
sheet's own text) is reached and its numbers can be checked exactly.
"""

from __future__ import annotations

from handouts.compose import Personal
from handouts.fit import explain

POINTS = tuple(f"P{i}" for i in range(10))


def page(capacity: int, base: int = 50):
    """Fits when base + note length + 10 per point + names' length stays within capacity."""
    def fits(p: Personal) -> bool:
        used = base + len(p.note or "") + 10 * len(p.points or ()) \
            + len(p.patient or "") + len(p.practitioner or "")
        return used <= capacity
    return fits


def test_the_note_alone_with_exactly_how_much_is_over():
    message = explain(page(200), Personal(note="x" * 180, points=POINTS[:3]), "too long")
    assert message == ("--note: too long. What takes the space: the note, about 60 characters "
                       "too long (120 of its 180 fit): shorten --note.")


def test_the_points_alone_with_how_many_fit():
    # 50 + 10 + 10 x 10 = 160 > 145; without the note still 150; 60 + 10 k <= 145: k = 8
    message = explain(page(145), Personal(note="x" * 10, points=POINTS), "too long")
    assert message == ("--points: too long. What takes the space: the 10 treated points, 2 too "
                       "many (8 fit with this note): give at most 8 --points.")


def test_either_part_can_give_way():
    # 50 + 40 + 50 = 140 > 120; without the note 100, without the points 90: both would do
    message = explain(page(120), Personal(note="x" * 40, points=POINTS[:5]), "too long")
    assert message == ("--note or --points: too long. What takes the space: the note, about 20 "
                       "characters too long (20 of its 40 fit): shorten --note; or the 5 treated "
                       "points, 2 too many (3 fit with this note): give at most 3 --points.")


def test_no_room_for_any_note():
    message = explain(page(150), Personal(note="x" * 60, points=POINTS), "too long")
    assert message.startswith("--note or --points: too long.")
    assert "the note, 60 characters (there is no room for it): leave out --note" in message


def test_the_names_when_only_they_are_to_blame():
    message = explain(page(100), Personal(patient="a" * 40, practitioner="b" * 30), "too long")
    assert message == ("--patient or --practitioner: too long. What takes the space: the "
                       "patient's name, 40 characters and the practitioner's name, 30 characters: "
                       "shorten --patient and --practitioner.")


def test_parts_that_only_together_take_too_much():
    # 50 + 60 + 100 + 40 = 250 > 140; without the note 190, without the points 150, without
    # the name 210: only together; without the note, 50 + 40 + 10 k <= 140: k = 5
    message = explain(page(140), Personal(note="x" * 60, points=POINTS, patient="n" * 40),
                      "too long")
    assert message == ("--note or --points or --patient: too long. What takes the space: the "
                       "note, the 10 treated points and the names together: shorten --note, give "
                       "fewer --points and shorten the names; without the note, 5 of the points "
                       "fit.")


def test_the_sheets_own_text():
    message = explain(page(40), Personal(note="x", points=POINTS[:1]), "too long")
    assert message == ("too long: the sheet's own text is too long for it, whatever the "
                       "personal details")
