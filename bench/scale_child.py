"""One build of the scale benchmark (`scale.py`), run in a fresh process so that its peak memory is its own.

`scale.py` runs itself with `--child SPEC` for each build; `child_main` reads the spec (which build,
which folders), times the build's phases and steps, and writes what it measured as JSON. Here
too: the settings each kind of build puts over `pelicanconf.py`, the minimal theme of the
plain-Pelican baselines, and the forum plugin's steps the benchmark times (`FORUM_STEPS`).
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthetic import FOLDERS

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "pelicanconf.py"
PLUGINS_DIR = ROOT / "plugins"
# Plugins that run after the pages are written and are not the forum plugin's work.
NOT_FORUM_PLUGINS = ("ssc_search", "ssc_publish", "ssc_theme")
# Listing pages the real configuration turns off; the "listings" baseline turns them back on.
LISTING_KINDS = ("TAG", "TAGS", "CATEGORY", "CATEGORIES", "AUTHOR", "AUTHORS", "ARCHIVES")


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
    ("crosscheck", "check_across", "check_across"),
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
