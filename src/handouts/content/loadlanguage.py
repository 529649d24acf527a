"""Loading one language: its files, each translation merged over the language it is made from
(what it lacks taken from there, marked as such), its translation state per key, its points
and conditions."""

from __future__ import annotations

import re
from dataclasses import field
from pathlib import Path
from typing import Any

from handouts.content import model, style as handouts_style
from handouts.content.contentfiles import CONDITIONS, condition_slugs
from handouts.content.languagecheck import check_labels, check_style
from handouts.content.loadfiles import ContentFiles, present
from handouts.content.schema import convert, replace, suggest, suggest_code, where
from handouts.content.translation import (
    TRANSLATED_FROM,
    key_hashes,
    key_mark,
    recorded_keys,
    source_hash,
)
from handouts.content.yamlsrc import Map, Text, as_fallback
from handouts.errors import Mark
from handouts.records import MutableRecord, record

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
READINGS = "readings.yaml"  # <lang>/readings.yaml: furigana readings by word (optional)


@record(eq=False, repr=False)
class TranslationFile(MutableRecord):
    """One translated file and how it relates to its source."""

    lang: str
    piece: str  # e.g. "ui.yaml", "conditions/sciatica.yaml"
    path: Path
    exists: bool
    recorded_hash: str | None = None  # an older file's one hash of its whole source
    source_hash: str | None = None
    missing_keys: list[str] = field(default_factory=list)
    key_hashes: dict[str, str] = field(default_factory=dict)  # the source's, by key
    stale_keys: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if not self.exists:
            return "missing"
        if self.missing_keys:
            return "partial"
        if self.stale_keys or (
            self.recorded_hash is not None and self.recorded_hash != self.source_hash
        ):
            return "stale"
        return "ok"


class LanguageLoader:
    """Loads languages one by one, the source language first, each translation after the
    language it is made from."""

    def __init__(self, files: ContentFiles, source: str = ""):
        self.files = files
        self.root = files.root
        self.diags = files.diags
        self.translations: list[TranslationFile] = []
        self.source_points: dict[str, list[str]] = {}  # slug -> codes, from the source language
        self.source = source  # handouts.yaml source_language
        # (lang, file) -> the file's data with what it lacks filled in from its source: what a
        # translation made from it (ja-x-easy from ja) is compared with and falls back to.
        self.merged: dict[tuple[str, str], Any] = {}  # Map, or a merged model.Readings
        self.language_styles: dict[str, model.LanguageStyle | None] = {}
        self.styles: handouts_style.StyleSheet | None = None  # content/styles.yaml, once loaded

    def load_language(self, code: str, source: str | None, registry: dict, aliases: dict):
        style = self.style(code)
        clinic = self.piece(code, source, "clinic.yaml", model.ClinicText)
        labels = self.piece(code, source, "ui.yaml", model.Labels)
        aftercare = self.piece(code, source, "aftercare.yaml", model.Aftercare)
        points = self.point_texts(code, source, registry)
        conditions = self.conditions(code, source, registry, aliases)
        if labels is not None:
            check_labels(labels, self.diags)
        for condition in (conditions or {}).values():
            for point in condition.points if points is not None else ():
                if point.code not in points:
                    self.diags.error(
                        point.code.mark,
                        f"point {point.code} has no text in {code}/points.yaml",
                        "add its name, location and use",
                    )
            used_views = {registry[p.code].view for p in condition.points} - {None}
            for view in sorted(used_views - set(labels.views if labels else used_views)):
                self.diags.error(
                    where(labels, "views") or Mark(str(self.root / code / "ui.yaml")),
                    f"views: no caption for view '{view}'",
                    f"add it under views: in {code}/ui.yaml",
                )
        readings = self.readings(code, source)
        parts = (style, clinic, labels, aftercare, points, conditions, readings)
        if any(part is None for part in parts):
            return None
        # None of the parts is None (checked above).
        return model.Language(
            code,
            style,  # type: ignore[arg-type]
            clinic,
            labels,
            points,
            aftercare,
            conditions,
            source=source,
            readings=readings,  # type: ignore[arg-type]
        )

    def style(self, code: str) -> model.LanguageStyle | None:
        """A language's language.yaml (read once; its problems reported once)."""
        if code not in self.language_styles:
            style_path = self.root / code / "language.yaml"
            style = None
            if present(style_path):
                style = self.files.build_file(style_path, model.LanguageStyle, "language.yaml")
            else:
                self.diags.error(
                    Mark(str(style_path)),
                    f"missing file {code}/language.yaml",
                    "copy it from another language and set the font and line breaking",
                )
            if style is not None:
                check_style(style, self.styles, self.diags)
            self.language_styles[code] = style
        return self.language_styles[code]

    def piece(self, code: str, source: str | None, relative: str, cls: type) -> Any:
        """Load one per-language file; a translation falls back to the source where it lacks."""
        path = self.root / code / relative
        if source is None:
            if not present(path):
                self.diags.error(Mark(str(path)), f"missing file {code}/{relative}")
                return None
            data = self.files.raw(path)
            if data is not None:
                self.merged[(code, relative)] = data
            return None if data is None else convert(cls, data, data.mark, self.diags, relative)
        source_path = self.root / source / relative
        source_data = self.merged.get((source, relative))
        if source_data is None:
            return None
        record = TranslationFile(
            code,
            relative,
            path,
            present(path),
            source_hash=source_hash(source_data),
            key_hashes=key_hashes(source_data),
        )
        self.translations.append(record)
        if not record.exists:
            self.diags.warning(
                Mark(str(path)),
                f"no {code} translation of {source}/{relative}; using the {source} text",
                f"translate {source_path} into {path}",
            )
            fallback = as_fallback(source_data, source)
            self.merged[(code, relative)] = fallback
            return convert(cls, fallback, fallback.mark, self.diags, relative)
        data = self.files.raw(path)
        if data is None:
            return None
        recorded = data.get(TRANSLATED_FROM)
        keys = recorded_keys(recorded)
        record.recorded_hash = str(recorded) if recorded is not None and keys is None else None
        merged = Map(data)
        merged.mark, merged.key_marks = data.mark, dict(data.key_marks)
        merged.value_marks = dict(data.value_marks)
        merged.pop(TRANSLATED_FROM, None)
        for key, value in source_data.items():
            if key not in merged and key != TRANSLATED_FROM:
                record.missing_keys.append(key)
                merged[key] = as_fallback(value, source)
                merged.key_marks[key] = source_data.key_marks[key]
                merged.value_marks[key] = source_data.value_marks[key]
        if record.missing_keys:
            self.diags.warning(
                data.mark,
                f"{code}/{relative} lacks {', '.join(record.missing_keys)}; "
                f"using the {source} text",
                f"translate them from {source_path}",
            )
        if keys is not None:
            self.stale_keys(record, data, keys, source)
        elif record.recorded_hash is None and not record.missing_keys:
            self.diags.warning(
                data.mark,
                f"{code}/{relative} does not record which {source} text it was translated from",
                f"if it is up to date, run: handouts mark-translated {path}",
            )
        elif record.recorded_hash != record.source_hash and not record.missing_keys:
            self.diags.warning(
                data.value_marks[TRANSLATED_FROM],
                f"{code}/{relative} is stale: {source}/{relative} changed since it was translated",
                f"update it, then run: handouts mark-translated {path}",
            )
        self.merged[(code, relative)] = merged
        return convert(cls, merged, merged.mark, self.diags, relative)

    def stale_keys(
        self, record: TranslationFile, data: Map, recorded: dict[str, str], source: str
    ) -> None:
        """The keys whose source text changed since they were translated, each a warning at its
        place in the translation; and those whose source is itself stale (ja-x-easy's text
        made from a Japanese text that English has changed since)."""
        upstream = next(
            (
                set(t.stale_keys)
                for t in self.translations
                if (t.lang, t.piece) == (source, record.piece)
            ),
            set(),
        )
        relative, path = record.piece, record.path
        for key, digest in record.key_hashes.items():
            if key.split(".")[0] in record.missing_keys:
                continue
            if recorded.get(key) != digest:
                self.diags.warning(
                    key_mark(data, key),
                    f"{record.lang}/{relative}: {key} is stale: {source}/{relative} "
                    "changed it since it was translated",
                    f"update it, then run: handouts mark-translated {path}",
                )
            elif key in upstream:
                self.diags.warning(
                    key_mark(data, key),
                    f"{record.lang}/{relative}: {key} is stale: it is made from "
                    f"{source}/{relative}, whose {key} is stale",
                    f"update {source}/{relative} first, then this text",
                )
            else:
                continue
            record.stale_keys.append(key)

    def readings(self, code: str, source: str | None) -> model.Readings | None:
        """Furigana readings: the language's own readings.yaml (optional, not a translation)
        over those of the language it is made from. `furigana.check_readings` checks them."""
        inherited = self.merged.get((source, READINGS)) if source else None
        words = dict(inherited.words) if inherited else {}
        counters = dict(inherited.counters) if inherited else {}
        dates = inherited.dates if inherited else model.DateReadings()
        path = self.root / code / READINGS
        if present(path):
            own = self.files.build_file(path, model.Readings, READINGS)
            if own is None:
                return None
            words.update(own.words)
            counters.update(own.counters)
            dates = model.DateReadings(
                *(
                    {**old, **new}
                    for old, new in zip(
                        (dates.months, dates.days, dates.weekdays),
                        (own.dates.months, own.dates.days, own.dates.weekdays),
                    )
                )
            )
        readings = model.Readings(words, counters, dates)
        self.merged[(code, READINGS)] = readings
        return readings

    def point_texts(self, code: str, source: str | None, registry: dict):
        texts = self.piece(code, source, "points.yaml", dict[str, model.PointText])
        if texts is None:
            return None
        data = self.files.raw(self.root / (source or code) / "points.yaml")
        own = self.files.raw(self.root / code / "points.yaml") or data
        for point_code in texts:
            if point_code not in registry:
                mark = (own.key_marks.get(point_code) if own else None) or Mark(str(self.root))
                self.diags.error(
                    mark,
                    f"unknown point code '{point_code}'",
                    suggest(point_code, registry) or "add it to content/points.yaml",
                )
        return texts

    def conditions(self, code: str, source: str | None, registry: dict, aliases: dict):
        folder = self.root / code / CONDITIONS
        if present(folder) and not folder.is_dir():
            self.diags.error(
                Mark(str(folder)),
                "conditions is not a folder",
                "conditions/ holds one <slug>.yaml file per condition",
            )
        own_slugs = condition_slugs(self.root, code)
        if source is None:
            slugs = own_slugs
            if not slugs:
                self.diags.error(
                    Mark(str(folder)), "no conditions found", "add conditions/<slug>.yaml files"
                )
        else:
            # Every language has the source language's conditions (a translation of a
            # translation too: what it lacks comes from the language it is made from).
            source_folder = self.root / self.source / CONDITIONS
            slugs = condition_slugs(self.root, self.source)
            for extra in sorted(set(own_slugs) - set(slugs)):
                self.diags.error(
                    Mark(str(folder / f"{extra}.yaml")),
                    f"condition '{extra}' has no {self.source} source file",
                    suggest(extra, slugs) or f"add {source_folder / (extra + '.yaml')}",
                )
        result = {}
        for slug in slugs:
            if not SLUG.match(slug):
                self.diags.error(
                    Mark(str(folder / f"{slug}.yaml")),
                    f"'{slug}' is not a valid condition name",
                    "use lower-case words joined by hyphens, e.g. leg-pain",
                )
                continue
            condition = self.piece(code, source, f"conditions/{slug}.yaml", model.Condition)
            if condition is None:
                continue
            result[slug] = self.resolve_points(condition, registry, aliases, code, slug)
        return result  # without the broken ones: their errors fail only their documents

    def resolve_points(self, condition, registry, aliases, code, slug):
        """Replace aliases by WHO codes; unknown codes are errors with a hint."""
        resolved = []
        for point in condition.points:
            key = point.code.strip().upper()
            canonical = key if key in registry else aliases.get(key)
            if canonical is None:
                hint = suggest_code(key, registry, aliases)
                self.diags.error(
                    point.code.mark,
                    f"unknown point code '{point.code}'",
                    hint or "known codes: " + ", ".join(sorted(registry)),
                )
                continue
            if canonical != point.code:
                point = replace(point, code=_retext(point.code, canonical))
            if registry[canonical].view is None:
                self.diags.error(
                    point.code.mark,
                    f"point {canonical} has no diagram position in content/points.yaml",
                    "add view, x and y to the registry entry",
                )
            resolved.append(point)
        codes = [p.code for p in resolved]
        place = (condition.points[0].code if condition.points else condition.title).mark
        if len(set(codes)) != len(codes):
            self.diags.error(place, f"{slug}: a point is listed twice")
        source_codes = self.source_points.get(slug)
        if (
            source_codes is not None
            and codes != source_codes
            and len(resolved) == len(condition.points)
        ):
            self.diags.error(
                place,
                f"{code}/conditions/{slug}.yaml lists points {', '.join(codes)}; "
                f"the source lists {', '.join(source_codes)}",
                "a translation uses the same points, in the same order",
            )
        if source_codes is None:
            self.source_points[slug] = codes
        return replace(condition, points=resolved)


def _retext(original: Text, value: str) -> Text:
    """A replacement value that keeps the original's place in the file."""
    text = Text(value)
    text.__dict__.update(original.__dict__)
    return text
