"""Builds under faults: broken content fails only the documents made from it, a character the
font lacks fails its document at its place, builds racing into one folder keep every manifest
entry, and a killed build leaves no worker behind."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from helpers import ROOT, edit, place_of, run_cli, write_content

SLUGS = ("knee-ache", "back-ache")


def documents(langs=("en", "ja"), slugs=SLUGS, suffix="") -> set[str]:
    return {
        f"{lang}/{slug}-{kind}{suffix}.pdf"
        for lang in langs
        for slug in slugs
        for kind in ("handout", "aftercare")
    }


def pdfs(out) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}


def assert_clean(out):
    """Every PDF complete and in the manifest with its hash; no temporary files."""
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    assert set(entries) == pdfs(out)
    for relative, entry in entries.items():
        data = (out / relative).read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), relative
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), relative
    assert [p.name for p in out.rglob("*") if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    "relative,old,new,failing",
    [
        # A source condition: its documents and its translations' fail, nothing else.
        (
            "en/conditions/back-ache.yaml",
            "title: Back ache",
            "title: [Back ache",
            documents(slugs=("back-ache",)),
        ),
        (
            "en/conditions/back-ache.yaml",
            "code: GV4",
            "code: GV44",
            documents(slugs=("back-ache",)),
        ),
        # A translated condition: only that language's documents of it.
        (
            "ja/conditions/knee-ache.yaml",
            "title: ひざの痛み",
            "title:\n  - ひざの痛み",
            documents(langs=("ja",), slugs=("knee-ache",)),
        ),
        # A translation's shared file: that language's documents.
        ("ja/ui.yaml", "qr_map: ", "qr_map: {page} ", documents(langs=("ja",))),
    ],
)
def test_broken_content_fails_only_the_documents_made_from_it(
    tmp_path, relative, old, new, failing
):
    content = write_content(tmp_path)
    path = content / relative
    edit(path, old, new)
    out = tmp_path / "out"
    started = time.monotonic()
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert time.monotonic() - started < 120
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    # The problem is reported once, at its place, and each failed document names the file.
    line = place_of(path, new.splitlines()[-1].strip())[0]
    errors = re.findall(
        rf"^{re.escape(str(path))}:(\d+):\d+: error: .+$", result.stderr, re.MULTILINE
    )
    assert errors and int(errors[0]) in (line, line + 1), result.stderr
    failed = dict(
        re.findall(r"^failed: (\S+): \d+ content error\(s\) in (.+)$", result.stderr, re.MULTILINE)
    )
    assert set(failed) == failing, result.stderr
    assert all(str(path) in files.split(", ") for files in failed.values()), result.stderr
    assert pdfs(out) == documents() - failing
    assert (
        f"built {len(documents() - failing)}, skipped 0 (unchanged), failed {len(failing)}"
        in result.stdout
    )
    assert_clean(out)
    # Fixed, the next build makes just the missing documents.
    edit(path, new, old)
    again = run_cli("build", "--content", str(content), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert f"built {len(failing)}, skipped {8 - len(failing)}" in again.stdout
    assert_clean(out)


def test_a_broken_shared_file_fails_every_document_with_one_message(tmp_path):
    content = write_content(tmp_path)
    path = content / "points.yaml"
    edit(path, "meridian: Liver", "meridian: [Liver")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        len(
            re.findall(
                rf"^{re.escape(str(path))}:\d+:\d+: error: YAML syntax", result.stderr, re.MULTILINE
            )
        )
        == 1
    ), result.stderr
    assert "built 0, skipped 0 (unchanged), failed 8" in result.stdout
    assert pdfs(out) == set()


def test_a_character_the_font_lacks_fails_that_document_at_its_place(tmp_path):
    content = write_content(tmp_path)
    path = content / "ja" / "conditions" / "knee-ache.yaml"
    edit(path, "title: ひざの痛み", "title: ひざの😀痛み")
    line, column = place_of(path, "😀")
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(content), "--out", str(out), "--jobs", "2")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    failing = documents(langs=("ja",), slugs=("knee-ache",))
    for name in failing:  # the title is printed on both the handout and the aftercare sheet
        assert re.search(
            rf"^failed: {re.escape(name)}: {re.escape(str(path))}:{line}:{column}: "
            r"error: character '😀' \(U\+1F600\) is (not )?in .*font",
            result.stderr,
            re.MULTILINE,
        ), result.stderr
    assert pdfs(out) == documents() - failing
    assert_clean(out)


def test_builds_racing_into_one_out_folder_keep_every_manifest_entry(tmp_path):
    content = write_content(tmp_path)
    out = tmp_path / "out"
    variants = [("--lang", "en"), ("--lang", "ja"), ("--large-print",), ("--paper", "letter")]
    for _round in range(2):  # the second time every build only reads and skips
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "handouts",
                    "build",
                    "--content",
                    str(content),
                    "--out",
                    str(out),
                    "--jobs",
                    "1",
                    *variant,
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for variant in variants
        ]
        for process in processes:
            stdout, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr
            assert "Traceback" not in stderr
    expected = documents() | documents(suffix="-large") | documents(suffix="-letter")
    assert pdfs(out) == expected
    assert_clean(out)


@pytest.mark.skipif(os.name != "posix", reason="asks whether the holder's pid exists")
def test_a_lock_left_by_a_killed_build_is_broken(tmp_path):
    from handouts.output import _host, exclusive

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = tmp_path / ".manifest.lock"
    lock.write_text(f"{dead.pid} {_host()}\n", encoding="utf-8")
    started = time.monotonic()
    with exclusive(lock):
        assert lock.read_text(encoding="utf-8").split()[0] == str(os.getpid())
    assert time.monotonic() - started < 5
    assert not lock.exists()


def test_a_lock_held_too_long_is_a_clear_error(tmp_path):
    from handouts.errors import HandoutsError
    from handouts.output import _host, exclusive

    lock = tmp_path / ".manifest.lock"
    lock.write_text(f"{os.getpid()} {_host()}\n", encoding="utf-8")  # alive, fresh
    with pytest.raises(
        HandoutsError,
        match=rf"held by another build \(process {os.getpid()} "
        r"on .*\) for over 0 s; .* delete it",
    ):
        with exclusive(lock, timeout=0.3):
            pass
    assert lock.exists()  # not ours to remove
    # A holder that cannot be asked (another host) is waited for, then its lock is broken.
    lock.write_text("12345 another-host\n", encoding="utf-8")
    started = time.monotonic()
    with exclusive(lock, timeout=5, stale_after=0.5):
        assert lock.read_text(encoding="utf-8").split()[0] == str(os.getpid())
    assert 0.5 <= time.monotonic() - started < 4


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    try:
        with open(path, encoding="ascii") as handle:
            return [int(n) for n in handle.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie holds no files


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc (Linux)")
def test_killing_a_build_ends_its_workers(tmp_path):
    """SIGKILL cannot be caught: the workers notice their parent is gone and exit, so whoever
    reads the build's output (a CI runner, a pipe) sees the end of it."""
    content = write_content(tmp_path, conditions=("knee-ache", "back-ache", "foot-ache"))
    build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "handouts",
            "build",
            "--content",
            str(content),
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "2",
            "--force",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while len(_children(build.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = _children(build.pid)
    assert len(workers) >= 2, "the build started no workers"
    time.sleep(0.3)  # let them get to work
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=10)

    try:
        finished = threading.Event()
        threading.Thread(target=lambda: (build.stdout.read(), finished.set()), daemon=True).start()
        assert finished.wait(timeout=10), "the build's output never ended: workers hold it open"
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)], "orphaned workers"
    finally:
        for pid in workers:  # a failing run must not leave them behind either
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    out = tmp_path / "out"
    for path in out.rglob("*.pdf"):  # written before the kill: complete
        assert path.read_bytes().rstrip().endswith(b"%%EOF"), path
