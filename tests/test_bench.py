"""The benchmarks cannot rot: each quick mode runs to its end, prints its figures, and times real work.

A benchmark that crashes, or whose instrumentation wraps a function the code no longer calls,
reports nothing (or zeros) without anyone noticing; these smoke tests run every benchmark's quick
mode as a user would and read what it printed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str, timeout: int = 240) -> str:
    """Run a benchmark script from the project's root; fail with its output unless it exits 0.

    As a developer runs it: without the suite's `SSC_LANG=en`, so what it starts speaks Korean (a
    benchmark that read an English line of the preview once waited for it for ever).
    """
    env = {k: v for k, v in os.environ.items() if k not in ("SSC_LANG", "LC_ALL", "LC_MESSAGES")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
        env={**env, "LANG": "C.UTF-8"},
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"bench/{script} {' '.join(args)} exited {proc.returncode}:\n{output[-4000:]}"
    return output


def test_scale_quick_runs_every_build_and_calls_every_instrumented_step() -> None:
    out = _run("scale.py", "--quick", "--rounds", "2")
    called = re.findall(r"steps-called: build=(\w+) called=(\d+)/(\d+)", out)
    assert {build for build, _, _ in called} == {"plugin", "parallel", "pages", "articles", "listings"}, out
    for build, done, required in called:
        assert int(required) > 0 and done == required, f"{build}: only {done} of {required} steps ran\n{out}"
    assert "FLAG: instrumented step" not in out
    # The plugin's steps are really timed: every export and read step shows a positive number of calls.
    assert re.search(r"ical\._assemble .* [1-9]\d* calls", out), out
    assert re.search(r"read_content .* [1-9]\d* calls", out), out
    summary = re.search(
        r"^scale: sessions=(\d+) plugin_s=([\d.]+) plain_s=([\d.]+) per_page_ratio=([\d.]+) "
        r"peak_rss_ratio=([\d.]+)",
        out,
        re.MULTILINE,
    )
    assert summary, out
    assert int(summary.group(1)) == 12 and float(summary.group(2)) > 0 and float(summary.group(3)) > 0
    both = re.search(
        r"^scale-parallel: sessions=12 parallel_s=([\d.]+) plain_s=([\d.]+) wall_ratio=([\d.]+) "
        r"peak_rss_per_process_ratio=([\d.]+)$",
        out,
        re.MULTILINE,
    )
    assert both and float(both.group(1)) > 0 and float(both.group(4)) > 0, out
    # Two rounds of every build: each build's two times, and the faster one reported.
    rounds = dict(re.findall(r"(\w+)=([\d.]+,[\d.]+)", re.search(r"^scale-rounds: (.*)$", out, re.M).group(1)))
    assert set(rounds) == {"plugin", "parallel", "pages", "articles", "listings"}, out
    assert float(both.group(1)) == min(map(float, rounds["parallel"].split(","))), out
    # The growth table has a row per size, each with a positive total.
    rows = re.findall(r"^\s+(20|40)\s+\d+ .*?([\d.]+) ms r=[\d.]+\s*$", out, re.MULTILINE)
    assert [n for n, _ in rows] == ["20", "40"], out
    assert all(float(total) > 0 for _, total in rows)


def test_edit_loop_quick_measures_incremental_updates_of_both_sites() -> None:
    out = _run("edit_loop.py", "--quick")
    # Every kind of edit ran as an incremental update that wrote at least the edited page.
    for kind in ("session text", "session title", "speaker", "case"):
        rows = re.findall(rf"^\s+{kind}\s+(\d+) ms\s+(\d+) files written", out, re.MULTILINE)
        assert len(rows) == 2, f"{kind}: expected one row per site\n{out}"
        assert all(int(files) >= 1 for _, files in rows), out
    figures = re.findall(r"^edit-loop: sessions=(\d+) incremental_ms=(\d+) full_ms=(\d+)$", out, re.MULTILINE)
    assert [int(s) for s, _, _ in figures] == [len(list((ROOT / "content" / "sessions").glob("*.ko.md"))), 12], out
    for _, inc, full in figures:
        assert 0 < int(inc) < int(full), out
    assert out.rstrip().splitlines()[-1].startswith("edit-loop: sessions=12 ")


def test_hostile_quick_checks_every_class_at_both_sizes() -> None:
    out = _run("hostile.py", "--quick", timeout=120)
    classes = ("ids", "url", "codespans", "links", "brackets", "entities", "lists", "toml")
    for cls in classes:
        rows = re.findall(rf"^\s+{cls}\s+check\s+([\d,]+)\s+([\d.]+)\s+(passed|refused: \S+)", out, re.MULTILINE)
        assert [size for size, _, _ in rows] == ["2,000", "20,000"], f"{cls}:\n{out}"
    # Past a limit of ssc_forum.limits, each is refused with its file and line, not by a crash.
    for cls, where in (
        ("links", "keynote.en.md:18:"),
        ("brackets", "keynote.en.md:18:"),
        ("lists", "keynote.en.md:"),
        ("toml", "programme.toml:"),
    ):
        assert re.search(
            rf"^\s+{cls}\s+check\s+20,000\s+[\d.]+\s+refused: content/\S*{re.escape(where)}", out, re.MULTILINE
        ), f"{cls}:\n{out}"
    assert "FLAG" not in out and "CRASHED" not in out, out
    summary = re.search(
        r"^hostile: worst_growth=([\d.]+) worst_check_s=([\d.]+) worst_build_s=([\d.]+)$", out, re.MULTILINE
    )
    assert summary and float(summary.group(1)) > 0 and float(summary.group(2)) > 0, out
    assert out.rstrip().splitlines()[-1] == summary.group(0)


def test_search_quick_runs_the_query_set_and_indexes_the_scale_programme() -> None:
    out = _run("search.py", "--quick", timeout=600)
    summary = re.search(r"^search: queries=(\d+) found_top5=(\d+) index_kb=(\d+)$", out, re.MULTILINE)
    assert summary, out
    queries, found, index_kb = map(int, summary.groups())
    assert queries >= 80 and 0 < found <= queries and 0 < index_kb < 150, out
    scale_line = re.search(
        r"^search-scale: sessions=12 pages=(\d+) index_kb_ko=(\d+) plain_kb_ko=(\d+) "
        r"growth_ko=([\d.]+) index_kb_en=(\d+) index_s=([\d.]+) plain_s=([\d.]+)$",
        out,
        re.M,
    )
    assert scale_line, out
    assert int(scale_line.group(1)) > 12 and float(scale_line.group(4)) >= 1.0 and float(scale_line.group(6)) > 0
    assert out.rstrip().splitlines()[-1] == summary.group(0)


def test_edit_loop_e2e_quick_times_saves_through_the_real_preview() -> None:
    out = _run("edit_loop.py", "--e2e", "--quick")
    # Every kind of edit was served by the preview, twice per site, each with the update it caused.
    for kind in ("session text", "session title", "speaker", "case"):
        rows = re.findall(
            rf"^\s+{kind}\s+save to served\s+(\d+) ms\s+update\s+(\d+) ms\s+page told\s+(\d+) ms$", out, re.MULTILINE
        )
        assert len(rows) == 4, f"{kind}: expected two rows per site\n{out}"
        assert all(int(served) > 0 and int(told) > 0 for served, _, told in rows), out
    real = re.search(r"^edit-e2e: site=real save_to_served_ms=(\d+) update_ms=(\d+) full_ms=(\d+)$", out, re.M)
    scale = re.search(
        r"^edit-e2e: site=scale sessions=12 save_to_served_ms=(\d+) update_ms=(\d+) full_ms=(\d+)$", out, re.MULTILINE
    )
    assert real and scale, out
    for line in (real, scale):
        served, update, full = map(int, line.groups())
        assert served > 0 and update > 0 and full > 0, out
    # The goals on the real site: the editor waits for the update and little more, well under a full build.
    served, update, full = map(int, real.groups())
    assert served <= update + 0.1 * full and served <= 0.4 * full, out
    assert out.rstrip().splitlines()[-1].startswith("edit-e2e: site=scale sessions=12 ")
