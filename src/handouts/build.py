"""Batch builds: plan documents, render the ones whose inputs changed, write them and a manifest.

Rendering happens in `render_one`, which imports reportlab only when a document really has to be
made, so an unchanged build stays quick.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from handouts import __version__
from handouts.compose import KINDS
from handouts.errors import HandoutsError
from handouts.fontfiles import font_path
from handouts.model import Library
from handouts.output import write_atomic
from handouts.schema import suggest

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"


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
        return 1.5 if self.large_print else 1.0


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


def plan(library: Library, langs=(), conditions=(), kinds=()) -> list[Job]:
    """Every selected condition x language x kind; unknown names are errors with a hint."""
    for lang in langs:
        if lang not in library.languages:
            raise HandoutsError(f"unknown language '{lang}' "
                                f"({suggest(lang, library.languages) or 'known: ' + ', '.join(library.languages)})")
    for slug in conditions:
        if slug not in library.conditions:
            raise HandoutsError(f"unknown condition '{slug}' "
                                f"({suggest(slug, library.conditions) or 'known: ' + ', '.join(library.conditions)})")
    return [Job(lang, slug, kind)
            for lang in (langs or sorted(library.languages))
            for slug in (conditions or library.conditions)
            for kind in (kinds or KINDS)]


@functools.cache
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inputs_hash(library: Library, job: Job, options: Options) -> str:
    """Hash of everything a document depends on: content files, fonts, diagrams, code, options."""
    root = library.root
    source = library.settings.source_language
    lang = library.languages[job.lang]
    files = [root / "handouts.yaml", root / "clinic.yaml", root / "points.yaml"]
    for code in {source, job.lang}:
        for name in ("language.yaml", "clinic.yaml", "ui.yaml", "points.yaml", "aftercare.yaml",
                     f"conditions/{job.slug}.yaml"):
            files.append(root / code / name)
    condition = lang.conditions[job.slug]
    files += sorted({library.views[library.registry[p.code].view] for p in condition.points})
    files += [font_path(lang.style.font, "regular"), font_path(lang.style.font, "bold")]
    digest = hashlib.sha256()
    digest.update(f"{__version__}|{job}|{options}".encode())
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path.name).encode())
        digest.update(_file_digest(path).encode() if path.is_file() else b"-")
    return digest.hexdigest()


def read_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data.get("documents"), dict) else {"documents": {}}
    except (OSError, ValueError, AttributeError):
        return {"documents": {}}


def render_one(library: Library, job: Job, options: Options = Options(),
               personal=None) -> tuple[bytes, int]:
    """Compose and render one document; a page budget overrun is an error naming how far over."""
    from handouts.compose import compose
    from handouts.render.pdf import render

    doc = compose(library, job.lang, job.slug, job.kind, personal)
    data, pages = render(doc, options.paper, options.scale)
    budget = doc.page_budget * (2 if options.large_print else 1)
    if pages > budget:
        if personal is not None and personal.note:
            raise HandoutsError(f"the note ({len(personal.note)} characters) does not fit on the "
                                f"one-page sheet: it needs {pages} pages; shorten the note")
        raise HandoutsError(f"{job.relative_path(options)}: {pages} pages, {pages - budget} over "
                            f"the budget of {budget}")
    return data, pages


def build(library: Library, out_dir: Path, jobs: list[Job], options: Options,
          force: bool = False, progress=None) -> Summary:
    """Build the documents that are out of date; a failing document does not stop the others."""
    manifest = read_manifest(out_dir)
    entries = manifest["documents"]
    summary = Summary()
    for job in jobs:
        relative = job.relative_path(options)
        target = out_dir / relative
        digest = inputs_hash(library, job, options)
        entry = entries.get(relative, {})
        if (not force and entry.get("inputs") == digest and target.is_file()
                and _file_digest_fresh(target) == entry.get("sha256")):
            summary.skipped.append(relative)
        else:
            try:
                data, pages = render_one(library, job, options)
                write_atomic(target, data)
            except HandoutsError as exc:
                summary.failed.append((relative, exc.format_message()))
            else:
                entries[relative] = {"lang": job.lang, "condition": job.slug, "kind": job.kind,
                                     "pages": pages, "inputs": digest,
                                     "sha256": hashlib.sha256(data).hexdigest()}
                summary.built.append(relative)
        if progress:
            progress(job)
    if summary.built:
        manifest = {"generator": f"handouts {__version__}",
                    "documents": dict(sorted(entries.items()))}
        write_atomic(out_dir / MANIFEST,
                     (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return summary


def _file_digest_fresh(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def default_jobs() -> int:
    return os.cpu_count() or 1
