"""Every document we produce is a tagged PDF/UA-1 document (issue 12).

Each document and variant is built once per module by the real CLI (handouts build in A4,
Letter, large print and Letter + large print; personal sheets through handouts aftercare) and
read back with readers independent of render/tagging.py: pikepdf walking the structure tree
(tests/pdfstruct.py), poppler's `pdfinfo -struct-text`, pdfium's text extraction and the
PDF/UA-1 checker page-validation. What the structure must say comes from the content's YAML
files, read here with PyYAML, in the order a person reads the page.
"""

from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import pytest
import yaml

from helpers import CONTENT, pdf_pages_text, run_cli
from pdfstruct import Node, Structure, poppler_texts, read_structure, squash

VARIANTS = {
    "a4": (),
    "letter": ("--paper", "letter"),
    "large": ("--large-print",),
    "letter-large": ("--paper", "letter", "--large-print"),
}
LANGS = ("en", "ja")
BULLET = "•"  # the printed bullet: each list item's label
FIGURE = "[Figure]"  # stands for a Figure in an expected reading order
NO_MEMO = "[optional memo]"  # an optional writing area: there, or not
# Personal sheets (fictional people): one page with points left untreated on the views it
# shows, and one with many points over five views (two pages).
PERSONAL = {
    "personal": ("sciatica", "GB30,BL40,LI4,ST36"),
    "personal-many": ("leg-pain", "ST36,GB34,BL40,SP6,LR3,KI3,GB30,LI4"),
}
GIVEN = {
    "en": ("Hanako Testperson", "Kenji Sample", "Drink plenty of water today."),
    "ja": ("試験 花子", "見本 健二", "今日は水分を多めにとってください。"),
}
SESSION, NEXT = datetime.date(2026, 11, 21), datetime.datetime(2026, 11, 28, 14, 30)


def personal_options(lang: str, points: str) -> tuple[str, ...]:
    patient, practitioner, note = GIVEN[lang]
    return (
        "--patient",
        patient,
        "--date",
        SESSION.isoformat(),
        "--points",
        points,
        "--next",
        NEXT.strftime("%Y-%m-%d %H:%M"),
        "--practitioner",
        practitioner,
        "--note",
        note,
    )


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[tuple[str, str, str, str], Path]:
    """(variant, lang, slug, kind) -> the built PDF, for every document and variant."""
    from concurrent.futures import ThreadPoolExecutor

    out = tmp_path_factory.mktemp("tagged")
    found = {}
    for variant, options in VARIANTS.items():
        result = run_cli("build", "--force", "--out", str(out / variant), *options)
        assert result.returncode == 0, result.stderr
        for path in (out / variant).rglob("*.pdf"):
            slug, kind = re.match(r"(.+)-(handout|aftercare)", path.stem).groups()
            if (variant, path.parent.name, slug, kind) in KEYS:
                found[(variant, path.parent.name, slug, kind)] = path

    def personal(key):
        variant, lang, slug, kind = key
        path = out / f"{kind}-{lang}-{variant}.pdf"
        result = run_cli(
            "aftercare",
            "--lang",
            lang,
            "--condition",
            slug,
            "-o",
            str(path),
            *personal_options(lang, PERSONAL[kind][1]),
            *VARIANTS[variant],
            env={"HANDOUTS_TODAY": SESSION.isoformat()},
        )
        assert result.returncode == 0, result.stderr
        return path

    sheets = [key for key in KEYS if key[3] in PERSONAL]
    with ThreadPoolExecutor(2) as pool:  # a fresh process each: two at a time
        found.update(zip(sheets, pool.map(personal, sheets)))
    assert sorted(found) == KEYS
    return found


@pytest.fixture(scope="module")
def structures(documents) -> dict[tuple[str, str, str, str], Structure]:
    return {key: read_structure(path) for key, path in documents.items()}


@pytest.fixture(scope="module")
def poppler(documents) -> dict[tuple[str, str, str, str], list[str]]:
    """What `pdfinfo -struct-text` reads (two at a time: each takes about a second)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(documents, pool.map(poppler_texts, documents.values())))


# The easy-Japanese edition (furigana: each kanji run and its reading a Span standing for the
# kanji) on A4: its layout is the Japanese one's.
EASY = "ja-x-easy"
KEYS = sorted(
    [
        (v, lang, slug, kind)
        for v in VARIANTS
        for lang in LANGS
        for slug in ("leg-pain", "sciatica")
        for kind in ("handout", "aftercare")
    ]
    + [
        (v, lang, slug, kind)
        for v in VARIANTS
        for lang in LANGS
        for kind, (slug, _) in PERSONAL.items()
    ]
    + [
        ("a4", EASY, slug, kind)
        for slug in ("leg-pain", "sciatica")
        for kind in ("handout", "aftercare")
    ]
)
every_document = pytest.mark.parametrize("key", KEYS, ids="-".join)


# -- the content, read independently ---------------------------------------------------------


def content(*parts: str):
    return yaml.safe_load((CONTENT.joinpath(*parts)).read_text(encoding="utf-8"))


def letterhead(lang: str) -> list[tuple[str, str]]:
    """The clinic's name atop the first page (with its reading, where it has one)."""
    ui, clinic = content(lang, "ui.yaml"), content(lang, "clinic.yaml")
    if clinic.get("reading"):
        return [
            ("P", ui["clinic_with_reading"].format(name=clinic["name"], reading=clinic["reading"]))
        ]
    return [("P", clinic["name"])]


def footer(lang: str, slug: str) -> list[tuple[str, str]]:
    """The clinic's details and the QR codes: read once, at the end."""
    from babel.dates import format_date

    ui, clinic = content(lang, "ui.yaml"), content(lang, "clinic.yaml")
    review = content(lang, "conditions", f"{slug}.yaml")["review"]
    locale = lang.split("-x-")[0]  # ja-x-easy: Japanese dates (private use has none)
    reviewed = ui["reviewed"].format(
        version=content("handouts.yaml")["content_version"],
        date=format_date(review["date"], "long", locale=locale),
    )
    return [
        ("P", ui["phone_line"].format(phone=content("clinic.yaml")["phone"])),
        ("P", clinic["hours"]),
        ("P", clinic["address"]),
        ("P", content("clinic.yaml")["email"]),
        ("P", reviewed),
        ("Figure", FIGURE),
        ("Span", ui["qr_map"]),
        ("Figure", FIGURE),
        ("Span", ui["qr_email"]),
    ]


def bullets(items: list[str]) -> list[tuple[str, str]]:
    return [pair for item in items for pair in (("Lbl", BULLET), ("LBody", item))]


def legend(lang: str, codes: list[str], numbers: list[int], why: dict | None) -> list:
    """Number, then code, name, reading, and (on handouts) location and use."""
    points = content(lang, "points.yaml")
    # With furigana (an easy edition) the reading stands over the name, not in brackets.
    over = (content(lang, "language.yaml").get("furigana") or {}).get("always")
    entries = []
    for number, code in zip(numbers, codes):
        point = points[code]
        reading = f"（{point['reading']}）" if point.get("reading") and not over else ""
        where = f"{point['location']}{why[code]}" if why else ""
        entries += [("Lbl", str(number)), ("LBody", f"{code}{point['name']}{reading}{where}")]
    return entries


def views_of(codes: list[str]) -> list[str]:
    """The body views that show these points, in the order of their first point."""
    registry = content("points.yaml")["points"]
    return list(dict.fromkeys(registry[code]["view"] for code in codes))


def treated_views(slug: str, treated: list[str]) -> list[str]:
    """The views of a personal sheet: those with a treated point, in the order of the
    condition's points (treated or not), then of the other treated points."""
    codes = [p["code"] for p in content("en", "conditions", f"{slug}.yaml")["points"]]
    with_treated = views_of(treated)
    return [view for view in views_of(codes + treated) if view in with_treated]


def groupings(views: list[str]):
    """Every way to cut the views, in order, into consecutive groups."""
    for cuts in itertools.product((False, True), repeat=max(len(views) - 1, 0)):
        groups, current = [], [views[0]]
        for view, cut in zip(views[1:], cuts):
            if cut:
                groups.append(current)
                current = []
            current.append(view)
        yield [*groups, current]


def urgent_box(ui: dict, c: dict, soon: bool) -> list[tuple[str, str]]:
    """The red-flag box: its heading, whom to call for which signs, the advice line, (on a
    handout) the signs to see a doctor soon for, and never email for urgent problems."""
    later = [("P", ui["see_a_doctor_soon"]), *bullets(c["see_a_doctor"]["soon"])] if soon else []
    return [
        ("H2", ui["see_a_doctor"]),
        ("P", ui["see_a_doctor_urgent"]),
        *bullets(c["see_a_doctor"]["urgent"]),
        ("P", ui["urgent_advice"]),
        *later,
        ("P", ui["urgent_no_email"]),
    ]


def with_memo(lang: str, before: list, after: list) -> list[list]:
    """The writing area is optional: the reading order with it, and without it."""
    return [before + [("H2", content(lang, "ui.yaml")["memo"])] + after, before + after]


def expected_handout(lang: str, slug: str) -> list[list[tuple[str, str]]]:
    """The reading orders a handout may have. The points' figure: the views, the notes under
    them and the legend; or (large print, too tall for one page) the notes, then the views
    and legend; or the views in groups, each with the legend of its own points, then notes."""
    ui, c = content(lang, "ui.yaml"), content(lang, "conditions", f"{slug}.yaml")
    codes = [p["code"] for p in c["points"]]
    registry = content("points.yaml")["points"]
    why = {p["code"]: p["why"] for p in c["points"]}
    numbers = list(range(1, len(codes) + 1))
    entries = legend(lang, codes, numbers, why)
    views = views_of(codes)
    notes = [("P", ui["points_bilateral"]), ("P", ui["finger_widths"])]
    figures = [("Figure", FIGURE)] * len(views)
    layouts = [figures + notes + entries, notes + figures + entries]
    for groups in groupings(views):
        grouped = []
        for group in groups:
            own = [(n, code) for n, code in zip(numbers, codes) if registry[code]["view"] in group]
            grouped += [("Figure", FIGURE)] * len(group) + legend(
                lang, [code for _, code in own], [n for n, _ in own], why
            )
        layouts.append(grouped + notes)
    # The red-flag box right after the title where language.yaml says so, else before the
    # points.
    early = bool(content(lang, "language.yaml").get("red_flags_first"))
    box = urgent_box(ui, c, soon=True)
    head = [
        *letterhead(lang),
        ("H1", c["title"]),
        ("P", c["summary"]),
        ("P", c["disclaimer"]),
        *(box if early else []),
        ("H2", ui["what_it_is"]),
        *[("P", t) for t in c["what_it_is"]],
        ("H2", ui["how_acupuncture_may_help"]),
        *[("P", t) for t in c["how_acupuncture_may_help"]],
        ("H2", ui["symptoms"]),
        *bullets(c["symptoms"]),
        ("H2", ui["precautions"]),
        *bullets(c["precautions"]),
        ("H2", ui["causes"]),
        *bullets(c["causes"]),
        ("H2", ui["what_to_expect"]),
        *bullets(c["what_to_expect"]),
        *([] if early else box),
        ("H2", ui["self_care"]),
        *bullets(c["self_care"]),
        ("H2", ui["points"]),
    ]
    return [
        order for layout in layouts for order in with_memo(lang, head + layout, footer(lang, slug))
    ]


def expected_aftercare(lang: str, slug: str, kind: str, variant: str) -> list[list]:
    """Every reading order the sheet may have: a personal sheet's legend stands beside its
    views (read before the notes) or under them (after), and the writing area is optional."""
    ui, c = content(lang, "ui.yaml"), content(lang, "conditions", f"{slug}.yaml")
    care = content(lang, "aftercare.yaml")
    columns = [
        ("H2", ui["aftercare_normal"]),
        *bullets(care["normal"]),
        ("H2", ui["aftercare_do"]),
        *bullets(care["do"]),
        ("H2", ui["aftercare_avoid"]),
        *bullets(care["avoid"]),
        ("H2", ui["aftercare_condition"].format(title=c["title"])),
        *bullets(c["aftercare"]),
        ("H2", ui["aftercare_contact"]),
        *bullets(care["contact"]),
        ("H2", ui["precautions_next"]),
        *bullets(c["precautions"]),
    ]
    rest = [*urgent_box(ui, c, soon=False), *columns]  # whom to call before everyday advice
    top = [*letterhead(lang), ("H1", care["title"])]
    if kind == "aftercare":
        return with_memo(
            lang,
            [
                *top,
                ("P", care["intro"]),
                ("P", ui["patient"] + ui["date"] + ui["next_visit"]),
                *rest,
            ],
            footer(lang, slug),
        )
    from babel.dates import format_datetime  # dates in the language's CLDR patterns

    patient, practitioner, note = GIVEN[lang]
    treated = PERSONAL[kind][1].split(",")
    session = datetime.datetime.combine(SESSION, datetime.time())
    rows = [
        ("Lbl", ui["patient"]),
        ("LBody", ui["patient_name"].format(patient=patient)),
        ("Lbl", ui["date"]),
        ("LBody", format_datetime(session, ui["date_format"], locale=lang)),
        ("Lbl", ui["practitioner"]),
        ("LBody", practitioner),
    ]
    appointment = [
        ("Lbl", ui["next_visit"]),
        ("LBody", format_datetime(NEXT, ui["next_visit_format"], locale=lang)),
    ]
    fields = [*rows, *appointment] if "large" not in variant else [*appointment, *rows]
    # The condition's points first, then the others treated; untreated ones on shown views
    # are marks, listed in a note.
    codes = [p["code"] for p in c["points"] if p["code"] in treated]
    codes += [code for code in treated if code not in codes]
    shown = treated_views(slug, treated)
    registry = content("points.yaml")["points"]
    untreated = [
        p["code"]
        for p in c["points"]
        if p["code"] not in treated and registry[p["code"]]["view"] in shown
    ]
    notes = [("P", ui["points_bilateral"])]
    if untreated:  # each by its name with its code
        names = content(f"{lang}/points.yaml")
        listed = ui["list_separator"].join(
            ui["other_point"].format(name=names[code]["name"], code=code) for code in untreated
        )
        notes.append(("P", f"{ui['points_not_treated']}{listed}"))
    figure = [("H2", ui["treated_points"]), *[("Figure", FIGURE)] * len(shown)]
    points = legend(lang, codes, list(range(1, len(codes) + 1)), None)
    orders = []
    for beside in (True, False):
        # The urgent red flags right after the details, before the points treated.
        orders += with_memo(
            lang,
            [
                *top,
                *fields,
                ("Lbl", ui["note"]),
                ("LBody", note),
                *urgent_box(ui, c, soon=False),
                *figure,
                *(points + notes if beside else notes + points),
                *columns,
            ],
            footer(lang, slug),
        )
    return orders


def expected(key) -> list[list[tuple[str, str]]]:
    variant, lang, slug, kind = key
    if kind == "handout":
        return expected_handout(lang, slug)
    return expected_aftercare(lang, slug, kind, variant)


# -- the structure, read back -----------------------------------------------------------------
BLOCKS = {"H1", "H2", "P", "Lbl", "LBody", "Figure", "Span"}


def blocks(node: Node) -> list[tuple[str, str]]:
    """(role, text) of every block-level element in structure order (a Figure as FIGURE: its
    drawn text is what its alternate text replaces)."""
    found = []
    for kid in node.kids:
        if not isinstance(kid, Node):
            assert node.role in BLOCKS, f"text directly in a {node.role}: {kid!r}"
        elif kid.role in BLOCKS:
            found.append((kid.role, FIGURE if kid.role == "Figure" else kid.text))
        else:
            found += blocks(kid)
    return found


def squashed(pairs):
    return [(role, squash(text)) for role, text in pairs]


def first_difference(actual, orders) -> str:
    """Where the reading order leaves the expected one it follows longest."""

    def agree(order):
        return next(
            (i for i, (a, w) in enumerate(itertools.zip_longest(actual, order)) if a != w),
            len(order),
        )

    index = max(agree(order) for order in orders)
    closest = next(order for order in orders if agree(order) == index)
    got = actual[index] if index < len(actual) else None
    wanted = closest[index] if index < len(closest) else None
    return f"at block {index}: got {got!r}, expected {wanted!r}"


# -- acceptance ----------------------------------------------------------------------------------


@every_document
def test_all_content_is_tagged_or_an_artifact(structures, key):
    s = structures[key]
    assert s.problems == []  # includes every BT..ET inside tagged content or artifact
    assert s.untagged_text == []
    assert s.untagged_paint == []
    assert s.lang == key[1]


@every_document
def test_structure_order_is_the_reading_order_of_the_content(structures, key):
    actual = squashed(blocks(structures[key].tree))
    orders = [squashed(order) for order in expected(key)]
    assert actual in orders, first_difference(actual, orders)


@every_document
def test_headings_and_lists_are_tagged_as_such(structures, key):
    s = structures[key]
    wanted = expected(key)[0]
    assert [squash(n.text) for n in s.find("H1")] == [squash(t) for r, t in wanted if r == "H1"]
    headings = [squash(n.text) for n in s.find("H2")]
    assert headings in [[squash(t) for r, t in order if r == "H2"] for order in expected(key)]
    assert s.find("L")
    for lst in s.find("L"):
        assert lst.kids and all(isinstance(k, Node) and k.role == "LI" for k in lst.kids)
        for item in lst.kids:
            assert [k.role for k in item.kids] == ["Lbl", "LBody"]
    labels = [squash(item.kids[0].text) for lst in s.find("L") for item in lst.kids]
    assert labels in [[squash(t) for r, t in order if r == "Lbl"] for order in expected(key)]
    # The red-flag box (or when to contact us) is a section that starts with its heading.
    section = s.find("Sect")[0]
    assert section.kids[0].role == "H2"


@every_document
def test_every_figure_says_what_it_shows_in_the_document_language(structures, key):
    _, lang, slug, kind = key
    s = structures[key]
    ui, points = content(lang, "ui.yaml"), content(lang, "points.yaml")
    condition = content(lang, "conditions", f"{slug}.yaml")
    codes = (
        [p["code"] for p in condition["points"]]
        if kind == "handout"
        else PERSONAL[kind][1].split(",")
        if kind in PERSONAL
        else []
    )
    registry = content("points.yaml")["points"]
    views = treated_views(slug, codes) if kind in PERSONAL else views_of(codes)
    figures = s.figures
    assert len(figures) == len(views) + 2  # and the two QR codes
    for alt, in_effect in figures:
        assert alt and alt.strip() and in_effect == lang
    for (alt, _), view in zip(figures, views):
        written = re.sub(r"[A-Z]{1,2}\d+|\d+|[\s\W_]", "", alt)  # less codes, numbers
        if lang.split("-")[0] == "ja":  # ja, ja-x-easy
            assert not re.search(r"[A-Za-z]", written), alt
        else:
            assert not re.search(r"[\u3000-\u9fff]", alt), alt
        assert ui["views"][view] in alt
        for code in (c for c in codes if registry[c]["view"] == view):
            point = points[code]
            assert code in alt and point.get("reading", point["name"]) in alt, (code, alt)
            assert point["location"] in alt, (code, alt)
    assert [alt for alt, _ in figures[len(views) :]] == [ui["qr_map_link"], ui["qr_email_link"]]


@every_document
def test_qr_codes_are_links_that_say_what_they_open(documents, structures, key):
    lang = key[1]
    ui = content(lang, "ui.yaml")
    s = structures[key]
    pages = len(pdf_pages_text(documents[key]))
    descriptions = [ui["qr_map_link"], ui["qr_email_link"]]
    # Clickable on every page, each annotation owned by its Link (read: its caption).
    assert sorted(d for _, d, _ in s.links) == sorted(descriptions * pages)
    for uri, description, spoken in s.links:
        index = descriptions.index(description)
        assert uri.startswith(("https://", "mailto:"))
        assert squash(spoken) == squash(description + ui[("qr_map", "qr_email")[index]])


@every_document
def test_poppler_reads_the_same_text_in_the_same_order(poppler, structures, key):
    if key[1] == EASY:
        pytest.skip(
            "furigana: `pdfinfo -struct-text` prints a kanji run's glyphs and reading, "
            "not the /ActualText its Span stands for (pdfium, pdftotext and the tree "
            "give the kanji once)"
        )
    assert squash(poppler[key]) == squash(structures[key].text)


@every_document
def test_every_text_a_text_extractor_sees_is_tagged_or_an_artifact(documents, structures, key):
    s = structures[key]
    extracted = squash(pdf_pages_text(documents[key]))
    read = squash(s.text) + squash([text for _, text in s.artifact_text])
    assert sorted(extracted) == sorted(read)


@every_document
def test_pdf_ua_checker_finds_nothing(documents, key):
    import page

    report = page.validate_pdf(documents[key], profile="ua1")
    assert [(f.rule_id, f.message) for f in report.failures] == []
    assert report.is_compliant


def test_japanese_point_names_carry_their_reading(structures):
    points = content("ja", "points.yaml")
    for key in (k for k in KEYS if k[1] == "ja" and k[3] != "aftercare"):
        rubies = structures[key].find("Ruby")
        assert rubies
        for ruby in rubies:
            parts = [(k.role, k.text) for k in ruby.kids]
            name, reading = parts[0][1], parts[2][1]
            assert [role for role, _ in parts] == ["RB", "RP", "RT", "RP"]
            assert [text for _, text in parts[1::2]] == ["（", "）"]
            assert any(
                p["name"] == name and p["reading"] == reading
                for p in points.values()
                if isinstance(p, dict)
            )
    assert not any(structures[k].find("Ruby") for k in KEYS if k[1] == "en")
    # (an edition with furigana has a Ruby for every kanji run: test_editions_pdf)
    assert not any(
        structures[k].find("Ruby") for k in KEYS if k[3] == "aftercare" and k[1] in ("en", "ja")
    )


def test_japanese_handouts_stay_under_200_kb(documents):
    sizes = {
        key: path.stat().st_size
        for key, path in documents.items()
        if key[1] == "ja" and key[3] == "handout"
    }
    assert len(sizes) == 2 * len(VARIANTS)
    assert max(sizes.values()) < 200 * 1024, sizes


def test_served_sheets_are_made_the_same_way(documents, monkeypatch):
    """The served page makes personal sheets through documents.make, as `handouts aftercare`
    does: the same tagged document, byte for byte."""
    from handouts.content.loader import load_library
    from handouts.deliver.build import Options
    from handouts.deliver.documents import make

    monkeypatch.setenv("HANDOUTS_TODAY", SESSION.isoformat())
    library, _ = load_library(CONTENT)
    patient, practitioner, note = GIVEN["ja"]
    made = make(
        library,
        "ja",
        "sciatica",
        "aftercare",
        Options("letter", True),
        {
            "patient": patient,
            "date": SESSION.isoformat(),
            "points": PERSONAL["personal"][1],
            "next_visit": NEXT.strftime("%Y-%m-%d %H:%M"),
            "practitioner": practitioner,
            "note": note,
        },
    )
    assert made.data == documents[("letter-large", "ja", "sciatica", "personal")].read_bytes()


# -- text in another language --------------------------------------------------------------------


def test_text_that_fell_back_to_english_is_marked_english(tmp_path):
    """A Japanese handout whose condition lacks some translations: a paragraph led by the
    Japanese "English only" label, list items and the points' uses in English."""
    source = tmp_path / "content"
    import shutil

    shutil.copytree(CONTENT, source)
    path = source / "ja" / "conditions" / "sciatica.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("what_it_is", "self_care", "points"):
        del data[key]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_cli(
        "--content",
        str(source),
        "build",
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--kind",
        "handout",
        "--out",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / "ja" / "sciatica-handout.pdf"
    s = read_structure(pdf)
    english = content("en", "conditions", "sciatica.yaml")
    marker = content("ja", "ui.yaml")["fallback_marker"]

    def lang_of(text):
        """The /Lang in effect on the element whose text is `text`, the marker left out."""
        found = []

        def visit(node, lang):
            lang = node.attrs.get("Lang", lang)
            if squash(node.text).replace(squash(marker), "") == squash(text):
                found.append(lang)
            for kid in node.kids:
                if isinstance(kid, Node):
                    visit(kid, lang)

        visit(s.tree, s.lang)
        return found[-1] if found else None  # the innermost

    assert s.lang == "ja" and s.problems == [] and s.untagged_text == []
    for text in english["what_it_is"] + english["self_care"]:
        assert lang_of(text) == "en", text
    for point in english["points"]:  # the use, after the Japanese location
        assert lang_of(point["why"]) == "en", point
    assert lang_of(content("ja", "points.yaml")["GB30"]["name"]) == "ja"
    import page

    assert page.validate_pdf(pdf, profile="ua1").failures == []


def test_leader_lines_are_decoration_and_dots_the_figure(documents):
    """Inside each leader's marks (drawn for the layout tests): the line is stroked in an
    artifact, the point's dot filled in its Figure's tagged content."""
    import pikepdf

    with pikepdf.open(documents[("a4", "ja", "sciatica", "handout")]) as pdf:
        roles = {}
        for page in pdf.pages:
            stack: list[str] = []
            for instruction in pikepdf.parse_content_stream(page):
                op = str(instruction.operator)
                if op in ("BDC", "BMC"):
                    stack.append(str(instruction.operands[0]))
                elif op == "EMC":
                    stack.pop()
                elif op in ("S", "f", "f*") and "/Leader" in stack:
                    roles.setdefault("stroke" if op == "S" else "fill", set()).add(stack[-1])
    assert roles == {"stroke": {"/Artifact"}, "fill": {"/Figure"}}
