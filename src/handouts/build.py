"""Batch builds: plan documents, render those whose inputs changed (in parallel), write them and
a manifest.

An unchanged build is decided from file hashes alone: it neither parses the content nor imports
reportlab, so the clinic's CI and the front desk get an answer at once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import yaml

from handouts import __version__, cache
from handouts.compose import KINDS, PAGE_BUDGET
from handouts.content import NOT_LANGUAGES, find_content
from handouts.errors import Diagnostic, HandoutsError
from handouts.fontfiles import font_families, fonts_dir
from handouts.model import Library
from handouts.output import write_atomic
from handouts.schema import suggest

MANIFEST = "manifest.json"
LANGUAGE_FILES = ("language.yaml", "clinic.yaml", "ui.yaml", "points.yaml", "aftercare.yaml")


@dataclass(frozen=True)
class Options:
    paper: str = "a4"
    large_print: bool = False

    @property
    def suffix(self) -> str:
        """File name suffix: variants never overwrite each other."""
        return ("-large" if self.large_print else "") + ("" if self.paper == "a4" else f"-{self.paper}")

    @property
    def scale(self) -> float:
        return 16 / 12 if self.large_print else 1.0    # 12 pt body text becomes 16 pt (DESIGN: at least 16)

    @property
    def budget_factor(self) -> int:
        return 2 if self.large_print else 1


@dataclass(frozen=True)
class Job:
    lang: str
    slug: str
    kind: str

    def relative_path(self, options: Options) -> str:
        return f"{self.lang}/{self.slug}-{self.kind}{options.suffix}.pdf"


@dataclass
class Summary:
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class Catalogue:
    """Which languages and conditions exist, from folder and file names alone."""

    root: Path
    source: str
    languages: tuple[str, ...]
    conditions: tuple[str, ...]


def catalogue(root: Path) -> Catalogue:
    root = find_content(root)
    try:
        settings = yaml.load((root / "handouts.yaml").read_text(encoding="utf-8"),
                             Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        source = str(settings["source_language"])
    except (OSError, yaml.YAMLError, TypeError, KeyError):
        source = ""          # broken settings: the full load reports exactly what is wrong
    languages = tuple(sorted(p.name for p in root.iterdir() if p.is_dir()
                             and p.name not in NOT_LANGUAGES and not p.name.startswith(".")))
    conditions = tuple(sorted(p.stem for p in (root / source / "conditions").glob("*.yaml"))
                       if source else ())
    return Catalogue(root, source, languages, conditions)


def plan(cat: Catalogue | Library, langs=(), conditions=(), kinds=()) -> list[Job]:
    """Every selected condition x language x kind; unknown names are errors with a hint."""
    known_langs = tuple(sorted(cat.languages))
    known_conditions = tuple(cat.conditions)
    for lang in langs:
        if lang not in known_langs:
            raise HandoutsError(f"unknown language '{lang}' ("
                                f"{suggest(lang, known_langs) or 'known: ' + ', '.join(known_langs)})")
    for slug in conditions:
        if slug not in known_conditions:
            raise HandoutsError(f"unknown condition '{slug}' ("
                                f"{suggest(slug, known_conditions) or 'known: ' + ', '.join(known_conditions)})")
    return [Job(lang, slug, kind)
            for lang in (langs or known_langs)
            for slug in (conditions or known_conditions)
            for kind in (kinds or KINDS)]


@functools.cache
def _file_digest(path: Path) -> str:
    try:
        if not path.is_file():      # a pipe would block; loading names what stands there
            return "-"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


@functools.cache
def _shared_digest(root: Path) -> str:
    """Everything every document depends on: settings, registry, diagrams, fonts, our version."""
    digest = hashlib.sha256(f"handouts {__version__}".encode())
    shared = [root / "handouts.yaml", root / "clinic.yaml", root / "points.yaml",
              root / "styles.yaml", *sorted((root / "diagrams").glob("*.svg"))]
    fonts = sorted(fonts_dir() / name for family in font_families().values()
                   for weight, name in family.items() if weight in ("regular", "bold"))
    for path in shared:
        digest.update(f"{path.name}:{_file_digest(path)};".encode())
    for path in fonts:                     # 10 MB: the cache remembers their digests
        digest.update(f"{path.name}:{cache.file_digest(path)};".encode())
    return digest.hexdigest()


def inputs_hash(cat: Catalogue, job: Job, options: Options) -> str:
    """Hash of the content files, fonts, diagrams, code version and options a document uses."""
    digest = hashlib.sha256(f"{_shared_digest(cat.root)}|{job}|{options}".encode())
    for code in sorted({cat.source, job.lang}):
        for name in (*LANGUAGE_FILES, f"conditions/{job.slug}.yaml"):
            digest.update(f"{code}/{name}:{_file_digest(cat.root / code / name)};".encode())
    return digest.hexdigest()


def read_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data.get("documents"), dict) else {"documents": {}}
    except (OSError, ValueError, AttributeError):
        return {"documents": {}}


def render_one(library: Library, job: Job, options: Options = Options(),
               personal=None) -> tuple[bytes, int]:
    """Compose and render one document; a page budget overrun is an error naming how far over
    (on a personal sheet: what of the personal details takes the space, handouts.fit)."""
    from handouts.compose import compose
    from handouts.render.pdf import render

    def rendered(sheet) -> tuple[bytes, int, int]:
        """PDF bytes, pages and the page budget of the document with these personal details."""
        doc = compose(library, job.lang, job.slug, job.kind, sheet)
        style = library.page_style(job.lang, options.paper, options.large_print)
        fallback = (library.page_style(library.settings.source_language, options.paper,
                                       options.large_print) if doc.fallback_typography else None)
        return (*render(doc, style, fallback), doc.page_budget * options.budget_factor)

    budget = PAGE_BUDGET[job.kind] * options.budget_factor
    personal_sheet = personal is not None and job.kind == "aftercare"
    try:
        data, pages, budget = rendered(personal)
        problem = None if pages <= budget else (
            f"{pages} pages, {pages - budget} over the budget of {budget}")
    except HandoutsError as exc:
        if not personal_sheet:
            raise
        problem = exc.format_message()     # e.g. a note taller than a page: find out what
    if problem is not None and personal_sheet:
        from handouts.fit import explain

        def fits(sheet) -> bool:
            try:
                _, pages, budget = rendered(sheet)
                return pages <= budget
            except HandoutsError:
                return False

        where = "one page" if budget == 1 else f"{budget} pages"
        raise HandoutsError(explain(fits, personal, f"the personal sheet does not fit on {where} "
                                                    f"({problem})"))
    if problem is not None:
        raise HandoutsError(problem)
    return data, pages


def _render_safely(library: Library, job: Job, options: Options):
    """One document's outcome, never an exception: a failing document must not stop the rest."""
    try:
        data, pages = render_one(library, job, options)
        return data, pages, None
    except HandoutsError as exc:
        return None, 0, exc.format_message()
    except Exception as exc:  # an internal error in one document: report it with the others
        return None, 0, f"internal error: {type(exc).__name__}: {exc}"


_worker_library: Library | None = None


def _init_worker(root: str) -> None:
    """Each worker process loads the content once (and each font once, on first use)."""
    from handouts.content import load_library

    global _worker_library
    _worker_library, _ = load_library(Path(root))


def _work(job: Job, options: Options):
    return _render_safely(_worker_library, job, options)


def _render_all(library: Library, jobs: list[Job], options: Options,
                workers: int) -> Iterator[tuple[Job, bytes | None, int, str | None]]:
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, *_render_safely(library, job, options)
        return
    import multiprocessing                                   # only parallel builds need these
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                             initializer=_init_worker, initargs=(str(library.root),)) as pool:
        futures = [pool.submit(_work, job, options) for job in jobs]
        for job, future in zip(jobs, futures):
            yield job, *future.result()


def build(content_root: Path, out_dir: Path, langs=(), conditions=(), kinds=(),
          options: Options = Options(), workers: int | None = None, force: bool = False,
          progress: Callable[[Job], None] | None = None) -> Summary:
    """Build the selected documents that are out of date; write them and the manifest."""
    cat = catalogue(content_root)
    jobs = plan(cat, langs, conditions, kinds)
    manifest = read_manifest(out_dir)
    entries = manifest["documents"]
    summary = Summary()
    digests = {job: inputs_hash(cat, job, options) for job in jobs}
    stale = []
    for job in jobs:
        relative = job.relative_path(options)
        entry = entries.get(relative, {})
        if (not force and entry.get("inputs") == digests[job]
                and _fresh_digest(out_dir / relative) == entry.get("sha256")):
            summary.skipped.append(relative)
            if progress:
                progress(job)
        else:
            stale.append(job)
    if not stale:
        return summary

    from handouts.content import load_library

    library, diagnostics = load_library(cat.root)
    summary.warnings = diagnostics.warnings
    for job, data, pages, error in _render_all(library, stale, options,
                                                workers or default_workers()):
        relative = job.relative_path(options)
        if error is None:
            try:
                write_atomic(out_dir / relative, data)
            except HandoutsError as exc:
                error = exc.format_message()
        if error is None:
            entries[relative] = {"lang": job.lang, "condition": job.slug, "kind": job.kind,
                                 "paper": options.paper, "large_print": options.large_print,
                                 "pages": pages, "inputs": digests[job],
                                 "sha256": hashlib.sha256(data).hexdigest()}
            summary.built.append(relative)
        else:
            entries.pop(relative, None)
            summary.failed.append((relative, error))
        if progress:
            progress(job)
    manifest = {"generator": f"handouts {__version__}", "documents": dict(sorted(entries.items()))}
    write_atomic(out_dir / MANIFEST,
                 (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return summary


def _fresh_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def default_workers() -> int:
    return os.cpu_count() or 1
