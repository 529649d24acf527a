"""No two marks of a body view touch on paper, in any document: point dots, the diamonds of
points not treated today, numbered badges, leader lines and the text around them, read from
the built PDFs (tests/markscan.py).

GB30 and BL54 on the buttock, GB34 and ST36 below the knee are 1.2 to 1.3 cun apart: a few
millimetres, less at the smallest view size. Their marks stay where the registry puts them;
they are drawn smaller when they would touch, and their badges and leaders keep clear of
every mark. The documents: handouts and personal sheets (these points treated, not treated,
and all ten points), in every language and edition, on A4, Letter and in large print.
"""

from __future__ import annotations

import io
import itertools

import pytest
from reportlab.pdfgen.canvas import Canvas

import markscan
import pdfscan
from helpers import CONTENT

LEAST = 0.5  # points of clear space between two marks (0.18 mm: a laser print resolves it)
# Marks drawn smaller to keep apart stay this big (points): a dot's radius (a dot about 1 mm
# across), a diamond's half-diagonal with its stroke (a diamond over 2 mm across).
LEAST_DOT, LEAST_DIAMOND = 1.3, 3.0
ALL_POINTS = "GB30,BL40,BL23,BL54,GB34,ST36,LI4,SP6,KI3,LR3"

# (language, condition, kind, treated points or None, paper, large print, edition, furigana)
DOCUMENTS = [
    ("en", "sciatica", "handout", None, "a4", False, None, False),
    ("en", "leg-pain", "handout", None, "letter", False, None, False),
    ("ja", "sciatica", "handout", None, "a4", True, None, False),
    ("ja", "sciatica", "handout", None, "a4", False, "bilingual", False),
    ("ja", "leg-pain", "handout", None, "a4", False, None, True),
    ("ja-x-easy", "sciatica", "handout", None, "letter", False, None, False),
    # The reviewers' sheets: GB34 and GB30 treated, ST36 and BL54 beside them not.
    ("en", "sciatica", "aftercare", "GB34,GB30", "a4", False, None, False),
    ("ja", "sciatica", "aftercare", "GB34,GB30", "letter", True, None, False),
    ("ja", "sciatica", "aftercare", "GB34,GB30", "a4", False, "bilingual", False),
    ("ja-x-easy", "sciatica", "aftercare", "GB34,GB30", "a4", True, None, False),
    # Both of each pair treated; many points; untreated diamonds side by side (BL40 only).
    ("en", "sciatica", "aftercare", "GB34,ST36,GB30,BL54", "letter", False, None, False),
    ("ja", "sciatica", "aftercare", "GB34,ST36,GB30,BL54", "a4", False, None, True),
    ("en", "leg-pain", "aftercare", ALL_POINTS, "a4", False, None, False),
    ("ja", "leg-pain", "aftercare", ALL_POINTS, "letter", True, None, False),
    ("ja", "sciatica", "aftercare", ALL_POINTS, "a4", False, "bilingual", False),
    ("en", "sciatica", "aftercare", "BL40", "a4", False, None, False),
    ("ja-x-easy", "leg-pain", "aftercare", "ST36,BL54", "letter", False, None, False),
]


def _name(case) -> str:
    lang, slug, kind, points, paper, large, edition, furigana = case
    parts = [lang, slug, kind, points or "", paper, "large" if large else ""]
    parts += [edition or "", "furigana" if furigana else ""]
    return "-".join(p for p in parts if p)


@pytest.fixture(scope="module")
def library():
    from handouts.content.loader import load_library

    return load_library(CONTENT)[0]


@pytest.mark.parametrize("case", DOCUMENTS, ids=_name)
def test_no_two_marks_touch(case, library):
    from handouts.deliver.build import Options
    from handouts.deliver.documents import make

    lang, slug, kind, points, paper, large, edition, furigana = case
    fields = (
        None
        if points is None
        else dict(patient="Test Patient", date="2026-11-21", points=points, note=None)
    )
    made = make(library, lang, slug, kind, Options(paper, large, edition, None, furigana), fields)
    found, kinds = [], set()
    for number, page in enumerate(pdfscan.read(made.data), start=1):
        marks, _, _ = markscan.marks_and_leaders(page)
        kinds |= {mark.kind for mark in marks}
        found += [f"page {number}: {p}" for p in markscan.problems(page, LEAST)]
        found += [
            f"page {number}: {mark.name()} is too small to find"
            for mark in marks
            if (mark.kind == "dot" and mark.radius < LEAST_DOT)
            or (mark.kind == "diamond" and mark.corners[0][1] - mark.centre[1] < LEAST_DIAMOND)
        ]
    # The scan saw what the sheet draws: dots and badges, and the diamonds of points not
    # treated today on a personal sheet that leaves some of the condition's points out.
    expected = {"dot", "badge"} | ({"diamond"} if points in ("GB34,GB30", "BL40") else set())
    assert expected <= kinds, kinds
    assert not found, "\n".join(found)


def _page(draw) -> pdfscan.Page:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(200, 200))
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return pdfscan.read(buffer.getvalue())[0]


def _dot(canvas, number: int, x: float, y: float, r: float = 1.8, badge=None) -> None:
    canvas.addLiteral(f"/Leader <</N {number}>> BDC")
    if badge:
        canvas.line(x, y, *badge)
    canvas.circle(x, y, r, stroke=0, fill=1)
    canvas.addLiteral("EMC")
    if badge:
        canvas.addLiteral(f"/Badge <</N {number}>> BDC")
        canvas.circle(*badge, 8, stroke=1, fill=0)
        canvas.addLiteral("EMC")


def _diamond(canvas, x: float, y: float, half: float = 3.4) -> None:
    from reportlab.lib.colors import black

    from handouts.render.widgets import draw_diamond

    draw_diamond(canvas, x, y, half, 1.2, black)


def test_the_scan_finds_marks_that_touch():
    """The check can fail: each kind of collision, drawn on purpose, is found; marks well
    apart are not."""
    apart = _page(lambda c: (_dot(c, 1, 50, 50, badge=(80, 50)), _diamond(c, 50, 100)))
    assert markscan.problems(apart, LEAST) == []
    kinds = {m.kind for m in markscan.marks_and_leaders(apart)[0]}
    assert kinds == {"dot", "badge", "diamond"}
    cases = {
        "dots": lambda c: (_dot(c, 1, 50, 50), _dot(c, 2, 52.5, 51)),
        "dot and diamond": lambda c: (_dot(c, 1, 50, 50), _diamond(c, 55, 50)),
        "diamonds": lambda c: (_diamond(c, 50, 50), _diamond(c, 57, 50)),
        "badges": lambda c: (
            _dot(c, 1, 20, 20, badge=(50, 50)),
            _dot(c, 2, 90, 20, badge=(64, 52)),
        ),
        "leader over a dot": lambda c: (_dot(c, 1, 50, 50, badge=(90, 50)), _dot(c, 2, 65, 50.5)),
        "badge over a diamond": lambda c: (_dot(c, 1, 20, 20, badge=(50, 50)), _diamond(c, 58, 52)),
        "badge over text": lambda c: (
            _dot(c, 1, 20, 20, badge=(50, 50)),
            c.drawString(55, 48, "R"),
        ),
    }
    for name, draw in cases.items():
        assert markscan.problems(_page(draw), LEAST), name


def test_a_halo_drawn_over_a_neighbour_is_found():
    def draw(canvas):
        _diamond(canvas, 54, 50)
        canvas.setFillColorRGB(1, 1, 1)
        canvas.circle(50, 50, 3.0, stroke=0, fill=1)  # the halo, painted after the diamond
        canvas.setFillColorRGB(0, 0, 0)
        _dot(canvas, 1, 50, 50, r=1.0)

    assert any("halo" in p for p in markscan.problems(_page(draw), 0.0))


def test_every_mark_is_seen_once(library):
    """The reviewers' sheet: two dots, two badges, the four diamonds of the points not treated
    (BL40, BL23, BL54 behind, ST36 in front) and the one before the legend line naming them."""
    from handouts.deliver.build import Options
    from handouts.deliver.documents import make

    fields = dict(patient="Test Patient", date="2026-11-21", points="GB34,GB30", note=None)
    made = make(library, "en", "sciatica", "aftercare", Options(), fields)
    marks = [m for page in pdfscan.read(made.data) for m in markscan.marks_and_leaders(page)[0]]
    counts = {kind: sum(m.kind == kind for m in marks) for kind in ("dot", "badge", "diamond")}
    assert counts == {"dot": 2, "badge": 2, "diamond": 5}
    pairs = itertools.combinations([m for m in marks if m.kind != "badge"], 2)
    assert min(markscan.gap(a, b) for a, b in pairs) >= LEAST
