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

With `--e2e` it measures what the editor waits for instead: it starts the real preview
(`python3 make.py livereload`, in its own process, on a free port) on each site, saves the
files as an editor would, and polls the served page every `POLL_S` until it shows the edit.
For each site it prints

    edit-e2e: site=real save_to_served_ms=X update_ms=U full_ms=F
    edit-e2e: site=scale sessions=N save_to_served_ms=X update_ms=U full_ms=F

with X the median time from the save to the served page, U the median of the same edits'
updates as the preview timed them (its event stream says), and F a full build without the
post-build steps in this run, as above. Goals: X <= U + 0.1 F on both sites, X <= 0.4 F on
the real site. Edits are a pause apart, shorter than the preview's wait before its post-build
steps: a save made while those run waits for them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402  (bench/ is on the path)

POST_BUILD_PLUGINS = ("ssc_search", "ssc_publish", "ssc_theme")
"""Plugins that work on the finished tree; the edit loop runs them after the page is written."""

POLL_S = 0.005
"""How often `--e2e` asks for the edited page: the figures are this precise, and no more."""

PAUSE_S = 0.3
"""`--e2e`: the pause between one edit being served and the next save (an editor looks before saving again)."""

TIMEOUT_S = 900.0
"""`--e2e`: the longest the preview may take to build a site or serve an edit."""


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
    new, n = re.subn(
        r"^(Title:\s*)(.*)$",
        lambda m: m.group(1) + m.group(2) + suffix,
        text,
        count=1,
        flags=re.MULTILINE | re.IGNORECASE,
    )
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


def measure(name: str, content: Path, work: Path, *, warm_up: bool, edit: bool = True) -> tuple[int, float, float]:
    """Edit-loop and full-build times of one site; prints a line per edit. Returns (sessions, inc ms, full ms).

    Without `edit`, only the full build is timed (the incremental median is then 0).
    """
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
        print(
            f"  {name}: full build {full_ms:.0f} ms ({len(first.written)} pages and exports), sessions={sessions}",
            flush=True,
        )
        if not edit:
            return sessions, 0.0, full_ms
        times = []
        for kind, path, change in edits(content):
            change(path)
            update = site.update([path])
            if update.kind != "incremental":
                raise SystemExit(
                    f"edit_loop.py: the {kind} edit was not incremental ({update.kind}: "
                    f"{update.reason}) {update.problems[:3]}"
                )
            times.append(1000 * update.seconds)
            print(
                f"    {kind:<14} {1000 * update.seconds:8.0f} ms  {len(update.written):>5} files written "
                f"({update.reason})",
                flush=True,
            )
        finish_s = site.finish()
        print(
            f"    post-build steps afterwards: {1000 * finish_s:.0f} ms (none loaded in this pipeline)"
            if finish_s < 0.01
            else f"    post-build steps afterwards: {1000 * finish_s:.0f} ms"
        )
    inc_ms = statistics.median(times)
    print(f"  {name}: median {inc_ms:.0f} ms = {inc_ms / full_ms:.3f}x the full build")
    return sessions, inc_ms, full_ms


# --- end to end: the real preview, from the save to the served page ------------------------------


def _slug(path: Path) -> str:
    return path.name.split(".")[0]


def _page_url(path: Path) -> str:
    """The address of the page an item's file makes (`sessions/keynote.en.md` -> `/en/sessions/keynote/`)."""
    lang = path.name.split(".")[-2]
    return f"{'/en' if lang == 'en' else ''}/{path.parent.name}/{_slug(path)}/"


class _Preview:
    """`python -m invoke livereload` on a content folder, in its own process, and its event stream."""

    def __init__(self, content: Path, output: Path) -> None:
        env = {**os.environ, "SSC_HOST": "127.0.0.1", "SSC_PORT": "0", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "livereload", "--content", str(content), "--output", str(output)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.origin = ""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            found = re.search(r"(http://[\d.]+:\d+)/", line)  # the serving line, in either language
            if found:
                self.origin = found.group(1)
                break
        if not self.origin:
            raise SystemExit("edit_loop.py: the preview did not start:\n" + "\n".join(self.lines[-20:]))
        threading.Thread(target=self._read_output, daemon=True).start()
        self.states: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read_events, daemon=True).start()

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def _read_events(self) -> None:
        host, port = urlsplit(self.origin).hostname, urlsplit(self.origin).port
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
        connection.request("GET", "/__preview/events")
        response = connection.getresponse()
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("data: "):
                state = json.loads(line[len("data: ") :])
                state["heard_at"] = time.perf_counter()  # when a page would start its reload
                self.states.put(state)

    def next_state(self, kinds: tuple[str, ...]) -> dict:
        """The next state of the event stream whose kind is one of `kinds`."""
        deadline = time.perf_counter() + TIMEOUT_S
        while True:
            try:
                state = self.states.get(timeout=max(0.1, deadline - time.perf_counter()))
            except queue.Empty:
                raise SystemExit(
                    f"edit_loop.py: no {'/'.join(kinds)} from the preview:\n" + "\n".join(self.lines[-20:])
                ) from None
            if state["kind"] in kinds:
                return state
            if state["kind"] == "failed":
                raise SystemExit("edit_loop.py: the preview failed:\n" + "\n".join(self.lines[-20:]))

    def get(self, path: str) -> tuple[int, bytes]:
        """One request, on its own connection, as a browser's reload makes it."""
        connection = http.client.HTTPConnection(urlsplit(self.origin).hostname, urlsplit(self.origin).port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        """Stop the preview as Ctrl+C does."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _e2e_edits(content: Path, n: int) -> list[tuple[str, Path, str, Callable[[Path], None]]]:
    """Round `n` of the edits: (kind, file, a word only this edit puts on its page, change)."""
    edits_ = []
    for kind, path, _ in edits(content):
        mark = f"e2e{n}{kind.split()[-1]}"
        if kind in ("session text", "case"):
            edits_.append((kind, path, mark, lambda p, m=mark: _append(p, f"편집하며 덧붙인 문단입니다 {m}.")))
        else:
            edits_.append((kind, path, mark, lambda p, m=mark: _retitle(p, f" {m}")))
    return edits_


def measure_e2e(name: str, content: Path, work: Path, *, rounds: int) -> tuple[float, float]:
    """Save-to-served and update times of the edits on the real preview. Returns (median X ms, median U ms)."""
    preview = _Preview(content, work / "output")
    try:
        first = preview.next_state(("full",))
        print(
            f"  {name}: the preview's first build {first['ms']:.0f} ms (with the post-build steps), "
            f"at {preview.origin}",
            flush=True,
        )
        served, updates, told = [], [], []
        for n in range(1, rounds + 1):
            for kind, path, mark, change in _e2e_edits(content, n):
                url = _page_url(path)
                status, body = preview.get(url)
                if status != 200 or mark.encode() in body:
                    raise SystemExit(f"edit_loop.py: {url} answers {status} before the {kind} edit")
                started = time.perf_counter()
                change(path)
                while mark.encode() not in body:
                    time.sleep(POLL_S)
                    if time.perf_counter() - started > TIMEOUT_S:
                        raise SystemExit(
                            f"edit_loop.py: {url} never showed the {kind} edit:\n" + "\n".join(preview.lines[-20:])
                        )
                    status, body = preview.get(url)
                x_ms = 1000 * (time.perf_counter() - started)
                state = preview.next_state(("incremental", "full"))
                if state["kind"] != "incremental":
                    raise SystemExit(f"edit_loop.py: the {kind} edit was not incremental in the preview")
                served.append(x_ms)
                updates.append(state["ms"])
                told.append(1000 * (state["heard_at"] - started))
                print(
                    f"    {kind:<14} save to served {x_ms:6.0f} ms   update {state['ms']:6.0f} ms   "
                    f"page told {told[-1]:6.0f} ms",
                    flush=True,
                )
                time.sleep(PAUSE_S)
    finally:
        preview.stop()
    # An open page reloads when it is told, after the whole update; the edited page itself may be written sooner.
    print(
        f"  {name}: median save to served {statistics.median(served):.0f} ms, save to the open page told "
        f"{statistics.median(told):.0f} ms, update {statistics.median(updates):.0f} ms",
        flush=True,
    )
    return statistics.median(served), statistics.median(updates)


def main_e2e(args: argparse.Namespace, sites: list[str], size: synthetic.Size, work: Path) -> list[str]:
    """Every site: the preview's edits end to end, then a full build in this process. Returns the summary lines."""
    lines = []
    for name in sites:
        content = work / name / "content"
        if name == "real":
            shutil.copytree(ROOT / "content", content)
        else:
            synthetic.write_content(synthetic.make_programme(size), content)
        sessions = len(list((content / "sessions").glob("*.ko.md")))
        x_ms, u_ms = measure_e2e(name, content, work / name / "preview", rounds=2 if args.quick else 3)
        # The full build of the same (edited) content, as the edit-loop line times it, after the preview stopped.
        _, _, full_ms = measure(name, content, work / name, warm_up=not (args.quick or args.no_warm_up), edit=False)
        goal = u_ms + 0.1 * full_ms
        print(
            f"  {name}: save to served {x_ms:.0f} ms, goal U + 0.1 F = {goal:.0f} ms "
            f"({'met' if x_ms <= goal else 'missed'}); X/F = {x_ms / full_ms:.2f}"
            + (f" (goal 0.4: {'met' if x_ms <= 0.4 * full_ms else 'missed'})" if name == "real" else ""),
            flush=True,
        )
        label = "site=real" if name == "real" else f"site={name} sessions={sessions}"
        lines.append(f"edit-e2e: {label} save_to_served_ms={x_ms:.0f} update_ms={u_ms:.0f} full_ms={full_ms:.0f}")
    return lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: the real site and a 12-session programme, no warm-up build"
    )
    parser.add_argument(
        "--no-warm-up",
        action="store_true",
        help="time the first full build (which also compiles templates) instead of a second one",
    )
    parser.add_argument(
        "--e2e", action="store_true", help="time the real preview from the save to the served page (edit-e2e lines)"
    )
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
        size = synthetic.Size(1, 3, 4, 10, 2, 3)
    else:
        size = synthetic.Size(args.days, args.rooms, args.slots, args.speakers, 20, 3)
    print(f"Edit-loop benchmark: sites {', '.join(sites)}; Python {sys.version.split()[0]}")
    work = Path(tempfile.mkdtemp(prefix="ssc-edit-loop-"))
    lines = []
    try:
        if args.e2e:
            lines = main_e2e(args, sites, size, work)
        for name in sites if not args.e2e else ():
            content = work / name / "content"
            if name == "real":
                shutil.copytree(ROOT / "content", content)
            else:
                started = time.perf_counter()
                n = synthetic.write_content(synthetic.make_programme(size), content)
                print(f"  scale: wrote {n} Markdown files in {time.perf_counter() - started:.1f} s", flush=True)
            sessions, inc_ms, full_ms = measure(name, content, work / name, warm_up=not (args.quick or args.no_warm_up))
            lines.append(f"edit-loop: sessions={sessions} incremental_ms={inc_ms:.0f} full_ms={full_ms:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for line in lines:
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
