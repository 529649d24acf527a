"""Editions of a document: one language, or two aligned section by section (bilingual); with or
without furigana. Which document a build job is, and the bilingual document model.

A bilingual document is composed from the two single-language documents (the same compose
functions, so both say the same things in the same order) by pairing their sections: each
section becomes a document.Parallel of its two languages. Never the whole document in one
language and then in the other."""

from __future__ import annotations

import dataclasses

from handouts.compose import document as d
from handouts.compose.composer import Personal, compose, page_budget, urgent_parts

# Blocks that start a section (a heading's paragraphs and lists belong to it).
SECTION_STARTS = (
    d.Title,
    d.Heading,
    d.Columns,
    d.Alert,
    d.PointsFigure,
    d.Fields,
    d.Memo,
    d.FillIn,
)


def source_of(cat) -> str:
    """The source language of a build.Catalogue or a model.Library."""
    settings = getattr(cat, "settings", None)
    return str(settings.source_language) if settings is not None else cat.source


def furigana_languages(cat) -> frozenset:
    """Languages --furigana adds furigana to: language.yaml has furigana, but not always (an
    easy edition has them in every document anyway). A Catalogue knows them from a quick read."""
    languages = getattr(cat, "languages", {})
    if isinstance(languages, dict):
        return frozenset(
            code
            for code, lang in languages.items()
            if lang.style.furigana is not None and not lang.style.furigana.always
        )
    return cat.furigana


def compose_job(library, job, options, personal: Personal | None = None) -> d.Document:
    """The document a build job (build.Job) and its options make."""
    if job.lead is None:
        return compose(library, job.lang, job.slug, job.kind, personal, options.furigana)
    return compose_pair(library, job.lead, job.lang, job.slug, job.kind, personal, options.furigana)


def edition_budget(
    library, languages: tuple[str, ...], kind: str, personal: bool = False, furigana: bool = False
) -> int:
    """Pages a document in these languages may take at 12 pt: one language's page_budget, and
    a bilingual document twice the larger of its two."""
    budgets = [page_budget(library.languages[code], kind, personal, furigana) for code in languages]
    return max(budgets) * len(languages)


def compose_pair(
    library,
    first: str,
    second: str,
    slug: str,
    kind: str,
    personal: Personal | None = None,
    furigana: bool = False,
) -> d.Document:
    """A bilingual document: every section in `first` and in `second`, aligned (the red-flag
    box early in both where either language has it early)."""
    early = any(library.languages[code].style.red_flags_first for code in (first, second))
    a = compose(library, first, slug, kind, personal, furigana, early)
    b = compose(library, second, slug, kind, personal, furigana, early)
    return dataclasses.replace(
        a,
        title=f"{a.title} / {b.title}",
        subject=f"{a.subject} / {b.subject}",
        keywords=f"{a.keywords}, {second}, bilingual",
        header=(a.header[0], f"{a.header[1]} / {b.header[1]}"),
        # Every text of the footer in both languages (the clinic's address as each writes it);
        # the codes as the second language makes them (a Japanese translation: the mail's
        # subject in Japanese, for the clinic), their captions in both.
        footer=_footer(library, a.footer, b.footer, first, second),
        page_budget=edition_budget(library, (first, second), kind, personal is not None, furigana),
        blocks=pair_sections(
            *(
                _urgent_kept(
                    doc.blocks,
                    len(
                        urgent_parts(
                            library.languages[code], library.languages[code].conditions[slug]
                        )
                    ),
                )
                for doc, code in ((a, first), (b, second))
            )
        ),
        second=second,
        second_typography=b.typography,
        fallback_typography=a.fallback_typography or b.fallback_typography,
        ruby={**a.ruby, **b.ruby},
    )


def _footer(library, a: d.Footer, b: d.Footer, first: str, second: str) -> d.Footer:
    """The second language's footer with the first's beside it (render.furniture sets each
    text in both); the codes' captions short (ui.yaml qr_map_short): two languages' captions
    under a 20 mm code must not make the footer, on every page, taller than the codes."""

    def short(footer: d.Footer, lang: str) -> tuple:
        labels = library.languages[lang].labels
        captions = (labels.qr_map_short, labels.qr_email_short)
        return tuple((payload, caption) for (payload, _), caption in zip(footer.codes, captions))

    return dataclasses.replace(
        b, codes=short(b, second), first=dataclasses.replace(a, codes=short(a, first))
    )


def _urgent_kept(blocks, urgent: int) -> list:
    """A bilingual page's red-flag box (half a page wide, so twice as tall) keeps every urgent
    part together, the urgent signs with both numbers (119 and the advice line), as an
    aftercare sheet does."""
    return [dataclasses.replace(b, kept=urgent) if isinstance(b, d.Alert) else b for b in blocks]


def sections(blocks) -> list[tuple]:
    """The document's sections, in order: a heading with what follows it, a box, a figure; the
    lists of a two-column block each a section of its own (a bilingual page has no room for
    four columns); the blocks set beside a figure after it."""
    found: list[list] = []
    for block in blocks:
        if isinstance(block, d.Columns):
            found += [list(part) for part in sections(block.left) + sections(block.right)]
        elif isinstance(block, d.PointsFigure) and block.beside:
            found.append([dataclasses.replace(block, beside=())])
            found += [list(part) for part in sections(block.beside)]
        elif isinstance(block, SECTION_STARTS) or not found:
            found.append([block])
        else:
            found[-1].append(block)
    return [tuple(section) for section in found]


def pair_sections(first: list, second: list) -> list[d.Parallel]:
    """Each section of `first` with the same section of `second` (both composed by the same
    functions, so they have the same sections in the same order; a translation may say a
    section in more or fewer paragraphs)."""
    a, b = sections(first), sections(second)
    if [type(s[0]) for s in a] != [type(s[0]) for s in b]:
        raise ValueError("the two languages' documents do not have the same sections")
    return [d.Parallel(x, y) for x, y in zip(a, b)]
