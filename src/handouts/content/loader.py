"""Load the content folder into a validated Library; every problem is one Diagnostic."""

from __future__ import annotations

import re
from pathlib import Path

from handouts.content import model, style as handouts_style
from handouts.content.artwork import check_view
from handouts.content.contentfiles import chain, find_content, language_codes
from handouts.content.loadfiles import ContentFiles
from handouts.content.loadlanguage import LanguageLoader, TranslationFile
from handouts.content.registrycheck import check_clinic, check_registry
from handouts.content.schema import suggest
from handouts.errors import Diagnostics, Mark
from handouts.records import MutableRecord, record

# BCP 47: a language, its subtags, and optionally private-use subtags (ja-x-easy: easy Japanese).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*(-x(-[A-Za-z0-9]{1,8})+)?$")


@record(eq=False, repr=False)
class Loaded(MutableRecord):
    """The outcome of loading: the library (None when errors), diagnostics and translation states.

    `partial` is what loaded despite errors elsewhere (None if the shared files or the source
    language's own files are broken): a build makes from it the documents whose input files
    (see `contentfiles.input_group`) have no errors.
    """

    library: model.Library | None
    diagnostics: Diagnostics
    translations: list[TranslationFile]
    partial: model.Library | None = None


def load(root: Path) -> Loaded:
    """Read and validate everything under `root`; never raises for content problems."""
    from handouts.content import loadcache

    root = find_content(root)
    key = loadcache.key(root)  # a load without errors is kept on disk (loadcache.py)
    if key is not None:
        loaded = loadcache.recall(root, key)
        if loaded is not None:
            return loaded
    loader = _Loader(root)
    library = loader.run()
    if library is None and not loader.diags.errors:
        # Every way of failing reports why; this only keeps `check` from passing if one does not.
        loader.diags.error(
            Mark(str(root)),
            "the content could not be loaded",
            "run with --debug and report this as a bug",
        )
    loaded = Loaded(
        library if not loader.diags.errors else None,
        loader.diags,
        loader.translations,
        partial=library,
    )
    if key is not None:
        loadcache.remember(root, key, loaded)
    return loaded


def load_library(root: Path) -> tuple[model.Library, Diagnostics]:
    """Load, raising ContentError if anything is wrong; warnings are returned."""
    loaded = load(root)
    loaded.diagnostics.raise_if_errors()
    assert loaded.library is not None  # loaded without errors
    return loaded.library, loaded.diagnostics


class _Loader:
    """The whole library: shared files and checks, then each language (loadlanguage)."""

    def __init__(self, root: Path):
        self.root = root
        self.diags = Diagnostics()
        self.files = ContentFiles(root, self.diags)
        self.languages = LanguageLoader(self.files)

    @property
    def translations(self) -> list[TranslationFile]:
        return self.languages.translations

    def run(self) -> model.Library | None:
        settings = self.files.required("handouts.yaml", model.Settings)
        clinic = self.files.required("clinic.yaml", model.ClinicData)
        registry = self.files.required("points.yaml", model.Registry)
        check_clinic(clinic, self.root, self.diags)
        views = {p.stem: p for p in sorted((self.root / "diagrams").glob("*.svg"))}
        self.languages.styles = handouts_style.load(self.root, self.diags)
        sizes = {name: check_view(path, self.diags) for name, path in views.items()}
        aliases = check_registry(self.files, registry, sizes) if registry else {}
        codes = self.check_language_codes()
        if settings is None or registry is None:
            return None
        source = str(settings.source_language)
        if source not in codes:
            self.diags.error(
                settings.source_language.mark,
                f"source language '{source}' has no folder {self.root / source}",
            )
            return None
        self.languages.source = source
        languages = {}
        source_lang = self.languages.load_language(source, None, registry.points, aliases)
        if source_lang is None:
            return None
        languages[source] = source_lang
        # A translation loads after the language it is made from (ja before ja-x-easy).
        parents = self.parents(source, [code for code in codes if code != source])
        for code in sorted(parents, key=lambda c: (len(chain(c, parents)), c)):
            if parents[code] not in languages:  # its parent failed: it reports why
                continue
            lang = self.languages.load_language(code, parents[code], registry.points, aliases)
            if lang is not None:
                languages[code] = lang
        if clinic is None:
            return None
        return model.Library(
            self.root,
            settings,
            clinic,
            registry.points,
            aliases,
            languages,
            views,
            self.languages.styles,
        )

    def check_language_codes(self) -> list[str]:
        codes = []
        for code in language_codes(self.root):
            if not LANGUAGE_CODE.match(code):
                self.diags.error(
                    Mark(str(self.root / code)),
                    f"'{code}' is not a language code",
                    "language folders are named by BCP 47 codes such as en or ja",
                )
                continue
            codes.append(code)
        return codes

    def parents(self, source: str, codes: list[str]) -> dict[str, str]:
        """The language each translation is made from: its language.yaml source_language, else
        the source language. A parent that does not exist, or a loop, is an error."""
        parents = {}
        for code in codes:
            style = self.languages.style(code)
            named = style.source_language if style is not None else None
            parents[code] = source
            if named is None or named == source:
                continue
            if named == code or named not in codes:
                known = [c for c in codes if c != code] + [source]
                self.diags.error(
                    named.mark,
                    f"source_language: '{named}' is not another language of this content",
                    suggest(named, known) or f"one of {', '.join(sorted(known))}",
                )
                continue
            parents[code] = str(named)
        for code in codes:  # ja-x-easy -> ja -> ja-x-easy: no source at all
            seen, at = [code], parents[code]
            while at != source and at not in seen:
                seen.append(at)
                at = parents[at]
            if at != source:
                style = self.languages.style(code)
                assert style is not None and style.source_language is not None
                self.diags.error(
                    style.source_language.mark,
                    f"source_language: {' -> '.join([*seen, at])} is a loop",
                    f"one of them must be translated from {source}",
                )
                parents[code] = source
        return parents
