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
checks of `content._check_across`, `model.build`, `timetable.grids`) for growing
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
import gc
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

# Beside this file: what is printed (scale_report.py) and the programme (synthetic.py; scale.Size and the rest
# stay reachable from here for edit_loop.py and search.py).
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
from synthetic import FOLDERS, LANGS, Programme, Size, day_layout, make_programme, write_content

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "pelicanconf.py"
PLUGINS_DIR = ROOT / "plugins"
# Plugins that run after the pages are written and are not the forum plugin's work.
NOT_FORUM_PLUGINS = ("ssc_search", "ssc_publish", "ssc_theme")
# Listing pages the real configuration turns off; the "listings" baseline turns them back on.
LISTING_KINDS = ("TAG", "TAGS", "CATEGORY", "CATEGORIES", "AUTHOR", "AUTHORS", "ARCHIVES")
DEFAULT_GROWTH_N = (200, 400, 800, 1600, 3200)
SMALL_GROWTH_N = (100, 200, 400, 800)
QUICK_GROWTH_N = (20, 40)


# --- the minimal theme of the plain-Pelican baselines -----------------------------------------

_HEAD = (
    '<!DOCTYPE html>\n<html lang="{{ DEFAULT_LANG }}">\n<head><meta charset="utf-8">'
    "<title>{{ TITLE }} · {{ SITENAME }}</title></head>\n<body>\n"
)
_LIST = (
    '<ul>{% for article in articles %}<li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a>'
    "</li>{% endfor %}</ul>\n"
)
_MINIMAL_TEMPLATES = {
    # Title and content only: the baselines measure Pelican, not a theme.
    "page.html": _HEAD.replace("TITLE", "page.title") + "<h1>{{ page.title }}</h1>\n{{ page.content|safe }}\n",
    "article.html": _HEAD.replace("TITLE", "article.title")
    + "<h1>{{ article.title }}</h1>\n{{ article.content|safe }}\n",
    "index.html": _HEAD.replace("TITLE", "SITENAME") + _LIST,
    "tag.html": _HEAD.replace("TITLE", "tag") + "<h1>{{ tag }}</h1>\n" + _LIST,
    "category.html": _HEAD.replace("TITLE", "category") + "<h1>{{ category }}</h1>\n" + _LIST,
    "author.html": _HEAD.replace("TITLE", "author") + "<h1>{{ author }}</h1>\n" + _LIST,
    "archives.html": _HEAD.replace("TITLE", "SITENAME") + _LIST,
    "period_archives.html": _HEAD.replace("TITLE", "SITENAME") + _LIST,
    "tags.html": _HEAD.replace("TITLE", "SITENAME")
    + '<ul>{% for tag, articles in tags %}<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> '
    "({{ articles|length }})</li>{% endfor %}</ul>\n",
    "categories.html": _HEAD.replace("TITLE", "SITENAME")
    + '<ul>{% for category, articles in categories %}<li><a href="{{ SITEURL }}/{{ category.url }}">'
    "{{ category }}</a> ({{ articles|length }})</li>{% endfor %}</ul>\n",
    "authors.html": _HEAD.replace("TITLE", "SITENAME")
    + '<ul>{% for author, articles in authors %}<li><a href="{{ SITEURL }}/{{ author.url }}">{{ author }}</a> '
    "({{ articles|length }})</li>{% endfor %}</ul>\n",
}


def write_minimal_theme(theme: Path) -> Path:
    """Write the baselines' theme (templates only, an empty static folder) and return its folder."""
    (theme / "templates").mkdir(parents=True, exist_ok=True)
    (theme / "static").mkdir(exist_ok=True)
    for name, text in _MINIMAL_TEMPLATES.items():
        (theme / "templates" / name).write_text(text + "</body>\n</html>\n", encoding="utf-8")
    return theme


# --- builds, each in its own process ----------------------------------------------------------


def _settings_overrides(key: str, paths: dict[str, str]) -> dict[str, Any]:
    """The settings a build of that kind puts over pelicanconf.py."""
    from pelican.settings import DEFAULT_CONFIG, get_settings_from_file

    configured = get_settings_from_file(str(SETTINGS_FILE))
    base = {"PATH": paths["content"], "OUTPUT_PATH": paths["output"], "CACHE_PATH": paths["cache"]}
    if key in ("plugin", "parallel"):
        plugins = [p for p in configured["PLUGINS"] if p not in NOT_FORUM_PLUGINS]
        if key == "parallel":
            return {**base, "PLUGINS": plugins, "PELICAN_CLASS": "ssc_forum.ParallelPelican"}
        return {**base, "PLUGINS": plugins}
    plain = {
        **base,
        "THEME": paths["theme"],
        "PLUGINS": ["pelican.plugins.i18n_subsites"],
        # Folder as `{folder}` in URLs: the plain pages land where the forum's own pages do.
        "PATH_METADATA": r"(?P<folder>[^/]+)/.*",
    }
    if key == "pages":
        return {
            **plain,
            "PAGE_PATHS": list(FOLDERS),
            "PAGE_URL": "{folder}/{slug}/",
            "PAGE_SAVE_AS": "{folder}/{slug}/index.html",
        }
    articles = {
        **plain,
        "ARTICLE_PATHS": list(FOLDERS),
        "PAGE_PATHS": [],
        # `{folder}`, not `{category}`: Pelican takes the folder as category only when
        # category pages are on, and the real settings turn them off.
        "ARTICLE_URL": "{folder}/{slug}/",
        "ARTICLE_SAVE_AS": "{folder}/{slug}/index.html",
        # The files have no date; Pelican skips an article without one.
        "DEFAULT_DATE": (2020, 9, 22),
    }
    if key == "articles":
        return articles
    listings = dict(articles)
    for kind in LISTING_KINDS:
        for suffix in ("SAVE_AS", "URL"):
            name = f"{kind}_{suffix}"
            # Direct templates (tags, categories, …) have no entry in Pelican's defaults: `<name>.html`.
            listings[name] = DEFAULT_CONFIG.get(name, f"{kind.lower()}.html" if suffix == "SAVE_AS" else "")
    listings["DIRECT_TEMPLATES"] = list(DEFAULT_CONFIG["DIRECT_TEMPLATES"])
    return listings


RAM_DISK = Path("/dev/shm")
"""Where the builds write their sites, where it exists: a file system in memory, the same for every build.
On disk, each build's file creation depended on what the builds before it had deleted (ext4 without a
journal, as on these machines, passes over inodes freed in the last minutes when it creates a file),
which moved the ratios between runs by more than the differences measured."""


class _Timer:
    """Accumulated wall time per name, for methods wrapped inside a build."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.per_call: dict[str, list[float]] = defaultdict(list)

    def wrap(self, name: str | Callable[..., str], func: Callable[..., Any]) -> Callable[..., Any]:
        """`func`, timed under `name` (or under the name `name(*args, **kwargs)` returns)."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            key = name(*args, **kwargs) if callable(name) else name
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                self.total[key] += spent
                self.calls[key] += 1
                self.per_call[key].append(spent)

        timed.__wrapped__ = func  # type: ignore[attr-defined]
        return timed


def _instrument_pelican(timer: _Timer) -> list[str]:
    """Time every Pelican generator's context and output phases (the plain builds' reading and writing).

    Returns the keys every build must call.
    """
    from pelican import generators

    for cls in (
        generators.ArticlesGenerator,
        generators.PagesGenerator,
        generators.StaticGenerator,
        generators.TemplatePagesGenerator,
        generators.SourceFileGenerator,
    ):
        for phase in ("generate_context", "generate_output"):
            if phase in cls.__dict__:
                setattr(cls, phase, timer.wrap(f"pelican.{phase}", cls.__dict__[phase]))
    return ["pelican.generate_context", "pelican.generate_output"]


# The forum plugin's steps the plugin build times: (module under ssc_forum, attribute, key). The
# callers look these up as module attributes at call time, so the wrappers are the ones called.
# A step that disappears in a refactor stops the benchmark with its name; one that is no longer
# called is flagged in the report (and fails the smoke test in tests/test_bench.py).
FORUM_STEPS = (
    # The generator module imported read_content by name, so it is replaced there.
    ("generator", "read_content", "read_content"),
    ("content", "_check_across", "check_across"),
    ("model", "build", "model_build"),
    # generate_context puts `timetable.grids` into the template context, so this wrapper is the one called.
    ("timetable", "grids", "timetable_grids"),
    ("exports", "write_calendars", "exports:calendars"),
    ("exports", "write_schedules", "exports:schedules"),
    # The steps of the exports; the two writers reach them through these module attributes.
    ("exports.ical", "_assemble", "export:calendars"),
    ("exports.ical", "_event", "ical:event"),
    ("exports.ical", "_timezone_bytes", "ical:vtimezone"),
    ("exports", "schedule_data", "export:schedule_data"),
    ("exports.schedule_xml", "render", "export:schedule_xml"),
    ("exports.schedule_json", "render", "export:schedule_json"),
)


class InstrumentError(SystemExit):
    """A step the benchmark times no longer exists: the benchmark must be updated with the code."""


def _instrument_forum(timer: _Timer) -> list[str]:
    """Time the forum plugin's phases and the steps inside them; return the keys that must be called.

    The plugin is imported here, before Pelican loads it: Pelican reuses a plugin module
    already in `sys.modules`, so the build runs the wrapped methods.
    """
    import importlib

    sys.path.insert(0, str(PLUGINS_DIR))
    import ssc_forum.generator as generator

    gen = generator.ForumGenerator
    for name in ("generate_context", "generate_output", "_write", "_expand_all"):
        if not callable(getattr(gen, name, None)):
            raise InstrumentError(f"bench/scale.py: ForumGenerator.{name} is gone; update the benchmark")
    # Keyed by the language site, to show that each language's generator does the same work.
    gen.generate_context = timer.wrap(lambda self: f"context:{self.settings['DEFAULT_LANG']}", gen.generate_context)
    gen.generate_output = timer.wrap(
        lambda self, writer: f"output:{self.settings['DEFAULT_LANG']}", gen.generate_output
    )
    gen._write = timer.wrap(lambda self, *a, **k: f"write:{k.get('page_kind')}", gen._write)
    gen._expand_all = timer.wrap("expand_shortcodes", gen._expand_all)
    keys = ["expand_shortcodes"]
    for module_name, attr, key in FORUM_STEPS:
        module = importlib.import_module(f"ssc_forum.{module_name}")
        func = getattr(module, attr, None)
        if not callable(func):
            raise InstrumentError(f"bench/scale.py: ssc_forum.{module_name}.{attr} is gone; update FORUM_STEPS")
        setattr(module, attr, timer.wrap(key, func))
        keys.append(key)
    # Inside the calendars: the calendars' own header lines, serialised once per calendar.
    from icalendar import Calendar

    Calendar.to_ical = timer.wrap("ical:to_ical", Calendar.to_ical)
    return [*keys, "ical:to_ical"]


def _count_output(output: Path) -> tuple[int, int]:
    """(HTML pages, other files) written under `output`."""
    html = other = 0
    for path in output.rglob("*"):
        if path.is_file():
            if path.suffix == ".html":
                html += 1
            else:
                other += 1
    return html, other


def child_main(spec_file: str) -> None:
    """Run one build in this (fresh) process and write what it measured as JSON."""
    import logging
    import resource

    started = time.perf_counter()
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from pelican import Pelican, signals
    from pelican.settings import read_settings

    timer = _Timer()
    required = _instrument_pelican(timer)
    if spec["key"] == "plugin":
        required += _instrument_forum(timer)
    if spec["key"] == "listings":
        from pelican.urlwrappers import Tag

        def people_as_tags(_generator: Any, metadata: dict[str, Any]) -> None:
            # A stock Pelican site would tag a talk with its people: one tag page per person.
            names = [s.strip() for key in ("hosts", "speakers") for s in str(metadata.get(key, "")).split(",")]
            metadata["tags"] = [Tag(name, _generator.settings) for name in dict.fromkeys(n for n in names if n)]

        signals.article_generator_context.connect(people_as_tags)

    rss_start_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    build_started = time.perf_counter()
    settings = read_settings(str(SETTINGS_FILE), override=_settings_overrides(spec["key"], spec["paths"]))
    if spec["key"] == "parallel":
        sys.path.insert(0, str(PLUGINS_DIR))
        import ssc_forum
        from ssc_forum.parallel import ParallelPelican

        # Pelican (and i18n-subsites for the sub-site) look PELICAN_CLASS up on the top package.
        ssc_forum.ParallelPelican = ParallelPelican  # type: ignore[attr-defined]
        ParallelPelican(settings).run()
    else:
        Pelican(settings).run()
    build_s = time.perf_counter() - build_started
    html, other = _count_output(Path(spec["paths"]["output"]))
    result = {
        "build_s": build_s,
        "process_s": time.perf_counter() - started,
        "html": html,
        "other": other,
        "rss_start_kb": rss_start_kb,
        "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        # Processes this build forked (the parallel build's workers and sub-site): the largest one.
        "rss_children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "timer": {"total": timer.total, "calls": timer.calls, "per_call": timer.per_call},
        "required": required,
    }
    Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")


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


# --- growth of the plugin's own model work ----------------------------------------------------


def _import_forum() -> Any:
    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))
    import ssc_forum.content as content

    return content


def _in_memory_records(prog: Programme) -> Iterator[tuple[Any, str, dict[str, str], str]]:
    """(content type, path, raw metadata, HTML body) for each item: what the Markdown reader would return."""
    content = _import_forum()
    for item in prog.items:
        ctype = content.schema.BY_FOLDER[item.folder]
        # A fixed paragraph: the growth table measures checks and model, not Markdown.
        yield ctype, f"content/{item.folder}/{item.slug}.{item.lang}.md", item.fields, "<p>Body.</p>"


def _best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    best, value = math.inf, None
    for _ in range(repeat):
        gc.collect()  # collect garbage of the previous run outside the timed region
        started = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - started)
    return best, value


def growth_row(n: int, shape: Size, repeat: int) -> dict[str, float]:
    """Best-of-`repeat` seconds of each step of the plugin's model work for a programme of n sessions."""
    from zoneinfo import ZoneInfo

    content = _import_forum()
    from ssc_forum import model, schema, timetable

    per_session = shape.speakers / max(shape.n_sessions, 1)
    size = Size(
        days=math.ceil(n / (shape.rooms * shape.slots)),
        rooms=shape.rooms,
        slots=shape.slots,
        speakers=max(1, round(n * per_session)),
        cases=round(n * shape.cases / max(shape.n_sessions, 1)),
        pages=shape.pages,
        sessions=n,
    )
    prog = make_programme(size)
    raw = list(_in_memory_records(prog))

    def fields() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        problems: list[Any] = []
        records = []
        for ctype, path, meta, body in raw:
            values, media = content._parse_fields(ctype.fields, meta, path, problems)
            records.append(content.Record(ctype, path, values, body, media))
        days = [
            content.DayRecord(i, *content._parse_fields(schema.day_fields(LANGS), d, "programme.toml", problems))
            for i, d in enumerate(prog.days, start=1)
        ]
        rooms = [
            content.RoomRecord(*content._parse_fields(schema.room_fields(LANGS), r, "programme.toml", problems))
            for r in prog.rooms
        ]
        return records, days, rooms, problems

    t_fields, (records, days, rooms, problems) = _best_of(repeat, fields)

    def across() -> list[Any]:
        found: list[Any] = []
        content._check_across(records, days, rooms, found, LANGS)
        return found

    t_across, found = _best_of(repeat, across)
    if problems or found:
        raise SystemExit(f"the synthetic programme (n={n}) is not valid: {[str(p) for p in (problems + found)[:5]]}")
    data = content.Content(records, days, rooms, [])
    tz, now = ZoneInfo("Asia/Seoul"), datetime(2021, 1, 1, tzinfo=ZoneInfo("UTC"))
    t_model, programmes = _best_of(
        repeat, lambda: [model.build(data, lang, tz, now=now, forced_phase="after") for lang in LANGS]
    )
    t_grids, _ = _best_of(repeat, lambda: [timetable.grids(p.days) for p in programmes])
    return {
        "fields": t_fields,
        "across": t_across,
        "model": t_model,
        "grids": t_grids,
        "total": t_fields + t_across + t_model + t_grids,
        "records": len(records),
    }


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
