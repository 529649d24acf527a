"""Are the PDFs the same? Build a fixed, broad set of PDFs, or compare two such sets byte for byte.

Run from the repository root:

    .venv/bin/python bench/same_pdfs.py build DIR          # this checkout's src/ -> DIR
    .venv/bin/python bench/same_pdfs.py compare DIR_A DIR_B

`build` runs the CLI of this checkout (src/ first on PYTHONPATH) in subprocesses, with a fixed
HANDOUTS_TODAY and SOURCE_DATE_EPOCH, a temporary HANDOUTS_CACHE and the bundled content/:
every condition x language x kind on A4, Letter, large print (A4 and Letter), the bilingual
edition, Japanese with furigana (the easy-Japanese edition is one of the languages), and personal
aftercare sheets with invented patients in each language, print size and edition. `compare`
prints each file that differs or is missing on one side, then `N files, M differ`, and exits 1
if any differ. A restructuring of the code (issue 15) must leave `compare` at 0 differ.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-21"
EPOCH = "1795219200"  # 2026-11-21 00:00 UTC

# (sub-directory, build options): every condition x language x kind in each.
BUILDS: list[tuple[str, list[str]]] = [
    ("a4", []),
    ("letter", ["--paper", "letter"]),
    ("large", ["--large-print"]),
    ("letter-large", ["--paper", "letter", "--large-print"]),
    ("bilingual", ["--edition", "bilingual"]),
    ("bilingual-en-ja", ["--edition", "bilingual", "--pair", "en:ja"]),
    ("bilingual-large", ["--edition", "bilingual", "--large-print"]),
    ("furigana", ["--furigana", "--lang", "ja"]),
    ("furigana-large", ["--furigana", "--lang", "ja", "--large-print"]),
]

# Invented patients (never real data): name, date, points, next visit, practitioner, note.
PATIENTS = [
    (
        "Alex Example",
        TODAY,
        "GB30,LV3",
        "2026-11-28 14:30",
        "Dr. Test",
        "Walk for ten minutes twice a day; keep the lower back warm.",
    ),
    (
        "山田 花子",
        TODAY,
        "BL23,BL40,GB34",
        "2026-12-03 10:00",
        "佐藤 一郎",
        "お風呂はぬるめにして、長く入らないでください。",
    ),
    ("Sam Placeholder", "2026-11-20", "ST36", None, None, None),
]

# (name, language, condition, patient index, extra options)
SHEETS: list[tuple[str, str, str, int, list[str]]] = [
    ("en-sciatica", "en", "sciatica", 0, []),
    ("en-leg-pain-letter", "en", "leg-pain", 0, ["--paper", "letter"]),
    ("en-sciatica-large", "en", "sciatica", 0, ["--large-print"]),
    ("ja-sciatica", "ja", "sciatica", 1, []),
    ("ja-leg-pain-large-letter", "ja", "leg-pain", 1, ["--large-print", "--paper", "letter"]),
    ("ja-sciatica-furigana", "ja", "sciatica", 1, ["--furigana"]),
    ("ja-sciatica-bilingual", "ja", "sciatica", 1, ["--edition", "bilingual"]),
    ("ja-x-easy-sciatica", "ja-x-easy", "sciatica", 1, []),
    ("ja-x-easy-leg-pain-large", "ja-x-easy", "leg-pain", 1, ["--large-print"]),
    ("en-leg-pain-minimal", "en", "leg-pain", 2, []),
    ("ja-leg-pain-minimal", "ja", "leg-pain", 2, []),
]


def run(args: list[str], env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "handouts", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(
            f"failed ({done.returncode}): handouts {' '.join(args)}\n{done.stdout}{done.stderr}"
        )


def build(target: Path) -> None:
    target = target.resolve()
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="same-pdfs-cache-") as cache:
        env = {
            **os.environ,
            "HANDOUTS_TODAY": TODAY,
            "SOURCE_DATE_EPOCH": EPOCH,
            "HANDOUTS_CACHE": cache,
            "PYTHONPATH": str(ROOT / "src"),
            "CI": "true",
        }
        for name in [
            key
            for key in env
            if key.startswith("HANDOUTS_") and key not in ("HANDOUTS_TODAY", "HANDOUTS_CACHE")
        ]:
            del env[name]  # a stray HANDOUTS_BUILD_PAPER etc. must not change the set
        for sub, options in BUILDS:
            run(["build", "--force", "--jobs", "2", "--out", str(target / sub), *options], env)
            print(f"built {sub}", flush=True)
        personal = target / "personal"
        personal.mkdir(exist_ok=True)
        for name, lang, condition, who, options in SHEETS:
            patient, date, points, next_visit, practitioner, note = PATIENTS[who]
            fields = ["--patient", patient, "--date", date, "--points", points]
            for flag, value in (
                ("--next", next_visit),
                ("--practitioner", practitioner),
                ("--note", note),
            ):
                if value is not None:
                    fields += [flag, value]
            run(
                [
                    "aftercare",
                    "--lang",
                    lang,
                    "--condition",
                    condition,
                    *fields,
                    *options,
                    "-o",
                    str(personal / f"{name}.pdf"),
                ],
                env,
            )
        print(f"built personal ({len(SHEETS)} sheets)", flush=True)
    count = len(pdfs(target))
    print(f"{count} PDFs in {target}")


def pdfs(directory: Path) -> set[str]:
    return {path.relative_to(directory).as_posix() for path in directory.rglob("*.pdf")}


def compare(first: Path, second: Path) -> int:
    a, b = pdfs(first), pdfs(second)
    if not a and not b:
        sys.exit(f"no PDFs in {first} or {second}")
    differ = 0
    for name in sorted(a | b):
        if name not in a:
            print(f"missing in {first}: {name}")
        elif name not in b:
            print(f"missing in {second}: {name}")
        elif (first / name).read_bytes() != (second / name).read_bytes():
            print(f"differs: {name}")
        else:
            continue
        differ += 1
    print(f"{len(a | b)} files, {differ} differ")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build the set into DIR").add_argument("dir", type=Path)
    comparing = commands.add_parser("compare", help="compare two built sets byte for byte")
    comparing.add_argument("first", type=Path)
    comparing.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        build(args.dir)
    else:
        sys.exit(compare(args.first, args.second))


if __name__ == "__main__":
    main()
