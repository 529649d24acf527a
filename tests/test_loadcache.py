"""The content cache (loadcache.py, issue #16): a cold start reads the loaded content back
instead of parsing it. The PDFs and what `check` says do not depend on the cache's state; an
entry for other files, another version or a damaged one is never used; a planted entry cannot
run code; no patient data ever enters the cache."""

from __future__ import annotations

import gc
import hashlib
import pickle
import random
import sys
from pathlib import Path

import pytest

from handouts import cache
from handouts.content import loadcache
from handouts.content.loader import load
from handouts.startup import importing
from helpers import (
    CONTENT,
    ONE_JA_HANDOUT,
    ROOT,
    copy_content,
    edit,
    expanded,
    pdf_pages_text,
    readable_forms,
    run_cli,
)

NAME, NOTE = "Zebulon Quartermaine-Okonkwo", "鰐淵 千草さんへ: 湯船は三日後から"
AFTERCARE = [
    "aftercare",
    "--lang",
    "ja",
    "--condition",
    "sciatica",
    "--date",
    "2026-11-21",
    "--points",
    "GB30,LR3",
    "--patient",
    NAME,
    "--note",
    NOTE,
]


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / loadcache.KIND).glob("*"))


def outputs(tmp: Path, cache_dir: Path, content: Path = CONTENT) -> dict[str, bytes]:
    """A Japanese handout, a personal sheet and check's output, all from fresh processes."""
    env = {"HANDOUTS_CACHE": str(cache_dir)}
    out = tmp / "out"
    built = run_cli(
        *ONE_JA_HANDOUT,
        "--out",
        str(out),
        "--content",
        str(content),
        env=env,
    )
    assert built.returncode == 0, built.stderr
    sheet = run_cli(*AFTERCARE, "-o", str(tmp / "sheet.pdf"), "--content", str(content), env=env)
    assert sheet.returncode == 0, sheet.stderr
    checked = run_cli("check", "--content", str(content), env=env)
    return {
        "handout": (out / "ja" / "sciatica-handout.pdf").read_bytes(),
        "sheet": (tmp / "sheet.pdf").read_bytes(),
        "check": (checked.stdout + checked.stderr + str(checked.returncode)).encode(),
    }


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    header_end = data.index(b"\n", len(cache.MAGIC))
    key = data[len(cache.MAGIC) : header_end].split(b" ")[0].decode()

    def entry(payload: bytes, entry_key: str = key) -> bytes:
        return (
            cache.MAGIC + f"{entry_key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
        )

    if how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "random bytes":
        path.write_bytes(random.Random(16).randbytes(len(data)))
    elif how == "flipped byte":
        position = len(data) // 2
        path.write_bytes(data[:position] + bytes([data[position] ^ 1]) + data[position + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "other version":  # well-formed, made for another key
        path.write_bytes(entry(data[header_end + 1 :], "0" * 64))
    elif how == "valid but foreign":  # right key and checksum, not a load
        path.write_bytes(entry(pickle.dumps({"library": None})))
    elif how == "truncated pickle":  # right key and checksum, a pickle cut short
        path.write_bytes(entry(data[header_end + 1 :][:5000]))
    else:
        raise AssertionError(how)


def test_outputs_do_not_depend_on_the_cache(tmp_path):
    """Cold (no cache), warm (the entry just written) and after every kind of damage to the
    entry: the same bytes; a damaged entry is replaced by a good one."""
    cache_dir = tmp_path / "cache"
    cold = outputs(tmp_path / "cold", cache_dir)
    [entry] = entries(cache_dir)
    good = entry.read_bytes()
    assert outputs(tmp_path / "warm", cache_dir) == cold
    assert entry.read_bytes() == good  # read, not rewritten
    for how in (
        "truncated",
        "random bytes",
        "flipped byte",
        "empty",
        "other version",
        "valid but foreign",
        "truncated pickle",
    ):
        damage(entry, how)
        assert outputs(tmp_path / how.replace(" ", "-"), cache_dir) == cold, how
        assert entry.read_bytes() == good, f"{how}: the entry was not replaced"


def test_the_handout_text_is_the_contents(tmp_path):
    """Not only equal to itself: the warm build prints the content (a cache that returned a
    stale library would print the old words)."""
    content = copy_content(tmp_path)
    cache_dir = tmp_path / "cache"
    outputs(tmp_path / "first", cache_dir, content)
    title = "坐骨神経痛"
    assert title in "".join(pdf_pages_text(outputs(tmp_path / "a", cache_dir, content)["handout"]))
    condition = content / "ja" / "conditions" / "sciatica.yaml"
    text = condition.read_text(encoding="utf-8")
    assert title in text
    condition.write_text(text.replace(title, "坐骨神経痛（改訂）", 1), encoding="utf-8")
    changed = "".join(pdf_pages_text(outputs(tmp_path / "b", cache_dir, content)["handout"]))
    assert "改訂" in changed
    assert len(entries(cache_dir)) == 1  # one entry per folder: replaced


def test_an_entry_is_only_used_for_its_own_files_and_versions(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path / "cache"))
    content = copy_content(tmp_path)
    key = loadcache.key(content)
    assert key is not None and loadcache.key(content) == key
    load(content)
    assert loadcache.recall(content, key) is not None
    assert loadcache.recall(content, "0" * 64) is None  # another key: not used
    # Any file of the folder, our version and PyYAML's are in the key.
    (content / "en" / "notes.txt").write_text("x", encoding="utf-8")
    assert loadcache.key(content) != key
    (content / "en" / "notes.txt").unlink()
    assert loadcache.key(content) == key
    monkeypatch.setattr(loadcache, "__version__", "0.0.0-other")
    assert loadcache.key(content) != key
    monkeypatch.undo()
    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path / "cache"))
    from handouts.content import yamlsrc

    monkeypatch.setattr(yamlsrc, "parser_identity", lambda: "another PyYAML")
    assert loadcache.key(content) != key
    monkeypatch.setattr(yamlsrc, "parser_identity", lambda: None)  # cannot tell: no entry
    assert loadcache.key(content) is None


def test_a_load_with_errors_is_not_stored(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE", str(cache_dir))
    content = copy_content(tmp_path)
    edit(content / "ja" / "ui.yaml", "\n", "\n  broken: [\n")
    for _ in range(2):
        loaded = load(content)
        assert loaded.library is None and loaded.diagnostics.errors
    assert entries(cache_dir) == []
    checked = run_cli("check", "--content", str(content), env={"HANDOUTS_CACHE": str(cache_dir)})
    assert checked.returncode == 1 and "ui.yaml" in checked.stderr


def test_a_planted_entry_cannot_run_code(tmp_path, monkeypatch):
    """An entry with the right key and checksum whose pickle calls a function: refused (only
    our own classes and a few value types are built), and the content is loaded from files."""
    monkeypatch.setenv("HANDOUTS_CACHE", str(tmp_path / "cache"))
    content = copy_content(tmp_path)
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (Path.touch, (marker,))

    class Shell:
        def __reduce__(self):
            return (exec, (f"open({str(marker)!r}, 'w').close()",))

    key = loadcache.key(content)
    assert key is not None
    # A class of a module outside the model: refused without importing the module (importing
    # handouts.__main__ would run the command line).
    main = b"\x80\x02chandouts.__main__\nMain\n)\x81."
    for planted in (Planted(), Shell(), [Planted()], main):
        payload = planted if isinstance(planted, bytes) else pickle.dumps(planted)
        cache.store(loadcache.KIND, loadcache.entry_name(content), key, payload)
        assert loadcache.recall(content, key) is None
        loaded = load(content)
        assert not marker.exists()
        assert loaded.library is not None and "ja" in loaded.library.languages
    assert loadcache.recall(content, key) is not None  # replaced by a real load


def test_no_patient_data_enters_the_cache(tmp_path):
    """A personal sheet with a distinctive name and note, with an empty cache and a warm one:
    not one byte form of either is in any cache file."""
    cache_dir = tmp_path / "cache"
    for run in ("cold", "warm"):
        result = run_cli(
            *AFTERCARE, "-o", str(tmp_path / f"{run}.pdf"), env={"HANDOUTS_CACHE": str(cache_dir)}
        )
        assert result.returncode == 0, result.stderr
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert any(p.parent.name == loadcache.KIND for p in files)
    forms = [
        form
        for text in (NAME, NOTE, "Quartermaine", "鰐淵", "湯船は三日後")
        for form in readable_forms(text)
    ]
    for path in files:
        data = path.read_bytes()
        for blob in [data, *expanded(data)]:
            found = [form for form in forms if form in blob]
            assert not found, f"{path.relative_to(cache_dir)} holds {found}"


def test_imports_pause_the_collector_and_leave_it_as_it_was():
    assert gc.isenabled()
    with importing():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with importing():
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
    code = (
        "import gc, runpy, sys; sys.argv = ['handouts', '--version']\n"
        "try:\n    runpy.run_module('handouts', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(gc.isenabled())"
    )
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stdout.strip().endswith("True"), result.stderr


@pytest.mark.parametrize("command", ["check", "build"])
def test_the_cli_uses_the_entry(tmp_path, command):
    """The entry is really read: a warm process parses no YAML content file but the two small
    ones build reads first to decide what to make (handouts.yaml, each language.yaml: which
    languages, made from which), and the fonts' fonts.yaml (part of the code)."""
    cache_dir = tmp_path / "cache"
    args = (
        ["check"]
        if command == "check"
        else [
            *ONE_JA_HANDOUT,
            "--out",
            str(tmp_path / "out"),
        ]
    )
    env = {"HANDOUTS_CACHE": str(cache_dir)}
    assert run_cli(*args, env=env).returncode in (0, 1)
    code = (
        "import sys, runpy\n"
        "import handouts.content.yamlsrc as y\n"
        "calls = []\n"
        "real = y.load_yaml\n"
        "def counted(path, *a, **k):\n"
        "    from pathlib import Path\n"
        f"    if Path(path).resolve().is_relative_to({str(CONTENT)!r}) and Path(path).name \\\n"
        "            not in ('handouts.yaml', 'language.yaml'):\n"
        "        calls.append(str(path))\n"
        "    return real(path, *a, **k)\n"
        "y.load_yaml = counted\n"
        f"sys.argv = ['handouts', *{args!r}]\n"
        "try:\n    runpy.run_module('handouts', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('PARSED', len(calls))"
    )
    import os
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        check=False,
    )
    assert "PARSED 0" in result.stdout, result.stdout + result.stderr


# check's furigana readings (checks._unread, remembered in the cache) ---------------------------
def check_in_process(content: Path, cache_dir: Path) -> tuple[str, bool]:
    """check's output, and whether the process loaded the analyser (SudachiPy)."""
    import os
    import subprocess

    code = (
        "import sys, runpy\n"
        f"sys.argv = ['handouts', 'check', '--content', {str(content)!r}]\n"
        "try:\n    runpy.run_module('handouts', run_name='__main__')\n"
        "except SystemExit as exit:\n    print('EXIT', exit.code)\n"
        "print('ANALYSER', 'sudachipy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HANDOUTS_CACHE": str(cache_dir)},
        check=False,
    )
    output, _, analyser = result.stdout.rpartition("ANALYSER ")
    return output + result.stderr, analyser.strip() == "True"


def test_unread_kanji_are_reported_alike_from_the_cache(tmp_path):
    content = copy_content(tmp_path)
    edit(
        content / "ja-x-easy" / "conditions" / "sciatica.yaml",
        "title: 坐骨神経痛",
        "title: 坐骨神経痛鬯黹",
    )
    cache_dir = tmp_path / "cache"
    cold, analysed = check_in_process(content, cache_dir)
    assert analysed and "no reading for '坐骨神経痛鬯黹'" in cold
    [entry] = [
        p for p in (cache_dir / "readings").iterdir() if b"\\u9b2f" in p.read_bytes()
    ]  # 鬯 (JSON): the entry with the warning
    good = entry.read_bytes()
    warm, analysed = check_in_process(content, cache_dir)
    assert warm == cold and not analysed  # read back, SudachiPy not loaded
    for how in ("truncated", "flipped byte", "empty", "other version", "foreign"):
        if how == "foreign":
            data = entry.read_bytes()
            header_end = data.index(b"\n", len(cache.MAGIC))
            key = data[len(cache.MAGIC) : header_end].split(b" ")[0].decode()
            payload = cache.pack([["x.yaml", 1, 1, "message", None, "severe"]])
            entry.write_bytes(
                cache.MAGIC + f"{key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
            )
        else:
            damage(entry, how)
        again, analysed = check_in_process(content, cache_dir)
        assert again == cold and analysed, how
        assert entry.read_bytes() == good, how
    # Another content makes another entry: the edited title is reported as it now stands.
    edit(content / "ja-x-easy" / "conditions" / "sciatica.yaml", "鬯黹", "黹")
    changed, analysed = check_in_process(content, cache_dir)
    assert analysed and "no reading for '坐骨神経痛黹'" in changed
