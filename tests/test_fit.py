"""What a refusal of a personal sheet says, against a page that holds a known amount.

The real sheets are tested in test_personal_variants.py; here a page of fixed capacity stands in
for the renderer, so every branch of the explanation (note, points, names, all together, the
sheet's own text) is reached and its numbers can be checked exactly.
"""

from __future__ import annotations

from handouts.compose.composer import Personal
from handouts.compose.fit import explain

POINTS = tuple(f"P{i}" for i in range(10))


def page(capacity: int, base: int = 50):
    """Fits when base + note length + 10 per point + names' length stays within capacity."""

    def fits(p: Personal) -> bool:
        used = (
            base
            + len(p.note or "")
            + 10 * len(p.points or ())
            + len(p.patient or "")
            + len(p.practitioner or "")
        )
        return used <= capacity

    return fits


def test_the_note_alone_with_exactly_how_much_is_over():
    message = explain(page(200), Personal(note="x" * 180, points=POINTS[:3]), "too long")
    assert message == (
        "--note: too long. What takes the space: the note, about 60 characters "
        "too long (120 of its 180 fit): shorten --note."
    )


def test_the_points_alone_with_how_many_fit():
    # 50 + 10 + 10 x 10 = 160 > 145; without the note still 150; 60 + 10 k <= 145: k = 8
    message = explain(page(145), Personal(note="x" * 10, points=POINTS), "too long")
    assert message == (
        "--points: too long. What takes the space: the 10 treated points, 2 too "
        "many (8 fit with this note): give at most 8 --points."
    )


def test_either_part_can_give_way():
    # 50 + 40 + 50 = 140 > 120; without the note 100, without the points 90: both would do
    message = explain(page(120), Personal(note="x" * 40, points=POINTS[:5]), "too long")
    assert message == (
        "--note or --points: too long. What takes the space: the note, about 20 "
        "characters too long (20 of its 40 fit): shorten --note; or the 5 treated "
        "points, 2 too many (3 fit with this note): give at most 3 --points."
    )


def test_no_room_for_any_note():
    message = explain(page(150), Personal(note="x" * 60, points=POINTS), "too long")
    assert message.startswith("--note or --points: too long.")
    assert "the note, 60 characters (there is no room for it): leave out --note" in message


def test_the_names_when_only_they_are_to_blame():
    message = explain(page(100), Personal(patient="a" * 40, practitioner="b" * 30), "too long")
    assert message == (
        "--patient or --practitioner: too long. What takes the space: the "
        "patient's name, 40 characters and the practitioner's name, 30 characters: "
        "shorten --patient and --practitioner."
    )


def test_parts_that_only_together_take_too_much():
    # 50 + 60 + 100 + 40 = 250 > 140; without the note 190, without the points 150, without
    # the name 210: only together; without the note, 50 + 40 + 10 k <= 140: k = 5
    message = explain(
        page(140), Personal(note="x" * 60, points=POINTS, patient="n" * 40), "too long"
    )
    assert message == (
        "--note or --points or --patient: too long. What takes the space: the "
        "note, the 10 treated points and the names together: shorten --note, give "
        "fewer --points and shorten the names; without the note, 5 of the points "
        "fit."
    )


def test_the_sheets_own_text():
    message = explain(page(40), Personal(note="x", points=POINTS[:1]), "too long")
    assert message == (
        "too long: the sheet's own text is too long for it, whatever the personal details"
    )


def test_no_point_fits_says_so_instead_of_at_most_0():
    # The first point brings the diagram (30 here): with it nothing fits, without it all does.
    def fits(p: Personal) -> bool:
        points = len(p.points or ())
        return 50 + len(p.note or "") + (30 + 10 * points if points else 0) <= 90

    message = explain(fits, Personal(note="x" * 20, points=POINTS[:2]), "too long")
    assert "at most 0" not in message and "0 fit" not in message
    assert message == (
        "--points: too long. What takes the space: the 2 treated points: not "
        "even one fits with this note (the diagram of the points treated needs "
        "room the sheet does not have left): shorten --note or leave out "
        "--points."
    )


def test_a_sheet_with_no_room_for_the_points_diagram_through_the_cli(tmp_path):
    """A sheet whose own advice fills its pages but for a short note: one treated point would
    bring the diagram, and there is no room for it. The refusal says to leave the points out
    (it said 'give at most 0 --points')."""
    import datetime

    import yaml

    from handouts.content.loader import load_library
    from handouts.deliver.build import Job, Options, render_one
    from handouts.errors import HandoutsError
    from helpers import run_cli, write_content

    content = write_content(tmp_path)
    path = content / "en" / "aftercare.yaml"
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    extra = "Walk a little every day, and rest when your legs feel tired."
    note = "Walk gently every day."

    def sheet(more: int) -> tuple[bool, bool]:
        """(fits with no point, fits with one point) with `more` extra lines of advice."""
        data = dict(original, do=original["do"] + [extra] * more)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        library = load_library(content)[0]
        found = []
        for points in ((), ("ST36",)):
            personal = Personal(date=datetime.date(2026, 11, 21), note=note, points=points)
            try:
                render_one(library, Job("en", "knee-ache", "aftercare"), Options(), personal)
                found.append(True)
            except HandoutsError:
                found.append(False)
        return found[0], found[1]

    low, high = 0, 160  # one point fits with `low` extra lines, not with `high`
    assert sheet(low)[1] and not sheet(high)[1]
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if sheet(middle)[1] else (low, middle)
    without, with_one = sheet(high)
    assert without and not with_one
    result = run_cli(
        "aftercare",
        "--content",
        str(content),
        "--lang",
        "en",
        "--condition",
        "knee-ache",
        "--date",
        "2026-11-21",
        "--note",
        note,
        "--points",
        "ST36,LR3",
        "-o",
        str(tmp_path / "sheet.pdf"),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "at most 0" not in result.stderr and "(0 fit" not in result.stderr
    assert "the 2 treated points: not even one fits" in result.stderr
    assert "leave out --points" in result.stderr
    assert not (tmp_path / "sheet.pdf").exists()
