"""A personal sheet's taller body views (render.pdf._taller_views): the search stops once the
width caps every row, and chooses exactly the layout the full search would (the same bytes)."""

from __future__ import annotations

import pytest

from handouts.deliver.build import Options
from handouts.deliver.documents import make
from handouts.render import pdf
from helpers import CONTENT

FIELDS = {"patient": "Test Patient", "date": "2026-11-21", "points": "GB30,LR3"}


def full_search(draft, flowables, template, marks, placements, frame):
    """_taller_views as it was before it could stop early: every try, then the chosen draft."""
    rows = [
        part
        for parts in draft.placed.values()
        for part in parts
        if isinstance(part, pdf.DiagramRow)
    ]
    room = draft.free.get(draft.page, 0.0)
    if not rows or room < pdf.ROOM_TO_GROW * frame:
        return draft
    smallest = rows[0].view_height
    ceiling = max(row.d.max_height for row in rows)
    pages, height, last = draft.page, smallest, draft
    step = min(room / len({id(r) for r in rows}), ceiling - smallest)
    for _ in range(pdf.TRIES):
        if step < 1.0:
            break
        last = pdf._draft_at(height + step, rows, flowables, template, marks, placements)
        if last.page <= pages:
            height = height + step
        step /= 2
    if last.page <= pages and rows[0].view_height == height:
        return last
    return pdf._draft_at(height, rows, flowables, template, marks, placements)


CASES = [
    (lang, slug, Options(large_print=large))
    for lang in ("en", "ja", "ja-x-easy")
    for slug in ("sciatica", "leg-pain")
    for large in (False, True)
] + [("ja", "sciatica", Options(edition="bilingual")), ("en", "leg-pain", Options(paper="letter"))]


@pytest.mark.parametrize(("lang", "slug", "options"), CASES)
def test_the_early_stop_chooses_what_the_full_search_does(monkeypatch, lang, slug, options):
    from handouts.content.loader import load_library

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")
    library, _ = load_library(CONTENT)
    drafts: list[float] = []
    real_draft = pdf._draft_at

    def counted(*args):
        drafts.append(args[0])
        return real_draft(*args)

    monkeypatch.setattr(pdf, "_draft_at", counted)
    ours = make(library, lang, slug, "aftercare", options, dict(FIELDS))
    ours_drafts = len(drafts)
    monkeypatch.setattr(pdf, "_taller_views", full_search)
    drafts.clear()
    reference = make(library, lang, slug, "aftercare", options, dict(FIELDS))
    assert ours.data == reference.data
    assert ours_drafts <= len(drafts)
    if (lang, slug, options) == ("ja", "leg-pain", Options()):  # capped by the page's width
        assert ours_drafts < len(drafts)
