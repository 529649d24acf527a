"""Large print as built by the command line: the points' heading stays with the body views (a
page never ends with it, the views on the next one), and each point's dot reads clearly where
it sits on the body outline (a white ring around it, from a 150 dpi render)."""

from __future__ import annotations

import math
import re

import pypdfium2 as pdfium
import pytest
import yaml

import pdfscan
from helpers import CONTENT, page_image, run_cli


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    out = tmp_path_factory.mktemp("large")
    for options in ((), ("--paper", "letter")):
        result = run_cli("build", "--large-print", "--kind", "handout", *options, "--out", str(out))
        assert result.returncode == 0, result.stderr
    return sorted(out.rglob("*-handout-large*.pdf"))


def test_the_points_heading_is_on_the_page_of_the_views(large):
    assert len(large) >= 6
    for path in large:
        lang = path.parent.name
        heading = yaml.safe_load((CONTENT / lang / "ui.yaml").read_text(encoding="utf-8"))
        heading = re.sub(r"\s+", "", heading["points"])
        document = pdfium.PdfDocument(path)
        scanned = pdfscan.read(path)
        texts = [
            re.sub(r"\s+", "", document[i].get_textpage().get_text_range())
            for i in range(len(document))
        ]
        found = [i for i, text in enumerate(texts) if heading in text]
        assert found, path.name
        assert scanned[found[0]].tagged("/View"), (
            f"{path.name}: the heading on page {found[0] + 1}, its views on a later page"
        )


def test_each_dot_stands_clear_of_the_outline_in_large_print(large):
    """Around each numbered dot (where its leader starts), a ring just outside the dot is
    white on the 150 dpi render: no outline stroke runs into the dot."""
    styles = yaml.safe_load((CONTENT / "styles.yaml").read_text(encoding="utf-8"))
    diagram = {**styles["base"]["diagram"], **styles["large-print"]["diagram"]}
    ring = diagram["dot"] + diagram["dot_halo"] * 0.7  # points from the dot's centre
    scale = 150 / 72
    checked = 0
    for path in large:
        document = pdfium.PdfDocument(path)
        for index, page in enumerate(pdfscan.read(path)):
            starts = {}
            for paint in page.tagged("/Leader"):
                number = next(props.get("/N") for tag, props in paint.tags if tag == "/Leader")
                if paint.segments:
                    starts.setdefault(number, paint.segments[0][0])
            if not starts:
                continue
            image = page_image(path, index).convert("L")
            height = document[index].get_height()
            for number, (x, y) in starts.items():
                # The leader leaves the dot in one direction: sample the ring elsewhere, but
                # not where it crosses a close neighbour's dot (that is a mark, not an outline;
                # test_marker_overlaps keeps the two apart).
                others = [c for n, c in starts.items() if n != number]
                samples = []
                for step in range(24):
                    angle = step * math.pi / 12
                    sx, sy = x + ring * math.cos(angle), y + ring * math.sin(angle)
                    if any(math.dist((sx, sy), c) <= diagram["dot"] + 0.5 for c in others):
                        continue
                    samples.append(
                        image.getpixel((round(sx * scale), round((height - sy) * scale)))
                    )
                light = sum(value > 200 for value in samples)
                assert len(samples) >= 16 and light >= len(samples) * 2 / 3, (
                    path.name,
                    index + 1,
                    number,
                    samples,
                )
                checked += 1
    assert checked > 20
