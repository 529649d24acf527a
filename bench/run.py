"""Benchmark: what the front desk waits for, and what a clinic group's CI pays.

Run from the repository root:  .venv/bin/python bench/run.py
It measures, in one run:
  1. cold starts (bench/coldstart.py): one Japanese handout, a personal aftercare sheet and
     `check`, each in a fresh process, against a fresh Python that only imports
     reportlab.platypus (target for the handout: at most 2x), and where the time goes;
  2. the in-process time per document once fonts are loaded (target: <= 25 ms per Japanese doc);
  3. a full build of a synthetic library (50 conditions x 4 languages x 2 kinds, generated into a
     temporary folder from the bundled content) and its no-op rebuild (target: < 0.5 s);
  4. peak memory of those builds and the PDF sizes (target: Japanese handout < 200 KB).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONDITIONS = 50
EXTRA_LANGUAGES = {"fr": "en", "ko": "ja"}  # synthetic languages: copies of en and ja


def fresh(args: list[str], repeat: int = 7) -> float:
    """Median wall time of a command in a fresh process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_library(target: Path) -> Path:
    """50 conditions x 4 languages, made from the bundled content (same texts, new slugs)."""
    content = target / "content"
    shutil.copytree(ROOT / "content", content)
    for lang in ("en", "ja"):
        folder = content / lang / "conditions"
        originals = sorted(folder.glob("*.yaml"))
        for n in range(CONDITIONS - len(originals)):
            source = originals[n % len(originals)]
            shutil.copy(source, folder / f"{source.stem}-{n + 1:02d}.yaml")
    for lang, model in EXTRA_LANGUAGES.items():
        shutil.copytree(content / model, content / lang)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "handouts",
            "--content",
            str(content),
            "mark-translated",
            *map(str, sorted(content.glob("[!e]*/**/*.yaml"))),
        ],
        cwd=ROOT,
        capture_output=True,
    )
    return content


def main() -> None:
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    sys.path.insert(0, str(ROOT / "bench"))
    import coldstart

    coldstart.report(pairs=10)

    sys.path.insert(0, str(ROOT / "src"))
    from handouts.content.loader import load_library
    from handouts.deliver.build import Job, Options, render_one

    library, _ = load_library(ROOT / "content")
    render_one(library, Job("ja", "sciatica", "handout"))  # fonts load once per process
    render_one(library, Job("en", "sciatica", "handout"))
    for lang in ("ja", "en"):
        jobs = [
            Job(lang, slug, kind)
            for slug in library.conditions
            for kind in ("handout", "aftercare")
        ]
        rounds = 5
        start = time.perf_counter()
        for _ in range(rounds):
            for job in jobs:
                render_one(library, job, Options())
        per_doc = (time.perf_counter() - start) / (rounds * len(jobs))
        print(
            f"in-process time per {lang} document          {per_doc * 1000:8.1f} ms"
            + (" (target <= 25 ms)" if lang == "ja" else "")
        )

    with tempfile.TemporaryDirectory() as tmp:
        content = synthetic_library(Path(tmp))
        out = Path(tmp) / "out"
        command = [
            sys.executable,
            "-m",
            "handouts",
            "--content",
            str(content),
            "build",
            "--out",
            str(out),
        ]
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        full = time.perf_counter() - start
        documents = sorted(out.rglob("*.pdf"))
        print(
            f"synthetic library: {CONDITIONS} conditions x 4 languages x 2 kinds = "
            f"{len(documents)} PDFs ({result.stdout.strip()})"
        )
        print(
            f"  full build ({os.cpu_count()} workers)                {full:8.2f} s "
            f"({full / max(len(documents), 1) * 1000:.1f} ms per document)"
        )
        noop = fresh(command, repeat=5)
        print(
            f"  no-op rebuild                             {noop * 1000:8.0f} ms (target < 500 ms)"
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  peak memory of one build process          {peak:8.0f} MB")
        sizes = {}
        for path in documents:
            key = f"{path.parent.name} {'handout' if 'handout' in path.name else 'aftercare'}"
            sizes.setdefault(key, []).append(path.stat().st_size)
        for key, values in sorted(sizes.items()):
            print(
                f"  PDF size {key:<22} max {max(values) / 1024:6.0f} KB, "
                f"median {statistics.median(values) / 1024:6.0f} KB"
            )


if __name__ == "__main__":
    main()
