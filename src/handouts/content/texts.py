"""The texts of the content model, found by walking its dataclasses: a new field is checked
and measured without code elsewhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from handouts.content.model import Language, Review
from handouts.content.yamlsrc import Text


def texts(value, skip: tuple[type, ...] = ()) -> Iterator[Text]:
    """Every Text reachable from a model value (dataclasses, dicts, lists), in field order."""
    if isinstance(value, Text):
        yield value
    elif isinstance(value, skip):
        return
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from texts(getattr(value, field.name), skip)
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item, skip)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts(item, skip)


def document_texts(language: Language, slug: str, kind: str) -> list[Text]:
    """The texts a reader meets in one document (the reviewer's name is not printed)."""
    condition = language.conditions[slug]
    if kind == "handout":
        points = [language.points[p.code] for p in condition.points]
        return [*texts(condition, skip=(Review,)), *texts(points)]
    return [
        *texts(language.aftercare),
        *texts(condition.aftercare),
        *texts(condition.precautions),
        *texts(condition.see_a_doctor.urgent),
    ]
