"""Translation freshness per key: each translated file records the hash of the source text of
each key it translated; `list` and `check --strict` name the keys whose source changed since,
in every language made from it; `mark-translated` keeps the file's BOM, line endings and
comments. Real command-line runs on a copy of the bundled content."""

from __future__ import annotations

import codecs
import re

from helpers import copy_content, run_cli

EASY = "ja-x-easy"


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _stale_lines(content) -> list[str]:
    listed = run_cli("--content", str(content), "list")
    assert listed.returncode == 0, listed.stderr
    return [line for line in listed.stdout.splitlines() if "stale key" in line]


def _strict(content):
    return run_cli("--content", str(content), "check", "--strict")


def _line_of(path, start: str) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def test_the_bundled_translations_record_each_key():
    from handouts.content.loader import load
    from helpers import CONTENT

    loaded = load(CONTENT)
    assert loaded.translations
    for record in loaded.translations:
        assert record.state == "ok" and record.recorded_hash is None, record  # per key, fresh
        assert record.key_hashes and not record.stale_keys


def test_one_changed_english_key_is_stale_in_ja_and_the_easy_edition(tmp_path):
    content = copy_content(tmp_path)
    assert _stale_lines(content) == []
    _edit(
        content / "en" / "conditions" / "sciatica.yaml",
        '  - Numbness, "pins and needles" or weakness\n',
        '  - Numbness, tingling ("pins and needles") or weakness\n',
    )
    assert _stale_lines(content) == [
        "ja sciatica: 1 stale key: symptoms.1",
        f"{EASY} sciatica: 1 stale key: symptoms.1",
    ]
    listed = run_cli("--content", str(content), "list").stdout
    assert re.search(r"^sciatica\s+source\s+stale\s+stale\s*$", listed, re.MULTILINE), listed
    assert re.search(r"^leg-pain\s+source\s+ok\s+ok\s*$", listed, re.MULTILINE), listed

    strict = _strict(content)
    assert strict.returncode == 1
    stale = [line for line in strict.stderr.splitlines() if "is stale" in line]
    ja = content / "ja" / "conditions" / "sciatica.yaml"
    easy = content / EASY / "conditions" / "sciatica.yaml"
    # each at the translated text: the second item of symptoms: in each file
    ja_line = _line_of(ja, "symptoms:") + 2
    easy_line = _line_of(easy, "symptoms:") + 2
    assert stale == [
        f"{ja}:{ja_line}:5: warning: ja/conditions/sciatica.yaml: symptoms.1 is stale: "
        "en/conditions/sciatica.yaml changed it since it was translated "
        f"(hint: update it, then run: handouts mark-translated {ja})",
        f"{easy}:{easy_line}:5: warning: {EASY}/conditions/sciatica.yaml: symptoms.1 is stale: "
        "it is made from ja/conditions/sciatica.yaml, whose symptoms.1 is stale "
        "(hint: update ja/conditions/sciatica.yaml first, then this text)",
    ], strict.stderr

    # The Japanese needed no change: marking it up to date makes both fresh again.
    marked = run_cli("--content", str(content), "mark-translated", str(ja))
    assert marked.returncode == 0 and "marked up to date" in marked.stdout, marked.stderr
    assert _stale_lines(content) == []


def test_a_changed_japanese_key_is_stale_in_the_easy_edition_only(tmp_path):
    content = copy_content(tmp_path)
    ja = content / "ja" / "ui.yaml"
    _edit(ja, "handout_label: 患者さまへのご案内\n", "handout_label: 患者さまへ\n")
    assert _stale_lines(content) == [f"{EASY} ui.yaml: 1 stale key: handout_label"]


def test_mark_translated_keeps_bom_crlf_and_comments(tmp_path):
    content = copy_content(tmp_path)
    ja = content / "ja" / "conditions" / "leg-pain.yaml"
    text = ja.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    written = codecs.BOM_UTF8 + (
        "# 翻訳メモ: 用語は医師と確認済み\r\n" + head + "  # 題名\r\n" + rest.replace("\n", "\r\n")
    ).encode("utf-8")
    ja.write_bytes(written)
    assert _stale_lines(content) == []  # a BOM and CRLF read as they are
    en = content / "en" / "conditions" / "leg-pain.yaml"
    en.write_text(
        "title: Your " + en.read_text(encoding="utf-8")[len("title: ") :], encoding="utf-8"
    )
    assert _stale_lines(content) == [
        "ja leg-pain: 1 stale key: title",
        f"{EASY} leg-pain: 1 stale key: title",
    ]

    marked = run_cli("--content", str(content), "mark-translated", str(ja))
    assert marked.returncode == 0, marked.stderr
    after = ja.read_bytes()
    assert after.startswith(codecs.BOM_UTF8) and after.count(codecs.BOM_UTF8) == 1
    assert after.count(b"\n") == after.count(b"\r\n")  # every line ends in CRLF
    # everything before the record is as it was; the record changed one key's hash
    record = after.index(b"\r\ntranslated_from:") + 2
    assert after[:record] == written[:record]
    changed = [
        line
        for line in after[record:].split(b"\r\n")
        if line not in written[record:].split(b"\r\n")
    ]
    assert len(changed) == 1 and changed[0].startswith(b"  title: "), changed
    assert _stale_lines(content) == []


def test_an_older_one_hash_record_is_stale_as_a_whole_until_marked(tmp_path):
    """A file from before per-key records (`translated_from: <hash of the whole file>`) still
    reads; mark-translated replaces its one line by the per-key record at the end."""
    from handouts.content.loader import load

    content = copy_content(tmp_path)
    ja = content / "ja" / "clinic.yaml"
    text = ja.read_text(encoding="utf-8")
    body = text[: text.index("translated_from:")]
    ja.write_text("translated_from: 000000000000\n" + body, encoding="utf-8")
    strict = _strict(content)
    assert (
        f"{ja}:1:18: warning: ja/clinic.yaml is stale: en/clinic.yaml changed" in strict.stderr
    ), strict.stderr
    record = next(t for t in load(content).translations if t.path == ja)
    assert record.state == "stale" and record.stale_keys == []

    assert run_cli("--content", str(content), "mark-translated", str(ja)).returncode == 0
    assert ja.read_text(encoding="utf-8") == text  # migrated: as bundled


def test_the_loader_marks_text_a_translation_takes_from_its_source(tmp_path):
    """What a translation lacks comes from the language it is made from, each text marked with
    the language it is written in; the source's own texts stay unmarked."""
    from handouts.content.loader import load

    content = copy_content(tmp_path)
    ja = content / "ja" / "conditions" / "sciatica.yaml"
    text = ja.read_text(encoding="utf-8")
    start = text.index("\nsymptoms:\n") + 1
    end = text.index("\ncauses:\n") + 1
    ja.write_text(text[:start] + text[end:], encoding="utf-8")
    library = load(content).partial
    assert library is not None
    en, ja_text, easy = (
        library.languages[code].conditions["sciatica"] for code in ("en", "ja", EASY)
    )
    assert [t.fallback_from for t in ja_text.symptoms] == ["en"] * len(en.symptoms)
    assert list(ja_text.symptoms) == list(en.symptoms)
    assert all(t.fallback_from is None for t in en.symptoms)  # en's own, untouched
    assert ja_text.title.fallback_from is None
    assert all(t.fallback_from is None for t in easy.symptoms)  # the easy edition's own
