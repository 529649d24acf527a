"""Batch builds: plan documents, render those whose inputs changed (in parallel), write them and
a manifest.

An unchanged build is decided from file hashes alone: it neither parses the content nor imports
reportlab, so the clinic's CI and the front desk get an answer at once. It still repeats the
warnings each skipped document had when it was built (kept in the manifest).

A document depends on the files of its input groups (contentfiles.document_inputs: the shared
files, its
language folder and its source language's, its condition file in both), on the code and fonts
that make it (code_fingerprint) and on its options. A content error fails only the documents
that depend on the file it is in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from handouts import __version__, clock
from handouts.compose.composer import KINDS
from handouts.content.contentfiles import (
    condition_slugs,
    document_inputs,
    find_content,
    group_digests,
    input_group,
    inputs_digest,
    language_codes,
    quick_languages,
    source_language,
)
from handouts.content.fingerprint import code_fingerprint
from handouts.content.schema import suggest
from handouts.deliver import manifest
from handouts.errors import Diagnostic, HandoutsError, display_path
from handouts.output import write_atomic
from handouts.records import MutableRecord, Record, record

if TYPE_CHECKING:
    from handouts.content.model import Library

# Third-party libraries that draw the documents: their installed versions are part of the code.


@record(frozen=True, eq=False, repr=False)
class Options(Record):
    paper: str = "a4"
    large_print: bool = False
    edition: str | None = None  # "bilingual": each section in two languages
    pair: tuple[str, str] | None = None  # the bilingual pair (default: source + each translation)
    furigana: bool = False  # readings over kanji where the language has them

    @property
    def suffix(self) -> str:
        """File name suffix: variants never overwrite each other."""
        return (
            ("-furigana" if self.furigana else "")
            + ("-large" if self.large_print else "")
            + ("" if self.paper == "a4" else f"-{self.paper}")
        )


@record(frozen=True, eq=False, repr=False)
class Job(Record):
    lang: str
    slug: str
    kind: str
    lead: str | None = None  # bilingual: the language set first, beside or before `lang`
    named: bool = False  # the lead is not the source language: the file name says which

    def relative_path(self, options: Options) -> str:
        edition = (
            "" if self.lead is None else "-bilingual" + (f"-{self.lead}" if self.named else "")
        )
        return f"{self.lang}/{self.slug}-{self.kind}{edition}{options.suffix}.pdf"

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.lang,) if self.lead is None else (self.lead, self.lang)


@record(eq=False, repr=False)
class Summary(MutableRecord):
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # of every selected document
    errors: list[Diagnostic] = field(default_factory=list)  # that failed documents


@record(frozen=True, eq=False, repr=False)
class Catalogue(Record):
    """Which languages and conditions exist, from folder and file names alone."""

    root: Path
    source: str
    languages: tuple[str, ...]
    conditions: tuple[str, ...]
    parents: dict = field(default_factory=dict)  # translation -> the language it is made from
    furigana: frozenset = frozenset()  # languages --furigana adds them to


def catalogue(root: Path) -> Catalogue:
    root = find_content(root)
    source = source_language(root)
    languages = tuple(language_codes(root))
    conditions = tuple(condition_slugs(root, source)) if source in languages else ()
    parents, furigana = quick_languages(root, source, languages)
    return Catalogue(root, source, languages, conditions, parents, furigana)


def plan(
    cat: Catalogue | Library, langs=(), conditions=(), kinds=(), options: Options = Options()
) -> list[Job]:
    """Every selected condition x language x kind; unknown names are errors with a hint.

    A bilingual edition pairs the source language with each selected translation (or the
    `options.pair`); with furigana, only languages they can be added to are selected."""
    from handouts.compose.editions import furigana_languages, source_of

    known_langs = tuple(sorted(cat.languages))
    known_conditions = tuple(cat.conditions)
    for lang in [*langs, *(options.pair or ())]:
        if lang not in known_langs:
            raise HandoutsError(
                f"unknown language '{lang}' ("
                f"{suggest(lang, known_langs) or 'known: ' + ', '.join(known_langs)})"
            )
    for slug in conditions:
        if slug not in known_conditions:
            raise HandoutsError(
                f"unknown condition '{slug}' ("
                f"{suggest(slug, known_conditions) or 'known: ' + ', '.join(known_conditions)})"
            )
    source = source_of(cat)
    pairs: list[tuple[str | None, str]] = [(None, lang) for lang in (langs or known_langs)]
    if options.edition == "bilingual":
        if options.pair is not None:
            pairs = [options.pair]
        elif source in langs:
            raise HandoutsError(
                f"the bilingual edition sets {source} beside a translation: "
                "choose translations with --lang, or both languages with "
                "--pair A:B"
            )
        else:
            pairs = [(source, lang) for lang in (langs or known_langs) if lang != source]
    if options.furigana:
        readable = furigana_languages(cat)
        named = [lang for lang in [*langs, *(options.pair or ())] if lang not in readable]
        if named or not readable:
            raise HandoutsError(
                f"--furigana: not for {', '.join(named) or 'any language'}: "
                "it adds furigana to languages whose language.yaml has "
                "furigana: (an easy edition has them always, without "
                f"--furigana): {', '.join(sorted(readable)) or 'none here'}"
            )
        pairs = [(lead, lang) for lead, lang in pairs if {lead, lang} & readable]
    return [
        Job(lang, slug, kind, lead, lead is not None and lead != source)
        for lead, lang in pairs
        for slug in (conditions or known_conditions)
        for kind in (kinds or KINDS)
    ]


# -- what a document is made from -------------------------------------------------------------
class Inputs:
    """The content tree's input groups and their digests, read once per build (and only for one
    build: a library caller who edits content and builds again must get a rebuild)."""

    def __init__(self, cat: Catalogue):
        self.cat = cat
        self.root = cat.root
        self.epoch = clock.source_date_epoch()  # the date recorded in the PDFs
        self.digests = group_digests(self.root)

    def groups(self, job: Job) -> list[tuple[str, str]]:
        return document_inputs(job.languages, job.slug, self.cat.parents)

    def digest(self, job: Job, options: Options) -> str:
        """Hash of everything one document is made from."""
        made_from = inputs_digest(self.digests, self.groups(job))
        return hashlib.sha256(
            f"{code_fingerprint()}|{job}|{options}|{self.epoch}|{made_from}".encode()
        ).hexdigest()

    def group_of(self, diagnostic: Diagnostic) -> tuple[str, str]:
        """The input group a problem was found in (a problem with no place concerns all)."""
        if diagnostic.mark is None:
            return "", ""
        try:
            relative = Path(os.path.relpath(diagnostic.mark.path, self.root)).as_posix()
        except ValueError:
            return "", ""
        if relative.startswith(".."):
            return "", ""
        return input_group(self.root, relative) or ("", "")


# -- rendering ----------------------------------------------------------------------------------
def document_styles(library: Library, doc, paper: str, large_print: bool) -> tuple:
    """The page styles a document is rendered in: its language's, the source language's for
    text that fell back to it (or None), and the second language's of a bilingual one (or None)."""
    fallback = library.settings.source_language if doc.fallback_typography else None
    return tuple(
        library.page_style(lang, paper, large_print) if lang else None
        for lang in (doc.lang, fallback, doc.second)
    )


def render_one(
    library: Library, job: Job, options: Options = Options(), personal=None
) -> tuple[bytes, int]:
    """Compose and render one document; a page budget overrun is an error naming how far over
    (on a personal sheet: what of the personal details takes the space, handouts.compose.fit)."""
    from handouts.startup import importing

    with importing():  # reportlab: paused collector (startup.py)
        from handouts.compose.composer import printed_budget
        from handouts.compose.editions import compose_job, edition_budget
        from handouts.render.pdf import render

    style = library.page_style(job.lang, options.paper, options.large_print)

    def rendered(sheet) -> tuple[bytes, int, int]:
        """PDF bytes, pages and the page budget of the document with these personal details."""
        doc = compose_job(library, job, options, sheet)
        style, fallback, second = document_styles(library, doc, options.paper, options.large_print)
        return (
            *render(doc, style, fallback, second_style=second),
            printed_budget(doc.page_budget, style),
        )

    # (until the document says: furigana asked for give more)
    budget = printed_budget(
        edition_budget(library, job.languages, job.kind, personal is not None), style
    )
    personal_sheet = personal is not None and job.kind == "aftercare"
    try:
        data, pages, budget = rendered(personal)
        problem = (
            None
            if pages <= budget
            else (f"{pages} pages, {pages - budget} over the budget of {budget}")
        )
    except HandoutsError as exc:
        if not personal_sheet:
            raise
        problem = exc.format_message()  # e.g. a note taller than a page: find out what
    if problem is not None and personal_sheet:
        from handouts.compose.fit import explain

        def fits(sheet) -> bool:
            try:
                _, pages, budget = rendered(sheet)
                return pages <= budget
            except HandoutsError:
                return False

        where = "one page" if budget == 1 else f"{budget} pages"
        raise HandoutsError(
            explain(fits, personal, f"the personal sheet does not fit on {where} ({problem})")
        )
    if problem is not None:
        raise HandoutsError(problem)
    return data, pages


def missing_glyphs(library: Library, job: Job) -> list[Diagnostic]:
    """Characters of one document that its fonts cannot draw (they would print as empty boxes),
    found as `handouts check` finds them, each at its place in the content. Checked: every
    text the document may print (its condition, points, aftercare, labels, clinic)."""
    from handouts.content.model import Review
    from handouts.content.texts import texts
    from handouts.content.yamlsrc import plain_text
    from handouts.deliver.checks import check_glyphs

    language = library.languages[job.lang]
    condition = language.conditions[job.slug]
    points = [language.points[point.code] for point in condition.points]
    printed = [
        *texts(condition, skip=(Review,)),
        *texts(points),
        *texts(language.aftercare),
        *texts(language.labels),
        *texts(language.clinic),
        *texts(library.clinic),
        *texts(library.settings),
    ]
    distinct = plain_text("".join(sorted(set().union(*printed))))
    if not check_glyphs(language, [distinct]):  # the usual case, at ~1/20 of the cost
        return []
    return check_glyphs(language, printed)


def _render_safely(library: Library, job: Job, options: Options):
    """One document's outcome, never an exception: a failing document must not stop the rest."""
    try:
        problems = missing_glyphs(library, job)
        if problems:
            return None, 0, "; ".join(str(problem) for problem in problems)
        data, pages = render_one(library, job, options)
        return data, pages, None
    except HandoutsError as exc:
        return None, 0, exc.format_message()
    except Exception as exc:  # an internal error in one document: report it with the others
        return None, 0, f"internal error: {type(exc).__name__}: {exc}"


_worker_library: Library | None = None


def _init_worker(root: str, parent: int) -> None:
    """Each worker process watches its parent and has the content loaded once (inherited from
    the parent where processes fork; each font is loaded once, on first use)."""
    _exit_with_parent(parent)
    global _worker_library
    if _worker_library is None:  # spawned, not forked: load it again
        from handouts.content.loader import load

        _worker_library = load(Path(root)).partial


def _exit_with_parent(parent: int) -> None:
    """End this worker when the build that started it is gone (killed, even by SIGKILL): an
    orphaned worker would hold the build's stdout open and keep a CI step waiting forever. A
    process whose parent dies gets a new parent (init or a subreaper)."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _work(job: Job, options: Options):
    assert _worker_library is not None  # set by _init_worker
    return _render_safely(_worker_library, job, options)


def _render_all(
    library: Library, jobs: list[Job], options: Options, workers: int
) -> Iterator[tuple[Job, bytes | None, int, str | None]]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, *_render_safely(library, job, options)
        return
    import multiprocessing  # only parallel builds need these
    from concurrent.futures import ProcessPoolExecutor

    global _worker_library
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    _worker_library = library if context.get_start_method() == "fork" else None
    try:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(jobs)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(str(library.root), os.getpid()),
        ) as pool:
            futures = [pool.submit(_work, job, options) for job in jobs]
            for job, future in zip(jobs, futures):
                yield job, *future.result()
    finally:
        _worker_library = None


# -- the build ----------------------------------------------------------------------------------
def build(
    content_root: Path,
    out_dir: Path,
    langs=(),
    conditions=(),
    kinds=(),
    options: Options = Options(),
    workers: int | None = None,
    force: bool = False,
    progress: Callable[[Job], None] | None = None,
    catalogued: Catalogue | None = None,
) -> Summary:
    """Build the selected documents that are out of date; write them and the manifest.
    `catalogued`: catalogue(content_root), when the caller has read it already."""
    cat = catalogued or catalogue(content_root)
    if cat.source not in cat.languages:  # broken settings: say where, build nothing
        from handouts.content.loader import load

        load(cat.root).diagnostics.raise_if_errors()
    jobs = plan(cat, langs, conditions, kinds, options)
    inputs = Inputs(cat)  # a malformed SOURCE_DATE_EPOCH is one error, before any work
    entries = manifest.read(out_dir)
    summary = Summary()
    warnings: dict[Diagnostic, None] = {}
    digests = {job: inputs.digest(job, options) for job in jobs}
    stale = []
    for job in jobs:
        relative = job.relative_path(options)
        entry = entries.get(relative)
        if (
            not force
            and entry is not None
            and entry["inputs"] == digests[job]
            and _fresh_digest(out_dir / relative) == entry["sha256"]
        ):
            summary.skipped.append(relative)
            warnings.update(
                dict.fromkeys(
                    manifest.warning_from(record, cat.root) for record in entry.get("warnings", [])
                )
            )
            if progress:
                progress(job)
        else:
            stale.append(job)
    if stale:
        warnings.update(
            dict.fromkeys(
                _build_stale(
                    cat, inputs, stale, digests, out_dir, options, workers, summary, progress
                )
            )
        )
    summary.warnings = sorted(warnings, key=_place)
    return summary


def _build_stale(
    cat: Catalogue,
    inputs: Inputs,
    jobs: list[Job],
    digests: dict,
    out_dir: Path,
    options: Options,
    workers: int | None,
    summary: Summary,
    progress,
) -> list[Diagnostic]:
    """Load the content, fail the documents whose files have errors, render the others."""
    from handouts.content.loader import load

    loaded = load(cat.root)
    found: dict[tuple[str, str], list[Diagnostic]] = {}
    for diagnostic in loaded.diagnostics:
        found.setdefault(inputs.group_of(diagnostic), []).append(diagnostic)
    warnings, errors, renderable = {}, {}, []
    warnings_of: dict[Job, list[Diagnostic]] = {}
    library = loaded.partial
    for job in jobs:
        problems = [d for group in inputs.groups(job) for d in found.get(group, [])]
        warnings_of[job] = [d for d in problems if not d.is_error]
        warnings.update(dict.fromkeys(warnings_of[job]))
        job_errors = [d for d in problems if d.is_error]
        if not job_errors and (
            library is None
            or job.lang not in library.languages
            or job.slug not in library.languages[job.lang].conditions
        ):
            job_errors = [d for d in loaded.diagnostics if d.is_error]  # cannot tell: all
        if job_errors:
            errors.update(dict.fromkeys(job_errors))
            files = sorted({display_path(d.mark.path) for d in job_errors if d.mark})
            summary.failed.append(
                (
                    job.relative_path(options),
                    f"{len(job_errors)} content error(s)"
                    + (f" in {', '.join(files)}" if files else ""),
                )
            )
            if progress:
                progress(job)
        else:
            renderable.append(job)
    summary.errors = sorted(errors, key=_place)

    built, removed = {}, [relative for relative, _ in summary.failed]
    if renderable:
        assert library is not None  # a job is renderable only if content loaded
        for job, data, pages, error in _render_all(
            library, renderable, options, workers or default_workers()
        ):
            relative = job.relative_path(options)
            if error is None:
                assert data is not None  # no error: rendered
                sha256 = hashlib.sha256(data).hexdigest()
                try:
                    write_atomic(out_dir / relative, data)
                except HandoutsError as exc:
                    error = exc.format_message()
            if error is None:
                built[relative] = {
                    "lang": job.lang,
                    "condition": job.slug,
                    "kind": job.kind,
                    **({"edition": "bilingual", "pair": [job.lead, job.lang]} if job.lead else {}),
                    **({"furigana": True} if options.furigana else {}),
                    "paper": options.paper,
                    "large_print": options.large_print,
                    "pages": pages,
                    "inputs": digests[job],
                    "sha256": sha256,
                    "warnings": [manifest.warning_record(d, cat.root) for d in warnings_of[job]],
                }
                summary.built.append(relative)
            else:
                removed.append(relative)
                summary.failed.append((relative, error))
            if progress:
                progress(job)
    manifest.update(out_dir, f"handouts {__version__}", built, removed)
    return list(warnings)


def _place(d: Diagnostic) -> tuple:
    mark = d.mark
    return (mark.path, mark.line, mark.column, d.message) if mark else ("", 0, 0, d.message)


def _fresh_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


def default_workers() -> int:
    return os.cpu_count() or 1
