"""Benchmark: how long the front desk waits, and what a full build costs.

Run: .venv/bin/python bench/run.py
Reports the cold time of building one Japanese handout in a fresh process (against a fresh Python
that only imports reportlab.platypus) and the in-process time per document of a full build.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fresh_process(args: list[str], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        baseline = fresh_process([sys.executable, "-c", "import reportlab.platypus"])
        cold = fresh_process([sys.executable, "-m", "handouts", "build", "--lang", "ja",
                              "--condition", "sciatica", "--kind", "handout", "--force",
                              "--out", tmp])
        print(f"fresh python importing reportlab.platypus: {baseline * 1000:7.0f} ms")
        print(f"cold build of one Japanese handout:        {cold * 1000:7.0f} ms "
              f"({cold / baseline:.1f}x)")

    sys.path.insert(0, str(ROOT / "src"))
    from handouts.build import Options, plan, render_one
    from handouts.content import load_library

    library, _ = load_library(ROOT / "content")
    jobs = plan(library)
    render_one(library, jobs[0], Options())          # warm: fonts loaded once per process
    for lang in sorted(library.languages):
        selected = [job for job in jobs if job.lang == lang]
        start = time.perf_counter()
        rounds = 3
        for _ in range(rounds):
            for job in selected:
                render_one(library, job, Options())
        per_doc = (time.perf_counter() - start) / (rounds * len(selected))
        print(f"in-process time per document ({lang}):         {per_doc * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
