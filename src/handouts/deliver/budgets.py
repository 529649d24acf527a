"""Page budgets: `check` lays out every generic document in every print variant and edition and
reports those longer than their budget."""

from __future__ import annotations

import dataclasses
import hashlib

from handouts import clock
from handouts.compose.composer import KINDS
from handouts.content.model import Condition, Language, Library
from handouts.content.texts import texts
from handouts.errors import Diagnostic, HandoutsError, Mark

# Every print variant has a budget (large print's is style page.budget_factor times more): a
# document that fits A4 may still overrun Letter, which is shorter.
PRINT_VARIANTS = (("a4", False), ("letter", False), ("a4", True), ("letter", True))


def variant_name(paper: str, large_print: bool) -> str:
    """How a message names a print variant: A4, Letter, A4 large print."""
    return ("A4" if paper == "a4" else paper.capitalize()) + (" large print" if large_print else "")


def check_page_budgets(library: Library, digests: dict) -> list[Diagnostic]:
    """Lay out every generic document on each paper size, in normal and large print: each
    language alone, and each translation beside the source language as `build --edition
    bilingual` makes it. Over budget means the content must be shortened; the message names
    the variants that overrun.

    Only the layout runs (render.pdf.count_pages): no header, footer, QR codes, font subsets or
    PDF file, which are the same for every document and cost half of a render. `digests`:
    contentfiles.group_digests of the library's folder.
    """
    from handouts.compose.composer import compose, printed_budget
    from handouts.compose.editions import compose_pair, edition_budget
    from handouts.content.contentfiles import document_inputs, inputs_digest

    source = str(library.settings.source_language)
    languages = sorted(library.languages)
    editions = [(lang,) for lang in languages] + [
        (source, lang) for lang in languages if lang != source
    ]
    found = []
    parents = library.parents()
    for edition in editions:
        lang = edition[-1]
        named = "" if len(edition) == 1 else f" (bilingual, beside {edition[0]})"
        for slug in library.conditions:
            inputs = inputs_digest(digests, document_inputs(list(edition), slug, parents))
            relative = f"{lang}/conditions/{slug}.yaml"
            mark = Mark(str(library.root / relative))
            for kind in KINDS:
                over, failed = [], None
                try:
                    doc = (
                        compose(library, lang, slug, kind)
                        if len(edition) == 1
                        else compose_pair(library, *edition, slug, kind)
                    )
                    for paper, large in PRINT_VARIANTS:
                        style = library.page_style(edition[0], paper, large)
                        budget = printed_budget(edition_budget(library, edition, kind), style)
                        job = (inputs, edition, slug, kind, paper, large)
                        pages = _page_count(library, doc, job)
                        if pages > budget:
                            over.append(
                                f"{pages} pages on {variant_name(paper, large)}, "
                                f"{pages - budget} over the budget of {budget}"
                            )
                except HandoutsError as exc:
                    failed = f"{relative}: {kind}{named}: {exc.format_message()}"
                if failed is None and not over:
                    continue
                message = failed or f"{relative}: {kind}{named} needs " + "; ".join(over)
                hint = "shorten the longest parts: " + _longest_parts(
                    library.languages[lang], slug, kind
                )
                found.append(Diagnostic(mark, message, hint))
    return found


def _page_count(library: Library, doc, job: tuple) -> int:
    """render.pdf.count_pages, remembered in the cache under everything a count depends on:
    the document's content files (job: contentfiles.document_inputs), the code, fonts and
    drawing libraries (fingerprint.code_fingerprint) and the
    date. An unchanged library is checked again without laying anything out (or importing
    reportlab); a count that fails is not stored, so its error is shown every time."""
    from handouts import cache
    from handouts.content.fingerprint import code_fingerprint

    key = hashlib.sha256(repr((code_fingerprint(), job, str(clock.today()))).encode()).hexdigest()
    entry = cache.load("pages", key, key)
    if entry is not None and entry.isdigit():
        return int(entry)
    from handouts.deliver.build import document_styles
    from handouts.render.pdf import count_pages

    *_, paper, large_print = job
    pages = count_pages(doc, *document_styles(library, doc, paper, large_print))
    cache.store("pages", key, key, str(pages).encode("ascii"))
    return pages


def _longest_parts(language: Language, slug: str, kind: str) -> str:
    """The two largest parts of a document by characters, named by their YAML keys."""
    condition = language.conditions[slug]
    if kind == "handout":
        parts = {
            f.name: getattr(condition, f.name)
            for f in dataclasses.fields(Condition)
            if f.name not in ("aftercare", "review")
        }
    else:
        care = language.aftercare
        parts = {
            f"aftercare.yaml {f.name}": getattr(care, f.name) for f in dataclasses.fields(care)
        }
        parts[f"conditions/{slug}.yaml aftercare"] = condition.aftercare
        parts[f"conditions/{slug}.yaml precautions"] = condition.precautions
        parts[f"conditions/{slug}.yaml see_a_doctor urgent"] = condition.see_a_doctor.urgent
    sizes = sorted(((sum(map(len, texts(v))), k) for k, v in parts.items()), reverse=True)
    return ", ".join(f"{key} ({size} characters)" for size, key in sizes[:2])
