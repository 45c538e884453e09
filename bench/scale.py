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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# The programme is written by synthetic.py beside this file (scale.Size and the rest stay reachable from here).
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
GROWTH_FLAG_FACTOR = 2.0
HOT_SPOT_SHARE = 0.25  # one step of the plugin taking more than this share of its build is flagged


# --- the minimal theme of the plain-Pelican baselines -----------------------------------------

_HEAD = ('<!DOCTYPE html>\n<html lang="{{ DEFAULT_LANG }}">\n<head><meta charset="utf-8">'
         "<title>{{ TITLE }} · {{ SITENAME }}</title></head>\n<body>\n")
_LIST = ('<ul>{% for article in articles %}<li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a>'
         "</li>{% endfor %}</ul>\n")
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


@dataclass(frozen=True)
class Build:
    """One kind of build: its label and what it changes in the real settings."""

    key: str
    label: str
    note: str


BUILDS = (
    Build("plugin", "forum plugin", "pelicanconf.py as configured, without the post-build plugins"),
    Build("parallel", "forum plugin, both cores",
          "as above, built by ssc_forum.parallel (Markdown half here, half in a worker; the English site in a "
          "forked process; pages in turns of short-lived processes)"),
    Build("pages", "plain: pages", "same files as Pelican pages, minimal theme, no listings (the baseline)"),
    Build("articles", "plain: articles", "same files as Pelican articles, minimal theme, no listings"),
    Build("listings", "plain: articles+listings",
          "as articles, with tag/category/author/archives pages on (tags = a session's speakers and hosts)"),
)


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
    plain = {**base, "THEME": paths["theme"], "PLUGINS": ["pelican.plugins.i18n_subsites"],
             # Folder as `{folder}` in URLs: the plain pages land where the forum's own pages do.
             "PATH_METADATA": r"(?P<folder>[^/]+)/.*"}
    if key == "pages":
        return {**plain, "PAGE_PATHS": list(FOLDERS), "PAGE_URL": "{folder}/{slug}/",
                "PAGE_SAVE_AS": "{folder}/{slug}/index.html"}
    articles = {**plain, "ARTICLE_PATHS": list(FOLDERS), "PAGE_PATHS": [],
                # `{folder}`, not `{category}`: Pelican takes the folder as category only when
                # category pages are on, and the real settings turn them off.
                "ARTICLE_URL": "{folder}/{slug}/", "ARTICLE_SAVE_AS": "{folder}/{slug}/index.html",
                # The files have no date; Pelican skips an article without one.
                "DEFAULT_DATE": (2020, 9, 22)}
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

    for cls in (generators.ArticlesGenerator, generators.PagesGenerator, generators.StaticGenerator,
                generators.TemplatePagesGenerator, generators.SourceFileGenerator):
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
    gen.generate_context = timer.wrap(lambda self: f"context:{self.settings['DEFAULT_LANG']}",
                                      gen.generate_context)
    gen.generate_output = timer.wrap(lambda self, writer: f"output:{self.settings['DEFAULT_LANG']}",
                                     gen.generate_output)
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
    paths = {"content": str(content), "output": str(out_root / build.key / "output"), "cache": str(out / "cache"),
             "theme": str(theme)}
    out.mkdir(parents=True, exist_ok=True)
    spec_file, result_file = out / "spec.json", out / "result.json"
    spec_file.write_text(json.dumps({"key": build.key, "paths": paths, "result": str(result_file)}),
                         encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(spec_file)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
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
    size = Size(days=math.ceil(n / (shape.rooms * shape.slots)), rooms=shape.rooms, slots=shape.slots,
                speakers=max(1, round(n * per_session)), cases=round(n * shape.cases / max(shape.n_sessions, 1)),
                pages=shape.pages, sessions=n)
    prog = make_programme(size)
    raw = list(_in_memory_records(prog))

    def fields() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        problems: list[Any] = []
        records = []
        for ctype, path, meta, body in raw:
            values, media = content._parse_fields(ctype.fields, meta, path, problems)
            records.append(content.Record(ctype, path, values, body, media))
        days = [content.DayRecord(i, *content._parse_fields(schema.DAY_FIELDS, d, "programme.toml", problems))
                for i, d in enumerate(prog.days, start=1)]
        rooms = [content.RoomRecord(*content._parse_fields(schema.ROOM_FIELDS, r, "programme.toml", problems))
                 for r in prog.rooms]
        return records, days, rooms, problems

    t_fields, (records, days, rooms, problems) = _best_of(repeat, fields)

    def across() -> list[Any]:
        found: list[Any] = []
        content._check_across(records, days, rooms, found)
        return found

    t_across, found = _best_of(repeat, across)
    if problems or found:
        raise SystemExit(f"the synthetic programme (n={n}) is not valid: {[str(p) for p in (problems + found)[:5]]}")
    data = content.Content(records, days, rooms, [])
    tz, now = ZoneInfo("Asia/Seoul"), datetime(2021, 1, 1, tzinfo=ZoneInfo("UTC"))
    t_model, programmes = _best_of(
        repeat, lambda: [model.build(data, lang, tz, now=now, forced_phase="after") for lang in LANGS])
    t_grids, _ = _best_of(repeat, lambda: [timetable.grids(p.days) for p in programmes])
    return {"fields": t_fields, "across": t_across, "model": t_model, "grids": t_grids,
            "total": t_fields + t_across + t_model + t_grids, "records": len(records)}


# --- printing ---------------------------------------------------------------------------------


def _mb(kb: float) -> float:
    return kb / 1024  # ru_maxrss is in KiB on Linux


def _print_builds(results: dict[str, dict[str, Any]], n_files: int, size: Size) -> None:
    print(f"\nBuilds ({n_files} Markdown files: {size.n_sessions} sessions, {size.speakers} speakers, "
          f"{size.cases} cases, {size.pages} pages, x {len(LANGS)} languages; one fresh process each)")
    head = (f"  {'build':<26}{'build s':>9}{'process s':>11}{'html pages':>12}{'other files':>13}"
            f"{'ms/page':>9}{'peak RSS MB':>13}{'RSS growth MB':>15}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    for build in BUILDS:
        r = results.get(build.key)
        if r is None:
            continue
        ms_page = 1000 * r["build_s"] / max(r["html"], 1)
        print(f"  {build.label:<26}{r['build_s']:>9.2f}{r['wall_s']:>11.2f}{r['html']:>12}{r['other']:>13}"
              f"{ms_page:>9.2f}{_mb(r['rss_peak_kb']):>13.0f}{_mb(r['rss_peak_kb'] - r['rss_start_kb']):>15.0f}")
    print("  build s: Pelican(settings).run() in the child, both language sites; process s: the whole child,\n"
          "  interpreter start and imports included. ms/page = build s / html pages. RSS growth = peak RSS\n"
          "  minus RSS after the imports. Other files: exports (.ics, schedule.xml/.json), feeds, theme files.")
    for build in BUILDS:
        r = results.get(build.key)
        if r is None:
            continue
        t = r["timer"]["total"]
        reading, writing = t.get("pelican.generate_context", 0), t.get("pelican.generate_output", 0)
        print(f"  {build.label:<26}{build.note}; Pelican generators: reading {reading:.2f} s, writing {writing:.2f} s")
        if r["warnings"]:
            print(f"    {len(r['warnings'])} warning(s) in its log, the first: {r['warnings'][0]}")
    print("  Left out of the plugin builds: ssc_search (the pagefind index), ssc_publish (sitemap, robots.txt,\n"
          "  .gz copies) and ssc_theme (font subset): they work on the finished tree, not the forum plugin's work.")


def _print_plugin_share(r: dict[str, Any]) -> None:
    t, calls, per_call = r["timer"]["total"], r["timer"]["calls"], r["timer"]["per_call"]
    context = sum(v for k, v in t.items() if k.startswith("context:"))
    output = sum(v for k, v in t.items() if k.startswith("output:"))
    build = r["build_s"]

    def pct(v: float) -> str:
        return f"{v:8.2f} s {100 * v / build:5.1f} %"

    print("\nForum plugin's own work in that build (both language sites; % of build s)")
    print(f"  context phase  ForumGenerator.generate_context  {pct(context)}   "
          + ", ".join(f"{k.split(':')[1]} {v:.2f} s" for k, v in sorted(t.items()) if k.startswith("context:")))
    reads = per_call.get("read_content", [])
    print(f"    read_content (files, Markdown, field checks)  {pct(t.get('read_content', 0))}   "
          f"{len(reads)} calls: " + ", ".join(f"{v:.2f} s" for v in reads))
    print(f"      of which _check_across (cross-file checks) {pct(t.get('check_across', 0))}")
    print(f"    model.build                                    {pct(t.get('model_build', 0))}")
    print(f"    shortcode expansion (_expand_all)              {pct(t.get('expand_shortcodes', 0))}")
    print(f"  output phase   ForumGenerator.generate_output   {pct(output)}   "
          + ", ".join(f"{k.split(':')[1]} {v:.2f} s" for k, v in sorted(t.items()) if k.startswith("output:")))
    writes = {k.split(":", 1)[1]: k for k in t if k.startswith("write:")}
    total_writes = sum(t[k] for k in writes.values())
    print(f"    page rendering and writing (_write)            {pct(total_writes)}   "
          f"{sum(calls[k] for k in writes.values())} pages")
    for kind in sorted(writes, key=lambda k: -t[writes[k]]):
        key = writes[kind]
        print(f"      {kind:<10} {calls[key]:>6} pages {t[key]:>8.2f} s  {1000 * t[key] / calls[key]:>8.2f} ms/page")
    exports_s = t.get("exports:calendars", 0) + t.get("exports:schedules", 0)
    print(f"    exports (ical, schedule.xml/json)              {pct(exports_s)}")
    for key, label in (("export:calendars", "ical._assemble (schedule.ics, one per session)"),
                       ("ical:event", "ical._event (each event, once)"),
                       ("ical:vtimezone", "the VTIMEZONE (cached)"),
                       ("export:schedule_data", "schedule_data (frab structure)"),
                       ("export:schedule_xml", "schedule_xml.render"),
                       ("export:schedule_json", "schedule_json.render")):
        print(f"      {label:<45}{pct(t.get(key, 0))}   {calls.get(key, 0)} calls")
    for key, label in (("ical:to_ical", "calendar headers: Calendar.to_ical"),):
        n = calls.get(key, 0)
        print(f"      {label:<45}{pct(t.get(key, 0))}   {n} calls, "
              f"{1000 * t.get(key, 0) / max(n, 1):.2f} ms each")
    grids = t.get("timetable_grids", 0)
    print(f"    timetable.grids (inside the rendering above)   {pct(grids)}   {calls.get('timetable_grids', 0)} calls")
    plugin = context + output
    print(f"  plugin total                                     {pct(plugin)}")
    print(f"  Pelican, i18n-subsites and theme files around it {pct(build - plugin)}")
    print(f"  Each language site's generator reads and checks the files of both languages ({len(reads)} reads).")
    # A single step (not a sum of steps) taking this much of the build is a hot spot worth a look.
    leaves = {"read_content": "read_content", "model_build": "model.build", "expand_shortcodes": "_expand_all",
              "export:calendars": "ical._assemble", "ical:event": "ical._event",
              **{k: f"_write of {k.split(':', 1)[1]} pages" for k in writes.values()}}
    for key, label in leaves.items():
        share = t.get(key, 0) / build
        if share > HOT_SPOT_SHARE:
            print(f"  FLAG: {label} alone takes {100 * share:.0f} % of the build ({calls.get(key, 0)} calls, "
                  f"{1000 * t[key] / max(calls.get(key, 1), 1):.2f} ms each)")


def _print_steps_called(results: dict[str, dict[str, Any]]) -> bool:
    """One line per build: how many instrumented steps ran; a FLAG for each that never ran. True if all ran."""
    print("\nInstrumented steps (each must have been called at least once, or its figure measures nothing)")
    ok = True
    for build in BUILDS:
        r = results.get(build.key)
        if r is None:
            continue
        calls = r["timer"]["calls"]
        missing = [key for key in r["required"] if calls.get(key, 0) == 0]
        print(f"  steps-called: build={build.key} called={len(r['required']) - len(missing)}/{len(r['required'])}")
        for key in missing:
            ok = False
            print(f"  FLAG: instrumented step {key} was never called in the {build.label} build")
    return ok


def _print_summary(results: dict[str, dict[str, Any]], size: Size) -> None:
    """The run's figures in one line each, for scripts and the smoke test."""
    plugin, pages = results.get("plugin"), results.get("pages")
    if plugin and pages:
        ratio = (plugin["build_s"] / max(plugin["html"], 1)) / (pages["build_s"] / max(pages["html"], 1))
        print(f"scale: sessions={size.n_sessions} plugin_s={plugin['build_s']:.2f} plain_s={pages['build_s']:.2f} "
              f"per_page_ratio={ratio:.2f} "
              f"peak_rss_ratio={plugin['rss_peak_kb'] / pages['rss_peak_kb']:.2f}")
    par = results.get("parallel")
    if par and pages:
        per_process = max(par["rss_peak_kb"], par.get("rss_children_kb", 0))
        print(f"scale-parallel: sessions={size.n_sessions} parallel_s={par['build_s']:.2f} "
              f"plain_s={pages['build_s']:.2f} wall_ratio={par['build_s'] / pages['build_s']:.2f} "
              f"peak_rss_per_process_ratio={per_process / pages['rss_peak_kb']:.2f}")
        if len(par.get("rounds_s", [])) > 1:
            print("scale-rounds: " + " ".join(
                f"{key}=" + ",".join(f"{v:.2f}" for v in results[key]["rounds_s"]) for key in results))


def _print_ratios(results: dict[str, dict[str, Any]]) -> None:
    plugin = results.get("plugin")
    if not plugin:
        return

    def per_page(r: dict[str, Any]) -> float:
        return r["build_s"] / max(r["html"], 1)

    print("\nRatios, measured in this run")
    for key, why in (("pages", "the baseline: one page per file, no listings, like the forum site"),
                     ("listings", "stock Pelican habits: every file an article, with its listing pages")):
        base = results.get(key)
        if not base:
            continue
        label = next(b.label for b in BUILDS if b.key == key)
        growth = (plugin["rss_peak_kb"] - plugin["rss_start_kb"]) / max(base["rss_peak_kb"] - base["rss_start_kb"], 1)
        print(f"  plugin / {label} ({why}):")
        peak = plugin["rss_peak_kb"] / base["rss_peak_kb"]
        print(f"    time per page {per_page(plugin) / per_page(base):5.2f}x   build time "
              f"{plugin['build_s'] / base['build_s']:5.2f}x   peak RSS {peak:5.2f}x   RSS growth {growth:5.2f}x")
    par, base = results.get("parallel"), results.get("pages")
    if par and base:
        per_process = max(par["rss_peak_kb"], par.get("rss_children_kb", 0))
        print(f"  both cores / plain: pages (goal: wall time at most 0.65x, peak RSS per process at most 1.3x):\n"
              f"    build time {par['build_s'] / base['build_s']:5.2f}x   peak RSS per process "
              f"{per_process / base['rss_peak_kb']:5.2f}x (main {_mb(par['rss_peak_kb']):.0f} MB, largest forked "
              f"{_mb(par.get('rss_children_kb', 0)):.0f} MB)   vs one core: "
              f"{par['build_s'] / plugin['build_s']:5.2f}x")
    if "articles" in results and "listings" in results:
        a, lst = results["articles"], results["listings"]
        print(f"  What the listing pages cost plain Pelican: +{lst['html'] - a['html']} pages, "
              f"{lst['build_s'] - a['build_s']:+.2f} s ({100 * (lst['build_s'] / a['build_s'] - 1):+.0f} %), "
              f"{_mb(lst['rss_peak_kb'] - a['rss_peak_kb']):+.0f} MB peak RSS")
    print("  Why plain pages are the baseline: the same files, read by the same Markdown reader, each written\n"
          "  once per language as a page, and no listing pages (the forum site turns them off too). Its theme\n"
          "  prints only title and content, so the forum's richer theme (header, menu, time zones, JSON-LD,\n"
          "  people and prev/next links) is part of the plugin's cost, not hidden by a comparably heavy theme.")


def _print_growth(rows: list[tuple[int, dict[str, float]]], shape: Size, repeat: int) -> None:
    steps = (("fields", "field checks (_parse_fields)"), ("across", "_check_across"),
             ("model", "model.build, both langs"), ("grids", "timetable.grids, both langs"), ("total", "total"))
    print(f"\nGrowth of the plugin's in-memory model work (no files, no Markdown; best of {repeat}; "
          f"{shape.rooms} rooms x {shape.slots} slots a day,\n"
          f"  speakers and cases in the proportions above; t in ms, r = t / (n log2 n) in ns, n = sessions)")
    print("  " + f"{'n':>6}{'records':>9}" + "".join(f"{name:>22}" for name, _ in steps))
    for n, row in rows:
        nlogn = n * math.log2(n)
        cells = "".join(f"{1000 * row[k]:>10.1f} ms r={1e9 * row[k] / nlogn:>6.1f}" for k, _ in steps)
        print(f"  {n:>6}{int(row['records']):>9}{cells}")
    print("  columns: " + "; ".join(f"{k} = {label}" for k, label in steps if k != "total"))
    flagged = False
    for key, label in steps:
        ratios = [row[key] / (n * math.log2(n)) for n, row in rows]
        growth = ratios[-1] / ratios[0]
        if growth > GROWTH_FLAG_FACTOR:
            flagged = True
            print(f"  FLAG: {label}: t/(n log2 n) grew {growth:.1f}x from n={rows[0][0]} to n={rows[-1][0]}: "
                  "worse than n log n")
        else:
            print(f"  {label}: t/(n log2 n) changed {growth:.2f}x from n={rows[0][0]} to n={rows[-1][0]}")
    if not flagged:
        print(f"  No step grows worse than n log n over this range (flagged above {GROWTH_FLAG_FACTOR:.0f}x).")


# --- command line -----------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=10, help="days of the programme (default 10)")
    parser.add_argument("--rooms", type=int, default=8, help="parallel rooms (default 8)")
    parser.add_argument("--slots", type=int, default=20, help="sessions per room and day (default 20)")
    parser.add_argument("--speakers", type=int, default=1000, help="speakers (default 1000)")
    parser.add_argument("--cases", type=int, default=20, help="city case studies (default 20)")
    parser.add_argument("--pages", type=int, default=3, help="plain pages; the first two show timetables (default 3)")
    parser.add_argument("--small", action="store_true",
                        help="quick run: 2 days x 4 rooms x 10 slots, 60 speakers, 4 cases; growth up to n=800")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 1 day x 3 rooms x 4 slots, 10 speakers, 2 cases; growth n=20,40 once")
    parser.add_argument("--growth", type=str, default=None,
                        help="comma-separated session counts of the growth table (default 200,400,800,1600,3200)")
    parser.add_argument("--repeat", type=int, default=3, help="growth table: best of this many runs (default 3)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the builds this many times, every other time in reverse order; each build's "
                             "fastest run is reported, with its largest peak memory (default 1)")
    parser.add_argument("--growth-only", action="store_true", help="skip the builds")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth table")
    parser.add_argument("--only", choices=[b.key for b in BUILDS], action="append",
                        help="run only this build (may be repeated)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    parser.add_argument("--on-disk", action="store_true",
                        help="write the built sites to disk, not to a RAM disk (where the machine has one)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.small:
        args.days, args.rooms, args.slots, args.speakers, args.cases, args.pages = 2, 4, 10, 60, 4, 3
    if args.quick:
        args.days, args.rooms, args.slots, args.speakers, args.cases, args.pages = 1, 3, 4, 10, 2, 3
        args.repeat = 1
    growth = args.growth or ",".join(map(str, QUICK_GROWTH_N if args.quick else SMALL_GROWTH_N if args.small
                                         else DEFAULT_GROWTH_N))
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
    print(f"Scale benchmark of the forum plugin: {size.days} days x {size.rooms} rooms x {size.slots} slots = "
          f"{size.n_sessions} sessions, {size.speakers} speakers, {size.cases} cases, {size.pages} pages; "
          f"Python {sys.version.split()[0]}")
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
                    print(f"  building: {build.label} …" + (f" (round {round_ + 1})" if args.rounds > 1 else ""),
                          flush=True)
                    results[build.key] = _best(results.get(build.key),
                                               run_build(build, work, work / "content", theme, out_root))
            _print_builds(results, n_files, size)
            if "plugin" in results:
                _print_plugin_share(results["plugin"])
            _print_ratios(results)
            all_called = _print_steps_called(results)
            _print_summary(results, size)
        if not args.no_growth:
            rows = []
            for n in args.growth_n:
                print(f"  growth: n = {n} …", flush=True)
                rows.append((n, growth_row(n, size, args.repeat)))
            _print_growth(rows, size, args.repeat)
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
