"""Cold start: what the front desk waits for, as a ratio to a bare `import reportlab.platypus`.

Run from the repository root:  .venv/bin/python bench/coldstart.py [--pairs N] [--no-profile]

Each command runs in a fresh process, paired with a fresh Python that only runs
`import reportlab.platypus` (the baseline); the order inside a pair alternates, and the reported
ratio is the median of the per-pair ratios, so a busy machine slows both sides of a pair alike.
Wall time is what the front desk waits for; CPU time (user + system, of the process) is also
shown, because on a shared machine it is much less disturbed by other work than wall time.
The cache (fonts, QR codes, body views) lives in a temporary HANDOUTS_CACHE, filled by one
untimed run first (the front desk's normal state); the build is also timed with an empty cache.

The code is measured in two states:
- "installed": this checkout's src/ laid out as the wheel installs it, bytecode compiled (pip
  compiles .pyc files at install time);
- "checkout": src/ as it is. With PYTHONDONTWRITEBYTECODE set (as in some sandboxes and CI) no
  .pyc is ever written, and every run compiles our modules from source (~30 ms more).

Then it shows where the installed build's cold time goes: imports by package
(python -X importtime, less what the baseline imports anyway) and the main steps under cProfile
(which slows everything down about 2x, so read those figures as shares).
"""

from __future__ import annotations

import argparse
import compileall
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ["-c", "import reportlab.platypus"]
TARGET = 2.0
BUILD = "build ja sciatica handout"


def commands(scratch: Path) -> dict[str, list[str]]:
    """The three cold commands of issue #16 (arguments after `python -m handouts`)."""
    return {
        BUILD: [
            "build",
            "--force",
            "--lang",
            "ja",
            "--condition",
            "sciatica",
            "--kind",
            "handout",
            "--jobs",
            "1",
            "--out",
            str(scratch / "out"),
        ],
        "aftercare sheet (personal)": [
            "aftercare",
            "--lang",
            "ja",
            "--condition",
            "sciatica",
            "--patient",
            "Test Patient",
            "--date",
            "2026-11-21",
            "--points",
            "GB30,LR3",
            "-o",
            str(scratch / "x.pdf"),
        ],
        "check": ["check"],
    }


def installed_copy(target: Path) -> Path:
    """src/handouts with the fonts inside (the wheel's layout), bytecode compiled."""
    shutil.copytree(
        ROOT / "src" / "handouts", target / "handouts", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "fonts", target / "handouts" / "fonts")
    compileall.compile_dir(target / "handouts", quiet=1)
    return target


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):  # check exits 1 on content errors: still timed
        raise SystemExit(f"{args} failed:\n{result.stderr.decode()}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


class Pairs:
    """Medians over alternating (baseline, command) pairs: times and per-pair ratios."""

    def __init__(
        self, args: list[str], env: dict[str, str], pairs: int, fresh_cache: Path | None = None
    ):
        """With `fresh_cache`, that folder is emptied before every run (a cold cache)."""
        rows = []
        for index in range(pairs):
            if fresh_cache is not None:
                shutil.rmtree(fresh_cache, ignore_errors=True)
            if index % 2:
                spent = run(args, env)
                base = run(BASELINE, env)
            else:
                base = run(BASELINE, env)
                spent = run(args, env)
            rows.append((*base, *spent))
        median = statistics.median
        self.pairs = pairs
        self.base_wall, self.base_cpu = median(r[0] for r in rows), median(r[1] for r in rows)
        self.wall, self.cpu = median(r[2] for r in rows), median(r[3] for r in rows)
        self.wall_ratio = median(r[2] / r[0] for r in rows)
        self.cpu_ratio = median(r[3] / r[1] for r in rows)

    def line(self, label: str) -> str:
        return (
            f"  {label:<32} wall {self.wall * 1000:5.0f} ms {self.wall_ratio:5.2f}x"
            f"   cpu {self.cpu * 1000:5.0f} ms {self.cpu_ratio:5.2f}x"
            f"   (baseline {self.base_wall * 1000:.0f} / {self.base_cpu * 1000:.0f} ms)"
        )


def import_breakdown(args: list[str], env: dict[str, str], top: int = 12) -> None:
    """Self import time by top-level package, for modules the baseline does not import."""

    def self_times(argv: list[str]) -> dict[str, int]:
        err = subprocess.run(
            [sys.executable, "-X", "importtime", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stderr
        found = {}
        for line in err.splitlines():
            if line.startswith("import time:") and "self [us]" not in line:
                fields = line.split("|")
                found[fields[2].strip()] = int(fields[0].split(":")[1])
        return found

    base, ours = self_times(BASELINE), self_times(args)
    extra = {name: us for name, us in ours.items() if name not in base}
    groups: Counter = Counter()
    for name, us in extra.items():
        groups[name.split(".")[0]] += us
    print(
        f"  imports (python -X importtime, self time): baseline {sum(base.values()) / 1000:.0f} ms;"
        f" the command adds {sum(extra.values()) / 1000:.0f} ms in {len(extra)} modules:"
    )
    print("    " + ", ".join(f"{name} {us / 1000:.1f}" for name, us in groups.most_common(top)))
    slowest = sorted(extra.items(), key=lambda item: -item[1])[:top]
    print("    slowest modules: " + ", ".join(f"{name} {us / 1000:.1f}" for name, us in slowest))


# Main steps of a cold build, as (file suffix, function name) in cProfile's terms.
STEPS = [
    ("imports (all, at every level)", ("<frozen importlib._bootstrap>", "_find_and_load")),
    ("  of which dataclass creation", ("dataclasses.py", "_process_class")),
    ("load content (content.load)", ("handouts/content/loader.py", "load")),
    ("  of which styles.yaml", ("handouts/content/style.py", "load")),
    ("  of which the content cache", ("handouts/content/loadcache.py", "recall")),
    ("code and fonts digest", ("handouts/content/fingerprint.py", "code_fingerprint")),
    ("missing glyphs check", ("handouts/deliver/build.py", "missing_glyphs")),
    ("compose", ("handouts/compose/composer.py", "compose")),
    ("render (layout + PDF)", ("handouts/render/pdf.py", "render")),
    ("  font loading (render/fonts.py)", ("handouts/render/fonts.py", "_family")),
    ("  reportlab TrueType parsing", ("reportlab/pdfbase/ttfonts.py", "extractInfo")),
    ("  layout and drawing (platypus)", ("reportlab/platypus/doctemplate.py", "handle_flowable")),
    ("  PDF save: subsets, zlib, objects", ("reportlab/pdfgen/canvas.py", "save")),
    ("  QR codes", ("handouts/render/qr.py", "draw")),
    ("  badge placement (leaders.place)", ("handouts/render/leaders.py", "place")),
    ("write the file", ("handouts/output.py", "write_atomic")),
]


def profile_breakdown(args: list[str], env: dict[str, str], scratch: Path) -> None:
    output = scratch / "cold.prof"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(output), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    stats = pstats.Stats(str(output)).stats  # {(file, line, name): (..., cumulative, ...)}
    total = max(entry[3] for entry in stats.values())
    print(f"  steps under cProfile (total {total * 1000:.0f} ms with the profiler's overhead):")
    for label, (suffix, name) in STEPS:
        spent = max(
            (
                entry[3]
                for (file, _, func), entry in stats.items()
                if func == name and file.replace(os.sep, "/").endswith(suffix)
            ),
            default=0.0,
        )
        print(f"    {label:<38} {spent * 1000:6.0f} ms  {spent / total:4.0%}")
    top = sorted(stats.items(), key=lambda item: -item[1][2])[:8]  # by own time
    print(
        "    most own time: "
        + ", ".join(
            f"{Path(file).name}:{func} {entry[2] * 1000:.0f}" for (file, _, func), entry in top
        )
    )


def report(pairs: int = 10, profile: bool = True) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        states = {"installed": installed_copy(scratch / "installed"), "checkout": ROOT / "src"}
        cmds = {label: ["-m", "handouts", *args] for label, args in commands(scratch).items()}
        print(
            f"cold start: a fresh process per run; median of {pairs} pairs, each with a fresh "
            f'`python -c "import reportlab.platypus"` (target <= {TARGET:g}x for the build)'
        )
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            print("  (PYTHONDONTWRITEBYTECODE is set: the checkout compiles our modules every run)")
        for state, path in states.items():
            env = {
                **os.environ,
                "HANDOUTS_CACHE": str(scratch / f"cache-{state}"),
                "PYTHONPATH": str(path),
            }
            for args in cmds.values():
                run(args, env)  # fill the cache: the front desk's normal state
            print(f" {state}:")
            for label, args in cmds.items():
                print(Pairs(args, env, pairs).line(label))
            emptied = max(pairs // 2, 3)
            print(
                Pairs(cmds[BUILD], env, emptied, fresh_cache=scratch / f"cache-{state}").line(
                    f"same build, empty cache ({emptied})"
                )
            )
        if profile:
            env = {
                **os.environ,
                "HANDOUTS_CACHE": str(scratch / "cache-installed"),
                "PYTHONPATH": str(states["installed"]),
            }
            run(cmds[BUILD], env)  # refill the cache the last runs emptied
            print("where the cold build's time goes (installed, warm cache):")
            import_breakdown(cmds[BUILD], env)
            profile_breakdown(cmds[BUILD], env, scratch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--no-profile", action="store_true", help="skip the time breakdown")
    options = parser.parse_args()
    report(options.pairs, not options.no_profile)


if __name__ == "__main__":
    main()
