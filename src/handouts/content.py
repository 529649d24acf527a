"""Load the content folder into a validated Library; every problem is one Diagnostic."""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts import model, style as handouts_style
from handouts.artwork import check_view
from handouts.errors import Diagnostics, HandoutsError, Mark
from handouts.fontfiles import font_families
from handouts.furigana import ANALYSERS
from handouts.schema import build, convert, replace, suggest, suggest_code, where
from handouts.translation import TRANSLATED_FROM, source_hash
from handouts.yamlsrc import Map, Text, load_yaml

# BCP 47: a language, its subtags, and optionally private-use subtags (ja-x-easy: easy Japanese).
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*(-x(-[A-Za-z0-9]{1,8})+)?$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NOT_LANGUAGES = {"diagrams"}
CONDITIONS = "conditions"           # <lang>/conditions/<slug>.yaml
READINGS = "readings.yaml"          # <lang>/readings.yaml: furigana readings by word (optional)

# Placeholders each label may use; anything else in braces is a content error.
LABEL_FIELDS = {
    "aftercare_condition": {"title"}, "page": {"page", "pages"}, "reviewed": {"version", "date"},
    "phone_line": {"phone"},
    "email_subject_handout": {"title", "clinic"}, "email_subject_aftercare": {"clinic", "title"},
    "email_greeting": {"patient"}, "email_body_handout": {"title", "clinic"},
    "email_body_aftercare": {"title", "clinic"},
    "aftercare_title": {"title", "condition"}, "clinic_with_reading": {"name", "reading"},
    "patient_name": {"patient"}, "attachment_name": {"title", "document"},
    "calendar_summary": {"clinic"}, "continued": {"heading"}, "other_point": {"name", "code"},
}
# Placeholders a label must use: a sheet never drops the patient's name or the clinic's.
LABEL_REQUIRED = {"patient_name": {"patient"}, "clinic_with_reading": {"name"},
                  "continued": {"heading"}, "other_point": {"name", "code"}}
# Date patterns (CLDR) and the fields each must show: a date nobody can misread.
DATE_PATTERNS = {"date_format": ("y", "ML", "d"),
                 "next_visit_format": ("y", "ML", "d", "HhKk", "m")}

@dataclass
class TranslationFile:
    """One translated file and how it relates to its source."""

    lang: str
    piece: str                      # e.g. "ui.yaml", "conditions/sciatica.yaml"
    path: Path
    exists: bool
    recorded_hash: str | None = None
    source_hash: str | None = None
    missing_keys: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if not self.exists:
            return "missing"
        if self.missing_keys:
            return "partial"
        if self.recorded_hash != self.source_hash:
            return "stale"
        return "ok"


@dataclass
class Loaded:
    """The outcome of loading: the library (None when errors), diagnostics and translation states.

    `partial` is what loaded despite errors elsewhere (None if the shared files or the source
    language's own files are broken): a build makes from it the documents whose input files
    (see `input_group`) have no errors.
    """

    library: model.Library | None
    diagnostics: Diagnostics
    translations: list[TranslationFile]
    partial: model.Library | None = None


def find_content(root: Path) -> Path:
    if not (root / "handouts.yaml").is_file():
        raise HandoutsError(
            f"no content found in '{root}' (expected {root / 'handouts.yaml'}); "
            "run from the repository root or pass --content DIR")
    return root


def load(root: Path) -> Loaded:
    """Read and validate everything under `root`; never raises for content problems."""
    root = find_content(root)
    loader = _Loader(root)
    library = loader.run()
    if library is None and not loader.diags.errors:
        # Every way of failing reports why; this only keeps `check` from passing if one does not.
        loader.diags.error(Mark(str(root)), "the content could not be loaded",
                           "run with --debug and report this as a bug")
    return Loaded(library if not loader.diags.errors else None, loader.diags, loader.translations,
                  partial=library)


def load_library(root: Path) -> tuple[model.Library, Diagnostics]:
    """Load, raising ContentError if anything is wrong; warnings are returned."""
    loaded = load(root)
    loaded.diagnostics.raise_if_errors()
    assert loaded.library is not None           # loaded without errors
    return loaded.library, loaded.diagnostics


# -- which files exist, and which documents each goes into (shared with incremental builds) ------
def language_folders(root: Path) -> list[Path]:
    """Every folder of `root` that holds a language (even one misnamed: loading reports it)."""
    return [entry for entry in sorted(root.iterdir()) if entry.is_dir()
            and entry.name not in NOT_LANGUAGES and not entry.name.startswith(".")]


def condition_slugs(root: Path, code: str) -> list[str]:
    folder = root / code / CONDITIONS
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def input_group(root: Path, relative: str) -> tuple[str, str] | None:
    """Which documents a file of the content tree (path relative to `root`, '/'-separated) goes
    into: ("", "") every document (settings, registry, diagrams, anything outside languages);
    (lang, "") every document in that language (a language folder but for its conditions);
    (lang, slug) the documents of one condition in that language (its conditions/<slug>.yaml).
    A translation also uses its source language's groups (see `document_groups`). Hidden files
    (editor backups, .DS_Store) go into nothing: None."""
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts):
        return None
    head = parts[0]
    if head in NOT_LANGUAGES or not (root / head).is_dir():
        return "", ""
    if len(parts) == 3 and parts[1] == CONDITIONS and parts[2].endswith(".yaml"):
        return head, parts[2][:-len(".yaml")]
    return head, ""


def document_groups(langs, slug: str) -> list[tuple[str, str]]:
    """The input groups one document is made from: its languages (a translation with every
    language it falls back to, a bilingual document with both) and the shared files."""
    return sorted({("", "")} | {(lang, "") for lang in langs} | {(lang, slug) for lang in langs})


def quick_languages(root: Path, source: str, languages) -> tuple[dict[str, str], frozenset]:
    """Each translation's source language (language.yaml source_language, else `source`) and
    the languages --furigana adds furigana to (not those that always have them), read without
    the full load (incremental builds
    decide from this alone); whatever is wrong there, the full load reports."""
    import yaml

    parents, furigana = {}, set()
    for code in languages:
        try:
            data = yaml.load((root / code / "language.yaml").read_text(encoding="utf-8"),
                             Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, ValueError, yaml.YAMLError, RecursionError):
            data = None
        data = data if isinstance(data, dict) else {}
        setting = data.get("furigana")
        if isinstance(setting, dict) and not setting.get("always"):
            furigana.add(code)
        if code == source:
            continue
        named = data.get("source_language")
        parents[code] = named if isinstance(named, str) and named in languages and named != code \
            else source
    return parents, frozenset(furigana)


def chain(lang: str, parents: dict[str, str]) -> list[str]:
    """`lang` and every language it falls back to, nearest first."""
    found = [lang]
    while found[-1] in parents and parents[found[-1]] not in found:
        found.append(parents[found[-1]])
    return found


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.diags = Diagnostics()
        self.translations: list[TranslationFile] = []
        self._raw: dict[Path, Any] = {}
        self.source_points: dict[str, list[str]] = {}   # slug -> codes, from the source language
        self.source = ""                                 # handouts.yaml source_language
        # (lang, file) -> the file's data with what it lacks filled in from its source: what a
        # translation made from it (ja-x-easy from ja) is compared with and falls back to.
        self.merged: dict[tuple[str, str], Any] = {}   # Map, or a merged model.Readings
        self.language_styles: dict[str, model.LanguageStyle | None] = {}
        self.styles: handouts_style.StyleSheet | None = None   # content/styles.yaml, once loaded

    # -- reading ---------------------------------------------------------------------------
    def raw(self, path: Path) -> Any:
        """Parsed YAML of one file (cached), or None if it is broken."""
        if path not in self._raw:
            data = load_yaml(path, self.diags)
            if data is not None and not isinstance(data, Map):
                self.diags.error(getattr(data, "mark", None) or Mark(str(path)),
                                 "expected a mapping of keys at the top of the file")
                data = None
            self._raw[path] = data
        return self._raw[path]

    def build_file(self, path: Path, cls: type, what: str) -> Any:
        data = self.raw(path)
        return None if data is None else build(cls, data, data.mark, self.diags, what)

    def required(self, name: str, cls: type) -> Any:
        path = self.root / name
        if not _present(path):
            self.diags.error(Mark(str(path)), f"missing file {name}")
            return None
        return self.build_file(path, cls, name)

    # -- the whole library ------------------------------------------------------------------
    def run(self) -> model.Library | None:
        settings = self.required("handouts.yaml", model.Settings)
        clinic = self.required("clinic.yaml", model.ClinicData)
        registry = self.required("points.yaml", model.Registry)
        if clinic and not EMAIL.match(clinic.email):
            self.diags.error(clinic.email.mark, f"'{clinic.email}' is not an email address")
        if clinic and clinic.timezone is not None and not _is_timezone(clinic.timezone):
            self.diags.error(clinic.timezone.mark, f"'{clinic.timezone}' is not a time zone",
                             "an IANA name such as Asia/Tokyo or Europe/London")
        if clinic and not 5 <= clinic.visit_minutes <= 600:
            self.diags.error(Mark(str(self.root / "clinic.yaml")),
                             f"visit_minutes: {clinic.visit_minutes} is not a visit length",
                             "minutes, e.g. 60")
        views = {p.stem: p for p in sorted((self.root / "diagrams").glob("*.svg"))}
        self.styles = handouts_style.load(self.root, self.diags)
        sizes = {name: check_view(path, self.diags) for name, path in views.items()}
        aliases = self.check_registry(registry, sizes) if registry else {}
        codes = self.language_codes()
        if settings is None or registry is None:
            return None
        source = str(settings.source_language)
        if source not in codes:
            self.diags.error(settings.source_language.mark,
                             f"source language '{source}' has no folder {self.root / source}")
            return None
        self.source = source
        languages = {}
        source_lang = self.load_language(source, None, registry.points, aliases)
        if source_lang is None:
            return None
        languages[source] = source_lang
        # A translation loads after the language it is made from (ja before ja-x-easy).
        parents = self.parents(source, [code for code in codes if code != source])
        for code in sorted(parents, key=lambda c: (_depth(c, parents), c)):
            if parents[code] not in languages:      # its parent failed: it reports why
                continue
            lang = self.load_language(code, parents[code], registry.points, aliases)
            if lang is not None:
                languages[code] = lang
        if clinic is None:
            return None
        return model.Library(self.root, settings, clinic, registry.points, aliases, languages, views,
                             self.styles)

    def language_codes(self) -> list[str]:
        codes = []
        for entry in language_folders(self.root):
            if not LANGUAGE_CODE.match(entry.name):
                self.diags.error(Mark(str(entry)), f"'{entry.name}' is not a language code",
                                 "language folders are named by BCP 47 codes such as en or ja")
                continue
            codes.append(entry.name)
        return codes

    def check_registry(self, registry: model.Registry,
                       views: dict[str, tuple[float, float] | None]) -> dict[str, str]:
        data = self.raw(self.root / "points.yaml")["points"]
        aliases: dict[str, str] = {}
        for code, entry in registry.points.items():
            mark = data.key_marks[code]
            if code != code.upper():
                self.diags.error(mark, f"point code '{code}' must be upper case",
                                 f"write {code.upper()}")
            for alias in entry.aliases:
                alias_key = alias.upper()
                if alias_key in registry.points or alias_key in aliases:
                    self.diags.error(alias.mark, f"alias '{alias}' is already a code or alias")
                aliases[alias_key] = code
            if entry.view is not None:
                if entry.view not in views:
                    self.diags.error(entry.view.mark, f"point {code}: no diagram view '{entry.view}'",
                                     suggest(entry.view, views) or
                                     f"views are the SVG files in {self.root / 'diagrams'}")
                if entry.x is None or entry.y is None:
                    self.diags.error(mark, f"point {code} has a view but no x and y position")
                elif size := views.get(entry.view):
                    self.check_position(code, entry, size)
        return aliases

    def check_position(self, code: str, entry: model.PointEntry, size: tuple[float, float]):
        """A point outside its view's drawing would be marked off the body, or off the page."""
        for axis, value, limit in (("x", entry.x, size[0]), ("y", entry.y, size[1])):
            if value is not None and value > limit:
                self.diags.error(where(entry, axis),
                                 f"point {code}: {axis} {value:g} is outside view "
                                 f"'{entry.view}' (0 to {limit:g})",
                                 "positions are in the view's SVG units (docs/diagrams.md)")

    # -- one language -------------------------------------------------------------------------
    def piece(self, code: str, source: str | None, relative: str, cls: type) -> Any:
        """Load one per-language file; a translation falls back to the source where it lacks."""
        path = self.root / code / relative
        if source is None:
            if not _present(path):
                self.diags.error(Mark(str(path)), f"missing file {code}/{relative}")
                return None
            data = self.raw(path)
            if data is not None:
                self.merged[(code, relative)] = data
            return None if data is None else convert(cls, data, data.mark, self.diags, relative)
        source_path = self.root / source / relative
        source_data = self.merged.get((source, relative))
        if source_data is None:
            return None
        record = TranslationFile(code, relative, path, _present(path),
                                 source_hash=source_hash(source_data))
        self.translations.append(record)
        if not record.exists:
            self.diags.warning(Mark(str(path)), f"no {code} translation of {source}/{relative}; "
                                                f"using the {source} text",
                               f"translate {source_path} into {path}")
            self.merged[(code, relative)] = source_data
            return convert(cls, source_data, source_data.mark, self.diags, relative)
        data = self.raw(path)
        if data is None:
            return None
        recorded = data.get(TRANSLATED_FROM)
        record.recorded_hash = str(recorded) if recorded is not None else None
        merged = Map(data)
        merged.mark, merged.key_marks = data.mark, dict(data.key_marks)
        merged.value_marks = dict(data.value_marks)
        merged.pop(TRANSLATED_FROM, None)
        for key, value in source_data.items():
            if key not in merged and key != TRANSLATED_FROM:
                record.missing_keys.append(key)
                merged[key] = value
                merged.key_marks[key] = source_data.key_marks[key]
                merged.value_marks[key] = source_data.value_marks[key]
        if record.missing_keys:
            self.diags.warning(data.mark, f"{code}/{relative} lacks {', '.join(record.missing_keys)}; "
                                          f"using the {source} text",
                               f"translate them from {source_path}")
        elif record.recorded_hash is None:
            self.diags.warning(data.mark, f"{code}/{relative} does not record which {source} "
                                          f"text it was translated from",
                               f"if it is up to date, run: handouts mark-translated {path}")
        elif record.recorded_hash != record.source_hash:
            self.diags.warning(data.value_marks[TRANSLATED_FROM],
                               f"{code}/{relative} is stale: {source}/{relative} "
                               "changed since it was translated",
                               f"update it, then run: handouts mark-translated {path}")
        self.merged[(code, relative)] = merged
        return convert(cls, merged, merged.mark, self.diags, relative)

    def style(self, code: str) -> model.LanguageStyle | None:
        """A language's language.yaml (read once; its problems reported once)."""
        if code not in self.language_styles:
            style_path = self.root / code / "language.yaml"
            style = None
            if _present(style_path):
                style = self.build_file(style_path, model.LanguageStyle, "language.yaml")
            else:
                self.diags.error(Mark(str(style_path)), f"missing file {code}/language.yaml",
                                 "copy it from another language and set the font and line "
                                 "breaking")
            if style is not None:
                self.check_style(style)
            self.language_styles[code] = style
        return self.language_styles[code]

    def parents(self, source: str, codes: list[str]) -> dict[str, str]:
        """The language each translation is made from: its language.yaml source_language, else
        the source language. A parent that does not exist, or a loop, is an error."""
        parents = {}
        for code in codes:
            style = self.style(code)
            named = style.source_language if style is not None else None
            parents[code] = source
            if named is None or named == source:
                continue
            if named == code or named not in codes:
                known = [c for c in codes if c != code] + [source]
                self.diags.error(named.mark, f"source_language: '{named}' is not another "
                                             "language of this content",
                                 suggest(named, known) or f"one of {', '.join(sorted(known))}")
                continue
            parents[code] = str(named)
        for code in codes:                      # ja-x-easy -> ja -> ja-x-easy: no source at all
            seen, at = [code], parents[code]
            while at != source and at not in seen:
                seen.append(at)
                at = parents[at]
            if at != source:
                style = self.style(code)
                assert style is not None and style.source_language is not None
                self.diags.error(style.source_language.mark,
                                 f"source_language: {' -> '.join([*seen, at])} is a loop",
                                 f"one of them must be translated from {source}")
                parents[code] = source
        return parents

    def load_language(self, code: str, source: str | None, registry: dict, aliases: dict):
        style = self.style(code)
        clinic = self.piece(code, source, "clinic.yaml", model.ClinicText)
        labels = self.piece(code, source, "ui.yaml", model.Labels)
        aftercare = self.piece(code, source, "aftercare.yaml", model.Aftercare)
        points = self.point_texts(code, source, registry)
        conditions = self.conditions(code, source, registry, aliases)
        if labels is not None:
            self.check_labels(labels)
        for condition in (conditions or {}).values():
            for point in condition.points if points is not None else ():
                if point.code not in points:
                    self.diags.error(point.code.mark, f"point {point.code} has no text in "
                                     f"{code}/points.yaml", "add its name, location and use")
            used_views = {registry[p.code].view for p in condition.points} - {None}
            for view in sorted(used_views - set(labels.views if labels else used_views)):
                self.diags.error(where(labels, "views") or Mark(str(self.root / code / "ui.yaml")),
                                 f"views: no caption for view '{view}'",
                                 f"add it under views: in {code}/ui.yaml")
        readings = self.readings(code, source)
        parts = (style, clinic, labels, aftercare, points, conditions, readings)
        if any(part is None for part in parts):
            return None
        return model.Language(code, style, clinic, labels, points, aftercare,  # type: ignore[arg-type]
                              conditions, source=source,
                              readings=readings)  # type: ignore[arg-type]  # none is None

    def readings(self, code: str, source: str | None) -> model.Readings | None:
        """Furigana readings: the language's own readings.yaml (optional, not a translation)
        over those of the language it is made from. `furigana.check_readings` checks them."""
        inherited = self.merged.get((source, READINGS)) if source else None
        words = dict(inherited.words) if inherited else {}
        counters = dict(inherited.counters) if inherited else {}
        dates = inherited.dates if inherited else model.DateReadings()
        path = self.root / code / READINGS
        if _present(path):
            own = self.build_file(path, model.Readings, READINGS)
            if own is None:
                return None
            words.update(own.words)
            counters.update(own.counters)
            dates = model.DateReadings(*({**old, **new} for old, new in zip(
                (dates.months, dates.days, dates.weekdays),
                (own.dates.months, own.dates.days, own.dates.weekdays))))
        readings = model.Readings(words, counters, dates)
        self.merged[(code, READINGS)] = readings
        return readings

    def check_style(self, style: model.LanguageStyle) -> None:
        families = font_families()
        if style.font not in families:
            self.diags.error(style.font.mark, f"unknown font family '{style.font}'",
                             suggest(style.font, families) or f"known: {', '.join(families)}")
        if style.furigana is not None and style.furigana.analyser not in ANALYSERS:
            self.diags.error(style.furigana.analyser.mark,
                             f"unknown analyser '{style.furigana.analyser}'",
                             f"known: {', '.join(ANALYSERS)}")
        breaking = style.line_breaking
        if breaking.phrases is not None and breaking.phrases not in ANALYSERS:
            self.diags.error(breaking.phrases.mark, f"unknown analyser '{breaking.phrases}'",
                             f"known: {', '.join(ANALYSERS)}")
        for run in breaking.keep_together:
            try:
                re.compile(str(run))
            except re.error as error:
                self.diags.error(run.mark, f"not a regular expression: {error}",
                                 "e.g. \"[ァ-ヺー]+\" (a run of katakana)")
        if self.styles is not None and style.style is not None:
            handouts_style.check_language_style(self.styles, str(style.style), style.style.mark,
                                                self.diags)

    def check_labels(self, labels: model.Labels) -> None:
        """Labels the program fills in: only their own placeholders, written plainly (a format
        such as {page:>1000000000} would make the program build a gigabyte of spaces)."""
        for name, allowed in LABEL_FIELDS.items():
            text = getattr(labels, name)
            try:
                fields = [(f, spec, conversion) for _, f, spec, conversion
                          in string.Formatter().parse(text) if f is not None]
            except ValueError as exc:
                self.diags.error(text.mark, f"{name}: {exc}", "write a literal brace as {{ or }}")
                continue
            used = {f for f, _, _ in fields}
            for field_name, spec, conversion in fields:
                if spec or conversion:
                    written = ("{" + field_name + (f"!{conversion}" if conversion else "")
                               + (f":{spec}" if spec else "") + "}")
                    shown = written if len(written) <= 40 else written[:37] + "...}"
                    at = text.find(written)
                    self.diags.error(text.mark_of(at) if at >= 0 else text.mark,
                                     f"{name}: the placeholder {shown} has a format",
                                     f"write just {{{field_name}}}: the program formats it")
            for unknown in sorted(used - allowed):
                self.diags.error(text.mark, f"{name}: unknown placeholder {{{unknown}}}",
                                 f"allowed here: {', '.join('{' + a + '}' for a in sorted(allowed))}")
            for missing in sorted(LABEL_REQUIRED.get(name, set()) - used):
                self.diags.error(text.mark, f"{name}: the placeholder {{{missing}}} is missing",
                                 f"write {{{missing}}} where it goes, e.g. {model_doc(name)}")
        for name, needed in DATE_PATTERNS.items():
            text = getattr(labels, name)
            problem = _date_pattern_problem(text, needed)
            if problem:
                self.diags.error(text.mark, f"{name}: {problem}",
                                 f"a CLDR pattern such as {model_doc(name)}; quote literal "
                                 "Latin letters, e.g. 'at'")

    def point_texts(self, code: str, source: str | None, registry: dict):
        texts = self.piece(code, source, "points.yaml", dict[str, model.PointText])
        if texts is None:
            return None
        data = self.raw(self.root / (source or code) / "points.yaml")
        own = self.raw(self.root / code / "points.yaml") or data
        for point_code in texts:
            if point_code not in registry:
                mark = (own.key_marks.get(point_code) if own else None) or Mark(str(self.root))
                self.diags.error(mark, f"unknown point code '{point_code}'",
                                 suggest(point_code, registry) or "add it to content/points.yaml")
        return texts

    def conditions(self, code: str, source: str | None, registry: dict, aliases: dict):
        folder = self.root / code / CONDITIONS
        if _present(folder) and not folder.is_dir():
            self.diags.error(Mark(str(folder)), "conditions is not a folder",
                             "conditions/ holds one <slug>.yaml file per condition")
        own_slugs = condition_slugs(self.root, code)
        if source is None:
            slugs = own_slugs
            if not slugs:
                self.diags.error(Mark(str(folder)), "no conditions found",
                                 "add conditions/<slug>.yaml files")
        else:
            # Every language has the source language's conditions (a translation of a
            # translation too: what it lacks comes from the language it is made from).
            source_folder = self.root / self.source / CONDITIONS
            slugs = condition_slugs(self.root, self.source)
            for extra in sorted(set(own_slugs) - set(slugs)):
                self.diags.error(Mark(str(folder / f"{extra}.yaml")),
                                 f"condition '{extra}' has no {self.source} source file",
                                 suggest(extra, slugs) or f"add {source_folder / (extra + '.yaml')}")
        result = {}
        for slug in slugs:
            if not SLUG.match(slug):
                self.diags.error(Mark(str(folder / f"{slug}.yaml")),
                                 f"'{slug}' is not a valid condition name",
                                 "use lower-case words joined by hyphens, e.g. leg-pain")
                continue
            condition = self.piece(code, source, f"conditions/{slug}.yaml", model.Condition)
            if condition is None:
                continue
            result[slug] = self.resolve_points(condition, registry, aliases, code, slug)
        return result       # without the broken ones: their errors fail only their documents

    def resolve_points(self, condition, registry, aliases, code, slug):
        """Replace aliases by WHO codes; unknown codes are errors with a hint."""
        resolved = []
        for point in condition.points:
            key = point.code.strip().upper()
            canonical = key if key in registry else aliases.get(key)
            if canonical is None:
                hint = suggest_code(key, registry, aliases)
                self.diags.error(point.code.mark, f"unknown point code '{point.code}'",
                                 hint or "known codes: " + ", ".join(sorted(registry)))
                continue
            if canonical != point.code:
                point = replace(point, code=_retext(point.code, canonical))
            if registry[canonical].view is None:
                self.diags.error(point.code.mark,
                                 f"point {canonical} has no diagram position in content/points.yaml",
                                 "add view, x and y to the registry entry")
            resolved.append(point)
        codes = [p.code for p in resolved]
        place = (condition.points[0].code if condition.points else condition.title).mark
        if len(set(codes)) != len(codes):
            self.diags.error(place, f"{slug}: a point is listed twice")
        source_codes = self.source_points.get(slug)
        if source_codes is not None and codes != source_codes and len(resolved) == len(condition.points):
            self.diags.error(place,
                             f"{code}/conditions/{slug}.yaml lists points {', '.join(codes)}; "
                             f"the source lists {', '.join(source_codes)}",
                             "a translation uses the same points, in the same order")
        if source_codes is None:
            self.source_points[slug] = codes
        return replace(condition, points=resolved)


def _depth(code: str, parents: dict[str, str]) -> int:
    """How many translations away from the source language (ja: 1, ja-x-easy: 2)."""
    depth, seen = 1, {code}
    while parents.get(code) in parents and parents[code] not in seen:
        code = parents[code]
        seen.add(code)
        depth += 1
    return depth


def _present(path: Path) -> bool:
    """Something stands at `path` (a file, a folder, even a broken link): reading it says what."""
    return os.path.lexists(path)


def model_doc(label: str) -> str:
    """The documented example of a label (model.Labels), for hints."""
    import dataclasses

    doc = next(f.metadata["doc"] for f in dataclasses.fields(model.Labels) if f.name == label)
    return doc.split("e.g. ", 1)[-1]


def _is_timezone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# Date field letters of CLDR patterns (Unicode TR 35, "Date Field Symbol Table") that babel
# formats; other Latin letters must be quoted ('at') or they are printed as they are.
CLDR_DATE_LETTERS = frozenset("GyYuQqMLwWdDFgEecabBhHKkmsSAzZOvVXx")


def _date_pattern_problem(text: str, needed: tuple[str, ...]) -> str | None:
    """What is wrong with a CLDR date pattern (unknown letters, a missing field), or None.
    (Read here without babel: loading content must stay quick.)"""
    unquoted = "".join(part for index, part in enumerate(text.split("'")) if index % 2 == 0)
    letters = {c for c in unquoted if c.isascii() and c.isalpha()}
    unknown = sorted(letters - CLDR_DATE_LETTERS)
    if unknown:
        return f"'{text}' uses unknown pattern letters {', '.join(unknown)}"
    missing = [group[0] for group in needed if not letters & set(group)]
    if missing:
        return f"'{text}' does not show {', '.join(missing)} (year y, month M, day d, hour H, minute m)"
    return None


def _retext(original: Text, value: str) -> Text:
    """A replacement value that keeps the original's place in the file."""
    text = Text(value)
    text.__dict__.update(original.__dict__)
    return text
