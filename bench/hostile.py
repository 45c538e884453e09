"""Hostile-input benchmark: does the work of a check and a build stay linear in what an editor saves?

Each class of hostile input found in review is written into a copy of the fixture forum
(`tests/fixture_site.py`) at two sizes, 100 KB and 1 MB, and the content check and a full build
are timed on each, in the same run:

- ids: `id=` repeated on one line (the page's id scan);
- url: one long `http://a.a.a…` token (the fingerprint's reference pattern);
- codespans: lines of code spans in one paragraph, then a lone `[` (the shortcode leftovers scan);
- links: `[a](` repeated on one line (Python-Markdown's link pattern);
- brackets: lines of unclosed `[` in one paragraph (the same pattern, within the line length);
- entities: lines of `&amp;` in one paragraph;
- lists: a list nested a thousand deep, repeated;
- toml: arrays nested 500 deep in the programme file, repeated.

A class refused by a limit of `ssc_forum.limits` counts with the time of its refusal. For each
class and step, growth is time(1 MB) / time(100 KB): linear work gives about 10, quadratic about
100. The real site's full build is timed in the same run. The last lines:

    hostile-real: build_s=Z worst_1mb_s=W (goal: at most 3 x build_s)
    hostile: worst_growth=R worst_check_s=X worst_build_s=Y

Goals: R at most 12, and no 1 MB input slower than three full builds of the real site.

    python bench/hostile.py            # every class at 100 KB and 1 MB (a few minutes)
    python bench/hostile.py --quick    # 2 KB and 20 KB, the check only (tests/test_bench.py, seconds)
    python bench/hostile.py --only links --only lists
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

TIMEOUT_S = 900
"""A step still running after this long is stopped and reported as such (it counts as this long)."""

GROWTH_GOAL = 12.0
REAL_BUILD_FACTOR = 3.0


def _one_line(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _paragraph(unit: str, size: int, width: int = 1000) -> str:
    line = unit * max(1, width // len(unit))
    return "\n".join([line] * max(1, size // (len(line) + 1)))


def _fill(block: str, size: int) -> str:
    return "\n\n".join([block] * max(1, size // (len(block) + 2)))[:size]


CLASSES: dict[str, Callable[[int], str]] = {
    "ids": lambda size: _one_line("id=", size),
    "url": lambda size: "http://" + _one_line("a.", size),
    "codespans": lambda size: _paragraph("`a` ", size) + "\n\n[",
    "links": lambda size: _one_line("[a](", size),
    "brackets": lambda size: _paragraph("[", size),
    "entities": lambda size: _paragraph("&amp;", size),
    "lists": lambda size: _fill("\n".join("    " * level + "- x" for level in range(1000)), size),
    "toml": lambda size: _fill("x = " + "[" * 500 + "]" * 500, size),
}
"""Each class: its text at about `size` bytes (the programme's extra lines for toml, else a session's body)."""


def write_case(root: Path, cls: str, size: int) -> Path:
    """A fixture forum with one class of hostile input of about `size` bytes; returns its content folder."""
    from fixture_site import write_fixture_site

    content = write_fixture_site(root)
    text = CLASSES[cls](size)
    if cls == "toml":
        path = content / "programme.toml"
        path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")
    else:
        path = content / "sessions" / "keynote.en.md"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")
    return content


def check_worker(folders: list[str]) -> None:
    """In a child process: check each content folder and print one JSON line per folder."""
    import logging

    logging.disable(logging.WARNING)
    from tasks import content_problem_list

    for folder in folders:
        started = time.perf_counter()
        problems = content_problem_list(Path(folder))
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "folder": folder,
                    "seconds": seconds,
                    "problems": len(problems),
                    "first": str(problems[0])[:160] if problems else "",
                }
            ),
            flush=True,
        )


def run_checks(folders: list[Path]) -> dict[Path, tuple[float, str]]:
    """Check the folders in one child process: folder -> (seconds, outcome)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--check-worker", *map(str, folders)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * len(folders),
        check=False,
    )
    results: dict[Path, tuple[float, str]] = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            outcome = f"refused: {row['first']}" if row["problems"] else "passed"
            results[Path(row["folder"])] = (row["seconds"], outcome)
    missing = [f for f in folders if f not in results]
    if missing:
        raise SystemExit(
            f"hostile.py: the check stopped (exit {proc.returncode}) before {missing[0]}:\n"
            f"{(proc.stdout + proc.stderr)[-3000:]}"
        )
    return results


def run_build(content: Path, output: Path) -> tuple[float, str]:
    """A full build as `invoke build` runs it (a child process, both cores): (seconds, outcome)."""
    cmd = [
        sys.executable,
        "-m",
        "ssc_forum.parallel",
        str(content),
        "-s",
        str(ROOT / "pelicanconf.py"),
        "-o",
        str(output),
        "--fatal",
        "errors",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SSC_REVISION": "hostile-bench"}
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return float(TIMEOUT_S), f"stopped after {TIMEOUT_S} s"
    seconds = time.perf_counter() - started
    log = proc.stdout + proc.stderr
    if proc.returncode == 0:
        return seconds, "built"
    if "Traceback" in log or "problem(s) in the content" not in log:
        return seconds, "CRASHED: " + log.strip().splitlines()[-1][:160]
    first = next((line.strip() for line in log.splitlines() if line.startswith("  ")), "")
    return seconds, f"refused: {first[:160]}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 2 KB and 20 KB, the check only (builds take seconds each)"
    )
    parser.add_argument("--only", action="append", choices=sorted(CLASSES), help="only this class (repeatable)")
    parser.add_argument("--check-worker", nargs="+", metavar="CONTENT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Write, check and build every class at both sizes; print the figures. Returns the exit status."""
    args = parse_args(argv)
    if args.check_worker:
        check_worker(args.check_worker)
        return 0
    classes = args.only or list(CLASSES)
    small, large = (2_000, 20_000) if args.quick else (100_000, 1_000_000)
    built = set() if args.quick else set(classes)
    print(
        f"Hostile-input benchmark: {', '.join(classes)} at {small:,} and {large:,} bytes; "
        f"Python {sys.version.split()[0]}",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="ssc-hostile-"))
    try:
        folders = {
            (cls, size): write_case(work / f"{cls}-{size}", cls, size) for cls in classes for size in (small, large)
        }
        checked = run_checks(list(folders.values()))
        times: dict[tuple[str, str, int], float] = {}
        print(f"  {'class':<10} {'step':<6} {'size':>9} {'seconds':>8}  outcome")
        for (cls, size), content in folders.items():
            rows = [("check", *checked[content])]
            if cls in built:
                rows.append(("build", *run_build(content, content.parent / "output")))
            for step, seconds, outcome in rows:
                times[(cls, step, size)] = seconds
                print(f"  {cls:<10} {step:<6} {size:>9,} {seconds:8.2f}  {outcome}", flush=True)
                if outcome.startswith(("CRASHED", "stopped")):
                    print(f"FLAG: {cls} {step} at {size:,} bytes: {outcome}")
        real_s = None
        if not args.quick:
            copy = work / "real" / "content"
            shutil.copytree(ROOT / "content", copy)
            real_s, outcome = run_build(copy, copy.parent / "output")
            if outcome != "built":
                raise SystemExit(f"hostile.py: the real site did not build: {outcome}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    growth = {
        (cls, step): times[(cls, step, large)] / max(times[(cls, step, small)], 1e-3)
        for (cls, step, size) in times
        if size == small
    }
    print("  growth (time at the larger size / time at the smaller):")
    for (cls, step), ratio in sorted(growth.items(), key=lambda item: -item[1]):
        print(f"    {cls:<10} {step:<6} {ratio:6.1f}")
    worst_growth = max(growth.values())
    worst_check = max(s for (_, step, size), s in times.items() if step == "check" and size == large)
    worst_build = max((s for (_, step, size), s in times.items() if step == "build" and size == large), default=0.0)
    status = 0
    if real_s is not None:
        worst_large = max(worst_check, worst_build)
        print(
            f"hostile-real: build_s={real_s:.2f} worst_1mb_s={worst_large:.2f} "
            f"(goal: at most {REAL_BUILD_FACTOR:g} x build_s = {REAL_BUILD_FACTOR * real_s:.2f})"
        )
        if worst_large > REAL_BUILD_FACTOR * real_s:
            print(f"FLAG: a 1 MB input took {worst_large:.2f} s, more than {REAL_BUILD_FACTOR:g} real builds")
            status = 1
        if worst_growth > GROWTH_GOAL:
            print(f"FLAG: worst growth {worst_growth:.1f} is above the goal of {GROWTH_GOAL:g}")
            status = 1
    print(f"hostile: worst_growth={worst_growth:.1f} worst_check_s={worst_check:.2f} worst_build_s={worst_build:.2f}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
