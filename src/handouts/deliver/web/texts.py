"""The page's words in the chosen language: the content's own labels where it has them
(content/<lang>/ui.yaml), else the page's small catalog (catalog.yaml), else English."""

from __future__ import annotations

import functools
from pathlib import Path

from handouts.content.model import Library
from handouts.content.yamlsrc import read_yaml

CATALOG = Path(__file__).with_name("catalog.yaml")
FALLBACK = "en"
# Words the content's ui.yaml already has, so a translator writes them once.
FROM_CONTENT = (
    "patient",
    "date",
    "practitioner",
    "next_visit",
    "note",
    "treated_points",
    "handout_label",
    "aftercare_label",
)


@functools.cache
def catalog() -> dict[str, dict[str, str]]:
    return read_yaml(CATALOG)


def ui_languages(library: Library | None) -> list[str]:
    """Languages the page can speak: the content's, and the catalog's when content is broken."""
    codes = sorted(library.languages) if library is not None else sorted(catalog())
    return codes


class Texts:
    """`t.word` is the page's word in `lang`; `t("word", q=...)` fills placeholders."""

    def __init__(self, library: Library | None, lang: str):
        self.lang = lang
        own = catalog().get(lang, {})
        self._words = {**catalog()[FALLBACK], **own}
        language = library.languages.get(lang) if library is not None else None
        if language is not None:
            for name in FROM_CONTENT:
                self._words[name] = str(getattr(language.labels, name))
            self.views = {k: str(v) for k, v in language.labels.views.items()}
        else:
            self.views = {}

    def __getattr__(self, name: str) -> str:
        try:
            return self._words[name]
        except KeyError:
            raise AttributeError(name) from None

    def __call__(self, name: str, **fields) -> str:
        return self._words[name].format(**fields)
