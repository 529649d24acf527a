"""Which files the content tree holds and which documents each goes into, from folder and file
names (and two quick reads) alone: the one place that discovers languages and conditions and
lists what a document is made from. Loading (content.py), incremental builds (build.py) and the
page counts `check` remembers (checks.py) all ask here.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from handouts.content.yamlsrc import quick_mapping
from handouts.errors import HandoutsError

NOT_LANGUAGES = {"diagrams"}
CONDITIONS = "conditions"  # <lang>/conditions/<slug>.yaml

Group = tuple[str, str]  # ("", "") shared, (lang, "") a language, (lang, slug)


def find_content(root: Path) -> Path:
    if not (root / "handouts.yaml").is_file():
        raise HandoutsError(
            f"no content found in '{root}' (expected {root / 'handouts.yaml'}); "
            "run from the repository root or pass --content DIR"
        )
    return root


def language_codes(root: Path) -> list[str]:
    """The languages of the content: every folder of `root` that holds one (even one misnamed:
    loading reports it), by name."""
    return [entry.name for entry in sorted(root.iterdir()) if _is_language_folder(entry)]


def _is_language_folder(path: Path) -> bool:
    return path.is_dir() and path.name not in NOT_LANGUAGES and not path.name.startswith(".")


def condition_slugs(root: Path, code: str) -> list[str]:
    folder = root / code / CONDITIONS
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def source_language(root: Path) -> str:
    """handouts.yaml's source_language, read quickly ("" if the file is broken: the full load
    reports exactly what is wrong)."""
    source = quick_mapping(root / "handouts.yaml").get("source_language")
    return source if isinstance(source, str) else ""


def quick_languages(root: Path, source: str, languages) -> tuple[dict[str, str], frozenset]:
    """Each translation's source language (language.yaml source_language, else `source`) and
    the languages --furigana adds furigana to (not those that always have them), read without
    the full load (incremental builds
    decide from this alone); whatever is wrong there, the full load reports."""
    parents, furigana = {}, set()
    for code in languages:
        data = quick_mapping(root / code / "language.yaml")
        setting = data.get("furigana")
        if isinstance(setting, dict) and not setting.get("always"):
            furigana.add(code)
        if code == source:
            continue
        named = data.get("source_language")
        parents[code] = (
            named if isinstance(named, str) and named in languages and named != code else source
        )
    return parents, frozenset(furigana)


def chain(lang: str, parents: dict[str, str]) -> list[str]:
    """`lang` and every language it falls back to, nearest first."""
    found = [lang]
    while found[-1] in parents and parents[found[-1]] not in found:
        found.append(parents[found[-1]])
    return found


# -- what a document is made from ---------------------------------------------------------------
def input_group(root: Path, relative: str) -> Group | None:
    """Which documents a file of the content tree (path relative to `root`, '/'-separated) goes
    into: ("", "") every document (settings, registry, diagrams, anything outside languages);
    (lang, "") every document in that language (a language folder but for its conditions);
    (lang, slug) the documents of one condition in that language (its conditions/<slug>.yaml).
    A translation also uses its source language's groups (see `document_inputs`). Hidden files
    (editor backups, .DS_Store) go into nothing: None."""
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts):
        return None
    head = parts[0]
    if not _is_language_folder(root / head):
        return "", ""
    if len(parts) == 3 and parts[1] == CONDITIONS and parts[2].endswith(".yaml"):
        return head, parts[2][: -len(".yaml")]
    return head, ""


def document_inputs(languages: Iterable[str], slug: str, parents: dict[str, str]) -> list[Group]:
    """The input groups one document is made from: its languages (one, or a bilingual
    document's two), each with every language it falls back to, and the shared files."""
    langs = {lang for code in languages for lang in chain(code, parents)}
    return sorted({("", "")} | {(lang, "") for lang in langs} | {(lang, slug) for lang in langs})


def group_digests(root: Path) -> dict[Group, str]:
    """A hash of each input group's files (names and contents)."""
    groups: dict = {}
    for path in files_below(root):
        relative = path.relative_to(root).as_posix()
        group = input_group(root, relative)
        if group is not None:
            groups.setdefault(group, hashlib.sha256()).update(
                f"{relative}:{file_sha256(path)};".encode()
            )
    return {group: digest.hexdigest() for group, digest in groups.items()}


def inputs_digest(digests: dict[Group, str], groups: list[Group]) -> str:
    """A hash of the files of `groups` (of `group_digests`): what one document is made from."""
    digest = hashlib.sha256()
    for group in groups:
        digest.update(f"{group}:{digests.get(group, '-')};".encode())
    return digest.hexdigest()


def files_below(folder: Path) -> list[Path]:
    """Every file below `folder` but bytecode and hidden files, in a stable order."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        found += [
            Path(parent, name)
            for name in sorted(files)
            if not name.startswith(".") and not name.endswith((".pyc", ".pyo"))
        ]
    return found


def file_sha256(path: Path) -> str:
    try:
        if not Path(path).is_file():  # a pipe would block; loading names what stands there
            return "-"
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "-"
