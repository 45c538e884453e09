"""Edit-loop benchmark: how long from saving one Markdown file to its page being written.

For each site (a copy of the real content, and the synthetic programme of `scale.py`) it keeps a
live site (`ssc_forum.incremental.LiveSite`, what `invoke livereload` runs), makes one-file edits
of different kinds and times each update until the pages are written:

- session text: a paragraph added to a session's body;
- session title: a title every list, the timetable and the neighbouring sessions show;
- speaker: a speaker's name, shown on the pages of their sessions;
- case: a paragraph added to a city case.

and times a full build of the same site, with the same plugins, in the same run. The post-build
steps (search index, sitemap, `.gz` copies, font subset) are left out of both: the edit loop runs
them after the page is written (`LiveSite.finish`), and a full build of the preview does not need
them either. The last line per site:

    edit-loop: sessions=N incremental_ms=X full_ms=Y

where X is the median of the edits and Y the full build.

    python bench/edit_loop.py              # the real site and 1,600 sessions (a few minutes)
    python bench/edit_loop.py --quick      # the real site and a tiny programme (tests/test_bench.py)
    python bench/edit_loop.py --site real  # one site only
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(BENCH))

import scale  # noqa: E402  (bench/ is on the path)

POST_BUILD_PLUGINS = ("ssc_search", "ssc_publish", "ssc_theme")
"""Plugins that work on the finished tree; the edit loop runs them after the page is written."""


def _plugins() -> list[str]:
    from pelican.settings import read_settings

    return [p for p in read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"] if p not in POST_BUILD_PLUGINS]


def _first(folder: Path, lang: str, avoid: str = "") -> Path:
    files = sorted(p for p in folder.glob(f"*.{lang}.md") if not avoid or avoid not in p.name)
    if not files:
        raise SystemExit(f"edit_loop.py: no {lang} file in {folder}")
    return files[len(files) // 2]  # one from the middle, not the first of the programme


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")


def _retitle(path: Path, suffix: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(r"^(Title:\s*)(.*)$", lambda m: m.group(1) + m.group(2) + suffix, text, count=1,
                     flags=re.MULTILINE | re.IGNORECASE)
    if n != 1:
        raise SystemExit(f"edit_loop.py: {path} has no Title field")
    path.write_text(new, encoding="utf-8")


def edits(content: Path) -> list[tuple[str, Path, Callable[[Path], None]]]:
    """The edits, one file each: (kind, file, change)."""
    return [
        ("session text", _first(content / "sessions", "ko"), lambda p: _append(p, "편집하며 덧붙인 문단입니다.")),
        ("session title", _first(content / "sessions", "en"), lambda p: _retitle(p, " (revised)")),
        ("speaker", _first(content / "speakers", "en"), lambda p: _retitle(p, " Jr.")),
        ("case", _first(content / "cases", "ko"), lambda p: _append(p, "사례에 덧붙인 문단입니다.")),
    ]


def measure(name: str, content: Path, work: Path, *, warm_up: bool) -> tuple[int, float, float]:
    """Edit-loop and full-build times of one site; prints a line per edit. Returns (sessions, inc ms, full ms)."""
    from ssc_forum.incremental import LiveSite

    sessions = len(list((content / "sessions").glob("*.ko.md")))
    with LiveSite(ROOT / "pelicanconf.py", content, work / "output", {"PLUGINS": _plugins()}) as site:
        first = site.full_build()
        if first.kind != "full":
            raise SystemExit(f"edit_loop.py: the {name} site does not build:\n" + "\n".join(first.problems))
        full_ms = 1000 * first.seconds
        if warm_up:  # the first build in a process also compiles templates and imports: time a second one
            again = site.full_build()
            full_ms = 1000 * again.seconds
        print(f"  {name}: full build {full_ms:.0f} ms ({len(first.written)} pages and exports), "
              f"sessions={sessions}", flush=True)
        times = []
        for kind, path, change in edits(content):
            change(path)
            update = site.update([path])
            if update.kind != "incremental":
                raise SystemExit(f"edit_loop.py: the {kind} edit was not incremental ({update.kind}: "
                                 f"{update.reason}) {update.problems[:3]}")
            times.append(1000 * update.seconds)
            print(f"    {kind:<14} {1000 * update.seconds:8.0f} ms  {len(update.written):>5} files written "
                  f"({update.reason})", flush=True)
        finish_s = site.finish()
        print(f"    post-build steps afterwards: {1000 * finish_s:.0f} ms (none loaded in this pipeline)"
              if finish_s < 0.01 else f"    post-build steps afterwards: {1000 * finish_s:.0f} ms")
    inc_ms = statistics.median(times)
    print(f"  {name}: median {inc_ms:.0f} ms = {inc_ms / full_ms:.3f}x the full build")
    return sessions, inc_ms, full_ms


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: the real site and a 12-session programme, no warm-up build")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="time the first full build (which also compiles templates) instead of a second one")
    parser.add_argument("--site", choices=("real", "scale"), action="append", help="only this site (repeatable)")
    parser.add_argument("--days", type=int, default=10, help="scale programme: days (default 10)")
    parser.add_argument("--rooms", type=int, default=8, help="scale programme: rooms (default 8)")
    parser.add_argument("--slots", type=int, default=20, help="scale programme: slots a day (default 20)")
    parser.add_argument("--speakers", type=int, default=1000, help="scale programme: speakers (default 1000)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    """Measure each site and print its figures."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("pelican").setLevel(logging.ERROR)
    sites = args.site or ["real", "scale"]
    if args.quick:
        size = scale.Size(1, 3, 4, 10, 2, 3)
    else:
        size = scale.Size(args.days, args.rooms, args.slots, args.speakers, 20, 3)
    print(f"Edit-loop benchmark: sites {', '.join(sites)}; Python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="ssc-edit-loop-"))
    lines = []
    try:
        for name in sites:
            content = work / name / "content"
            if name == "real":
                shutil.copytree(ROOT / "content", content)
            else:
                started = time.perf_counter()
                n = scale.write_content(scale.make_programme(size), content)
                print(f"  scale: wrote {n} Markdown files in {time.perf_counter() - started:.1f} s", flush=True)
            sessions, inc_ms, full_ms = measure(name, content, work / name,
                                                warm_up=not (args.quick or args.no_warm_up))
            lines.append(f"edit-loop: sessions={sessions} incremental_ms={inc_ms:.0f} full_ms={full_ms:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
