"""What `scale.py` prints: its builds, the plugin's share of one, the ratios to plain Pelican and the growth table.

Kept apart from the measuring (`scale.py`), which hands over the results as plain dictionaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from synthetic import LANGS, Size

GROWTH_FLAG_FACTOR = 2.0
HOT_SPOT_SHARE = 0.25  # one step of the plugin taking more than this share of its build is flagged


@dataclass(frozen=True)
class Build:
    """One kind of build: its label and what it changes in the real settings."""

    key: str
    label: str
    note: str


BUILDS = (
    Build("plugin", "forum plugin", "pelicanconf.py as configured, without the post-build plugins"),
    Build(
        "parallel",
        "forum plugin, both cores",
        "as above, built by ssc_forum.parallel (Markdown half here, half in a worker; the English site in a "
        "forked process; pages in turns of short-lived processes)",
    ),
    Build("pages", "plain: pages", "same files as Pelican pages, minimal theme, no listings (the baseline)"),
    Build("articles", "plain: articles", "same files as Pelican articles, minimal theme, no listings"),
    Build(
        "listings",
        "plain: articles+listings",
        "as articles, with tag/category/author/archives pages on (tags = a session's speakers and hosts)",
    ),
)


def _mb(kb: float) -> float:
    return kb / 1024  # ru_maxrss is in KiB on Linux


def print_builds(results: dict[str, dict[str, Any]], n_files: int, size: Size) -> None:
    """The table of builds: time, pages, files, peak memory, one row per build."""
    print(
        f"\nBuilds ({n_files} Markdown files: {size.n_sessions} sessions, {size.speakers} speakers, "
        f"{size.cases} cases, {size.pages} pages, x {len(LANGS)} languages; one fresh process each)"
    )
    head = (
        f"  {'build':<26}{'build s':>9}{'process s':>11}{'html pages':>12}{'other files':>13}"
        f"{'ms/page':>9}{'peak RSS MB':>13}{'RSS growth MB':>15}"
    )
    print(head)
    print("  " + "-" * (len(head) - 2))
    for build in BUILDS:
        r = results.get(build.key)
        if r is None:
            continue
        ms_page = 1000 * r["build_s"] / max(r["html"], 1)
        print(
            f"  {build.label:<26}{r['build_s']:>9.2f}{r['wall_s']:>11.2f}{r['html']:>12}{r['other']:>13}"
            f"{ms_page:>9.2f}{_mb(r['rss_peak_kb']):>13.0f}{_mb(r['rss_peak_kb'] - r['rss_start_kb']):>15.0f}"
        )
    print(
        "  build s: Pelican(settings).run() in the child, both language sites; process s: the whole child,\n"
        "  interpreter start and imports included. ms/page = build s / html pages. RSS growth = peak RSS\n"
        "  minus RSS after the imports. Other files: exports (.ics, schedule.xml/.json), feeds, theme files."
    )
    for build in BUILDS:
        r = results.get(build.key)
        if r is None:
            continue
        t = r["timer"]["total"]
        reading, writing = t.get("pelican.generate_context", 0), t.get("pelican.generate_output", 0)
        print(f"  {build.label:<26}{build.note}; Pelican generators: reading {reading:.2f} s, writing {writing:.2f} s")
        if r["warnings"]:
            print(f"    {len(r['warnings'])} warning(s) in its log, the first: {r['warnings'][0]}")
    print(
        "  Left out of the plugin builds: ssc_search (the pagefind index), ssc_publish (sitemap, robots.txt,\n"
        "  .gz copies) and ssc_theme (font subset): they work on the finished tree, not the forum plugin's work."
    )


def print_plugin_share(r: dict[str, Any]) -> None:
    """The forum plugin's own work in its build, by phase and step, with the hot spots flagged."""
    t, calls, per_call = r["timer"]["total"], r["timer"]["calls"], r["timer"]["per_call"]
    context = sum(v for k, v in t.items() if k.startswith("context:"))
    output = sum(v for k, v in t.items() if k.startswith("output:"))
    build = r["build_s"]

    def pct(v: float) -> str:
        return f"{v:8.2f} s {100 * v / build:5.1f} %"

    print("\nForum plugin's own work in that build (both language sites; % of build s)")
    print(
        f"  context phase  ForumGenerator.generate_context  {pct(context)}   "
        + ", ".join(f"{k.split(':')[1]} {v:.2f} s" for k, v in sorted(t.items()) if k.startswith("context:"))
    )
    reads = per_call.get("read_content", [])
    print(
        f"    read_content (files, Markdown, field checks)  {pct(t.get('read_content', 0))}   "
        f"{len(reads)} calls: " + ", ".join(f"{v:.2f} s" for v in reads)
    )
    print(f"      of which _check_across (cross-file checks) {pct(t.get('check_across', 0))}")
    print(f"    model.build                                    {pct(t.get('model_build', 0))}")
    print(f"    shortcode expansion (_expand_all)              {pct(t.get('expand_shortcodes', 0))}")
    print(
        f"  output phase   ForumGenerator.generate_output   {pct(output)}   "
        + ", ".join(f"{k.split(':')[1]} {v:.2f} s" for k, v in sorted(t.items()) if k.startswith("output:"))
    )
    writes = {k.split(":", 1)[1]: k for k in t if k.startswith("write:")}
    total_writes = sum(t[k] for k in writes.values())
    print(
        f"    page rendering and writing (_write)            {pct(total_writes)}   "
        f"{sum(calls[k] for k in writes.values())} pages"
    )
    for kind in sorted(writes, key=lambda k: -t[writes[k]]):
        key = writes[kind]
        print(f"      {kind:<10} {calls[key]:>6} pages {t[key]:>8.2f} s  {1000 * t[key] / calls[key]:>8.2f} ms/page")
    exports_s = t.get("exports:calendars", 0) + t.get("exports:schedules", 0)
    print(f"    exports (ical, schedule.xml/json)              {pct(exports_s)}")
    for key, label in (
        ("export:calendars", "ical._assemble (schedule.ics, one per session)"),
        ("ical:event", "ical._event (each event, once)"),
        ("ical:vtimezone", "the VTIMEZONE (cached)"),
        ("export:schedule_data", "schedule_data (frab structure)"),
        ("export:schedule_xml", "schedule_xml.render"),
        ("export:schedule_json", "schedule_json.render"),
    ):
        print(f"      {label:<45}{pct(t.get(key, 0))}   {calls.get(key, 0)} calls")
    for key, label in (("ical:to_ical", "calendar headers: Calendar.to_ical"),):
        n = calls.get(key, 0)
        print(f"      {label:<45}{pct(t.get(key, 0))}   {n} calls, {1000 * t.get(key, 0) / max(n, 1):.2f} ms each")
    grids = t.get("timetable_grids", 0)
    print(f"    timetable.grids (inside the rendering above)   {pct(grids)}   {calls.get('timetable_grids', 0)} calls")
    plugin = context + output
    print(f"  plugin total                                     {pct(plugin)}")
    print(f"  Pelican, i18n-subsites and theme files around it {pct(build - plugin)}")
    print(f"  Each language site's generator reads and checks the files of both languages ({len(reads)} reads).")
    # A single step (not a sum of steps) taking this much of the build is a hot spot worth a look.
    leaves = {
        "read_content": "read_content",
        "model_build": "model.build",
        "expand_shortcodes": "_expand_all",
        "export:calendars": "ical._assemble",
        "ical:event": "ical._event",
        **{k: f"_write of {k.split(':', 1)[1]} pages" for k in writes.values()},
    }
    for key, label in leaves.items():
        share = t.get(key, 0) / build
        if share > HOT_SPOT_SHARE:
            print(
                f"  FLAG: {label} alone takes {100 * share:.0f} % of the build ({calls.get(key, 0)} calls, "
                f"{1000 * t[key] / max(calls.get(key, 1), 1):.2f} ms each)"
            )


def print_steps_called(results: dict[str, dict[str, Any]]) -> bool:
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


def print_summary(results: dict[str, dict[str, Any]], size: Size) -> None:
    """The run's figures in one line each, for scripts and the smoke test."""
    plugin, pages = results.get("plugin"), results.get("pages")
    if plugin and pages:
        ratio = (plugin["build_s"] / max(plugin["html"], 1)) / (pages["build_s"] / max(pages["html"], 1))
        print(
            f"scale: sessions={size.n_sessions} plugin_s={plugin['build_s']:.2f} plain_s={pages['build_s']:.2f} "
            f"per_page_ratio={ratio:.2f} "
            f"peak_rss_ratio={plugin['rss_peak_kb'] / pages['rss_peak_kb']:.2f}"
        )
    par = results.get("parallel")
    if par and pages:
        per_process = max(par["rss_peak_kb"], par.get("rss_children_kb", 0))
        print(
            f"scale-parallel: sessions={size.n_sessions} parallel_s={par['build_s']:.2f} "
            f"plain_s={pages['build_s']:.2f} wall_ratio={par['build_s'] / pages['build_s']:.2f} "
            f"peak_rss_per_process_ratio={per_process / pages['rss_peak_kb']:.2f}"
        )
        if len(par.get("rounds_s", [])) > 1:
            print(
                "scale-rounds: "
                + " ".join(f"{key}=" + ",".join(f"{v:.2f}" for v in results[key]["rounds_s"]) for key in results)
            )


def print_ratios(results: dict[str, dict[str, Any]]) -> None:
    """The plugin builds against plain Pelican: time per page, wall time and peak memory per process."""
    plugin = results.get("plugin")
    if not plugin:
        return

    def per_page(r: dict[str, Any]) -> float:
        return r["build_s"] / max(r["html"], 1)

    print("\nRatios, measured in this run")
    for key, why in (
        ("pages", "the baseline: one page per file, no listings, like the forum site"),
        ("listings", "stock Pelican habits: every file an article, with its listing pages"),
    ):
        base = results.get(key)
        if not base:
            continue
        label = next(b.label for b in BUILDS if b.key == key)
        growth = (plugin["rss_peak_kb"] - plugin["rss_start_kb"]) / max(base["rss_peak_kb"] - base["rss_start_kb"], 1)
        print(f"  plugin / {label} ({why}):")
        peak = plugin["rss_peak_kb"] / base["rss_peak_kb"]
        print(
            f"    time per page {per_page(plugin) / per_page(base):5.2f}x   build time "
            f"{plugin['build_s'] / base['build_s']:5.2f}x   peak RSS {peak:5.2f}x   RSS growth {growth:5.2f}x"
        )
    par, base = results.get("parallel"), results.get("pages")
    if par and base:
        per_process = max(par["rss_peak_kb"], par.get("rss_children_kb", 0))
        print(
            f"  both cores / plain: pages (goal: wall time at most 0.65x, peak RSS per process at most 1.3x):\n"
            f"    build time {par['build_s'] / base['build_s']:5.2f}x   peak RSS per process "
            f"{per_process / base['rss_peak_kb']:5.2f}x (main {_mb(par['rss_peak_kb']):.0f} MB, largest forked "
            f"{_mb(par.get('rss_children_kb', 0)):.0f} MB)   vs one core: "
            f"{par['build_s'] / plugin['build_s']:5.2f}x"
        )
    if "articles" in results and "listings" in results:
        a, lst = results["articles"], results["listings"]
        print(
            f"  What the listing pages cost plain Pelican: +{lst['html'] - a['html']} pages, "
            f"{lst['build_s'] - a['build_s']:+.2f} s ({100 * (lst['build_s'] / a['build_s'] - 1):+.0f} %), "
            f"{_mb(lst['rss_peak_kb'] - a['rss_peak_kb']):+.0f} MB peak RSS"
        )
    print(
        "  Why plain pages are the baseline: the same files, read by the same Markdown reader, each written\n"
        "  once per language as a page, and no listing pages (the forum site turns them off too). Its theme\n"
        "  prints only title and content, so the forum's richer theme (header, menu, time zones, JSON-LD,\n"
        "  people and prev/next links) is part of the plugin's cost, not hidden by a comparably heavy theme."
    )


def print_growth(rows: list[tuple[int, dict[str, float]]], shape: Size, repeat: int) -> None:
    """The growth table: time / (n log2 n) of each model step as the programme grows, flagged when it grows."""
    steps = (
        ("fields", "field checks (_parse_fields)"),
        ("across", "_check_across"),
        ("model", "model.build, both langs"),
        ("grids", "timetable.grids, both langs"),
        ("total", "total"),
    )
    print(
        f"\nGrowth of the plugin's in-memory model work (no files, no Markdown; best of {repeat}; "
        f"{shape.rooms} rooms x {shape.slots} slots a day,\n"
        f"  speakers and cases in the proportions above; t in ms, r = t / (n log2 n) in ns, n = sessions)"
    )
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
            print(
                f"  FLAG: {label}: t/(n log2 n) grew {growth:.1f}x from n={rows[0][0]} to n={rows[-1][0]}: "
                "worse than n log n"
            )
        else:
            print(f"  {label}: t/(n log2 n) changed {growth:.2f}x from n={rows[0][0]} to n={rows[-1][0]}")
    if not flagged:
        print(f"  No step grows worse than n log n over this range (flagged above {GROWTH_FLAG_FACTOR:.0f}x).")
