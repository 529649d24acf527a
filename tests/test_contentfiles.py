"""contentfiles: the one place that discovers languages and lists what a document is made from."""

from __future__ import annotations

from handouts.content.contentfiles import (
    document_inputs,
    input_group,
    language_codes,
    quick_languages,
)
from helpers import CONTENT, copy_content


def test_languages_are_the_folders_the_loader_loads():
    from handouts.content.loader import load_library

    library, _ = load_library(CONTENT)
    assert language_codes(CONTENT) == sorted(library.languages)
    parents, _ = quick_languages(CONTENT, "en", language_codes(CONTENT))
    assert parents == library.parents()


def test_a_misnamed_language_folder_is_found_and_reported(tmp_path):
    from handouts.content.loader import load

    content = copy_content(tmp_path)
    (content / "Japanese").mkdir()
    assert "Japanese" in language_codes(content)
    errors = [str(d) for d in load(content).diagnostics.errors]
    assert errors == [
        f"{content / 'Japanese'}:1:1: error: 'Japanese' is not a language code "
        "(hint: language folders are named by BCP 47 codes such as en or ja)"
    ]


def test_a_document_is_made_from_its_languages_and_those_they_fall_back_to():
    parents = {"ja": "en", "ja-x-easy": "ja"}
    assert document_inputs(["ja-x-easy"], "sciatica", parents) == [
        ("", ""),
        ("en", ""),
        ("en", "sciatica"),
        ("ja", ""),
        ("ja", "sciatica"),
        ("ja-x-easy", ""),
        ("ja-x-easy", "sciatica"),
    ]
    assert document_inputs(["en", "ja"], "leg-pain", parents) == [
        ("", ""),
        ("en", ""),
        ("en", "leg-pain"),
        ("ja", ""),
        ("ja", "leg-pain"),
    ]


def test_each_file_goes_into_its_group():
    assert input_group(CONTENT, "points.yaml") == ("", "")
    assert input_group(CONTENT, "diagrams/hand-back.svg") == ("", "")
    assert input_group(CONTENT, "ja/ui.yaml") == ("ja", "")
    assert input_group(CONTENT, "ja/conditions/sciatica.yaml") == ("ja", "sciatica")
    assert input_group(CONTENT, "ja/.ui.yaml.swp") is None
