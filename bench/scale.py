"""Scale benchmark of the forum plugin.

Writes a synthetic programme (by default 10 days x 8 rooms x 20 slots = 1,600
sessions and 1,000 speakers, both languages: about 5,200 Markdown files) into a
temporary folder and builds it, each build in a fresh Python process so that
its peak memory is its own:

1. with the forum plugin: the real `pelicanconf.py` with the content, output and
   cache folders moved, and `ssc_search`, `ssc_publish` and `ssc_theme` left out
   (the pagefind index, the sitemap, the gzip copies and the font subset are
   post-build steps on the finished tree, not the forum plugin's work);
2. with plain Pelican on the same files, as ordinary pages under a minimal theme
   of its own (the baseline the ratios are taken against), and as articles with
   and without Pelican's listing pages (tag, category, author, archives) to show
   what dropping those saves.

It then times the plugin's in-memory model work (field checks, the cross-file
checks of `crosscheck.check_across`, `model.build`, `timetable.grids`) for growing
programmes and prints time / (n log2 n), so that anything worse than n log n
shows as a growing ratio.

Run from the project's root with its virtualenv:

    python bench/scale.py                    # the default programme (takes a few minutes)
    python bench/scale.py --small            # a quick run
    python bench/scale.py --quick            # a smoke test (tests/test_bench.py runs it)
    python bench/scale.py --days 4 --rooms 6 --slots 12 --speakers 300
    python bench/scale.py --growth-only      # only the in-memory growth table
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
from pathlib import Path
from typing import Any

# Beside this file: what is printed (scale_report.py), the programme (synthetic.py), one build in its own
# process (scale_child.py) and the growth table (scale_growth.py).
from scale_child import ROOT, child_main, write_minimal_theme
from scale_growth import growth_row
from scale_report import (
    BUILDS,
    Build,
    print_builds,
    print_growth,
    print_plugin_share,
    print_ratios,
    print_steps_called,
    print_summary,
)
from synthetic import Size, day_layout, make_programme, write_content

DEFAULT_GROWTH_N = (200, 400, 800, 1600, 3200)
SMALL_GROWTH_N = (100, 200, 400, 800)
QUICK_GROWTH_N = (20, 40)


RAM_DISK = Path("/dev/shm")
"""Where the builds write their sites, where it exists: a file system in memory, the same for every build.
On disk, each build's file creation depended on what the builds before it had deleted (ext4 without a
journal, as on these machines, passes over inodes freed in the last minutes when it creates a file),
which moved the ratios between runs by more than the differences measured."""


def _best(kept: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Of two runs of one build: the faster one's times, the larger peak memory, every run's build s."""
    rounds = [*(kept or {}).get("rounds_s", []), new["build_s"]]
    best = new if kept is None or new["build_s"] < kept["build_s"] else kept
    peaks = {key: max((kept or {}).get(key, 0), new.get(key, 0)) for key in ("rss_peak_kb", "rss_children_kb")}
    return {**best, **peaks, "rounds_s": rounds}


def run_build(build: Build, work: Path, content: Path, theme: Path, out_root: Path) -> dict[str, Any]:
    """Run one build in a child process; return its measurements (and its log's warnings)."""
    out = work / build.key
    paths = {
        "content": str(content),
        "output": str(out_root / build.key / "output"),
        "cache": str(out / "cache"),
        "theme": str(theme),
    }
    out.mkdir(parents=True, exist_ok=True)
    spec_file, result_file = out / "spec.json", out / "result.json"
    spec_file.write_text(json.dumps({"key": build.key, "paths": paths, "result": str(result_file)}), encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(spec_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0 or not result_file.exists():
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"the {build.label} build failed (exit status {proc.returncode})")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result["wall_s"] = wall
    result["warnings"] = [line for line in proc.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    shutil.rmtree(out_root / build.key, ignore_errors=True)  # on a RAM disk, the memory back
    return result


# --- command line -----------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=10, help="days of the programme (default 10)")
    parser.add_argument("--rooms", type=int, default=8, help="parallel rooms (default 8)")
    parser.add_argument("--slots", type=int, default=20, help="sessions per room and day (default 20)")
    parser.add_argument("--speakers", type=int, default=1000, help="speakers (default 1000)")
    parser.add_argument("--cases", type=int, default=20, help="city case studies (default 20)")
    parser.add_argument("--pages", type=int, default=3, help="plain pages; the first two show timetables (default 3)")
    parser.add_argument(
        "--small",
        action="store_true",
        help="quick run: 2 days x 4 rooms x 10 slots, 60 speakers, 4 cases; growth up to n=800",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 1 day x 3 rooms x 4 slots, 10 speakers, 2 cases; growth n=20,40 once",
    )
    parser.add_argument(
        "--growth",
        type=str,
        default=None,
        help="comma-separated session counts of the growth table (default 200,400,800,1600,3200)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="growth table: best of this many runs (default 3)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the builds this many times, every other time in reverse order; each build's "
        "fastest run is reported, with its largest peak memory (default 1)",
    )
    parser.add_argument("--growth-only", action="store_true", help="skip the builds")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth table")
    parser.add_argument(
        "--only", choices=[b.key for b in BUILDS], action="append", help="run only this build (may be repeated)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    parser.add_argument(
        "--on-disk",
        action="store_true",
        help="write the built sites to disk, not to a RAM disk (where the machine has one)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.small:
        args.days, args.rooms, args.slots, args.speakers, args.cases, args.pages = 2, 4, 10, 60, 4, 3
    if args.quick:
        args.days, args.rooms, args.slots, args.speakers, args.cases, args.pages = 1, 3, 4, 10, 2, 3
        args.repeat = 1
    growth = args.growth or ",".join(
        map(str, QUICK_GROWTH_N if args.quick else SMALL_GROWTH_N if args.small else DEFAULT_GROWTH_N)
    )
    args.growth_n = [int(v) for v in growth.split(",") if v.strip()]
    if min(args.days, args.rooms, args.slots) < 1 or args.speakers < 0 or args.cases < 0 or args.pages < 0:
        parser.error("days, rooms and slots must be at least 1; speakers, cases and pages at least 0")
    if min(args.growth_n) < 2:
        parser.error("growth sizes must be at least 2 (log2 n must not be 0)")
    return args


def main(argv: list[str]) -> None:
    """Write the programme, run the builds and the growth table, print the figures."""
    args = parse_args(argv)
    if args.child:
        child_main(args.child)
        return
    size = Size(args.days, args.rooms, args.slots, args.speakers, args.cases, args.pages)
    day_layout(size.slots)  # fail early on an impossible day
    print(
        f"Scale benchmark of the forum plugin: {size.days} days x {size.rooms} rooms x {size.slots} slots = "
        f"{size.n_sessions} sessions, {size.speakers} speakers, {size.cases} cases, {size.pages} pages; "
        f"Python {sys.version.split()[0]}"
    )
    work = Path(tempfile.mkdtemp(prefix="ssc-scale-"))
    ram: Path | None = None
    all_called = True
    try:
        if not args.growth_only:
            started = time.perf_counter()
            n_files = write_content(make_programme(size), work / "content")
            print(f"Wrote {n_files} Markdown files and programme.toml in {time.perf_counter() - started:.1f} s")
            theme = write_minimal_theme(work / "minimal-theme")
            out_root = work
            if not args.on_disk and RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
                ram = Path(tempfile.mkdtemp(prefix="ssc-scale-out-", dir=RAM_DISK))
                out_root = ram
            print("Each build writes its site to " + ("a RAM disk (tmpfs)" if ram else "the temporary folder on disk"))
            results: dict[str, dict[str, Any]] = {}
            chosen = [build for build in BUILDS if not args.only or build.key in args.only]
            for round_ in range(args.rounds):
                # Every other round in the reverse order: no build always follows the same one.
                for build in chosen if round_ % 2 == 0 else chosen[::-1]:
                    print(
                        f"  building: {build.label} …" + (f" (round {round_ + 1})" if args.rounds > 1 else ""),
                        flush=True,
                    )
                    results[build.key] = _best(
                        results.get(build.key), run_build(build, work, work / "content", theme, out_root)
                    )
            print_builds(results, n_files, size)
            if "plugin" in results:
                print_plugin_share(results["plugin"])
            print_ratios(results)
            all_called = print_steps_called(results)
            print_summary(results, size)
        if not args.no_growth:
            rows = []
            for n in args.growth_n:
                print(f"  growth: n = {n} …", flush=True)
                rows.append((n, growth_row(n, size, args.repeat)))
            print_growth(rows, size, args.repeat)
    finally:
        if ram is not None:
            shutil.rmtree(ram, ignore_errors=True)
        if args.keep:
            print(f"\nKept the temporary folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if not all_called:
        raise SystemExit("scale.py: some instrumented steps were never called (see FLAG above)")


if __name__ == "__main__":
    main(sys.argv[1:])
