"""points.yaml `bilateral`: the note "on both sides of the body; the pictures show the right
side" is printed only when a listed point is on both sides (a midline point such as GV4 is not)."""

from __future__ import annotations

import pytest

from helpers import OWN_POINTS, pdf_pages_text, read_yaml, run_cli, write_content


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_both_sides_note_follows_the_points_listed(tmp_path, lang):
    assert OWN_POINTS["GV4"]["bilateral"] is False and OWN_POINTS["ST36"]["bilateral"] is True
    content = write_content(tmp_path, conditions=("back-ache",))
    note = squeezed(read_yaml(content / lang / "ui.yaml")["points_bilateral"])
    printed = {}
    for points in ("GV4", "ST36", "GV4,ST36"):
        sheet = tmp_path / f"{points.replace(',', '-')}.pdf"
        result = run_cli(
            "aftercare",
            "--content",
            str(content),
            "--lang",
            lang,
            "--condition",
            "back-ache",
            "--points",
            points,
            "-o",
            str(sheet),
        )
        assert result.returncode == 0, result.stderr
        printed[points] = squeezed(" ".join(pdf_pages_text(sheet)))
    assert note not in printed["GV4"]  # only the midline point is listed
    assert note in printed["ST36"] and note in printed["GV4,ST36"]
    # The handout lists both kinds of point: the note is there.
    out = tmp_path / "out"
    result = run_cli(
        "build", "--content", str(content), "--out", str(out), "--lang", lang, "--kind", "handout"
    )
    assert result.returncode == 0, result.stderr
    assert note in squeezed(" ".join(pdf_pages_text(out / lang / "back-ache-handout.pdf")))
