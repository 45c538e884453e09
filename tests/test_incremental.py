"""Incremental rebuilds: after any sequence of edits the output is byte-identical to a clean full build.

A copy of the real content is edited in a loop (session text, a session title shown on other pages,
a speaker's name, a case, a page, a news item; a new session added, a file renamed, the new session
deleted again, a mistake made and corrected). After each step the live site updates itself; at
checkpoints its post-build steps run and the whole output tree is compared, byte for byte, with a
clean build of the same content by the command line, with the same plugins.

The pipeline compared leaves out the search index (ssc_search) and the font subset (ssc_theme):
both are computed from the finished HTML tree as a whole, are run by `finish()` after an update
exactly as after a full build, and each takes longer than the rest of the build.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from publish_helpers import snapshot

from conftest import ROOT, copy_content, run_pelican
from ssc_forum.incremental import LiveSite  # conftest puts the plugins on the path

SKIPPED_PLUGINS = ("ssc_search", "ssc_theme")


def _plugins() -> list[str]:
    from pelican.settings import read_settings

    return [p for p in read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"] if p not in SKIPPED_PLUGINS]


def _set_field(path: Path, name: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"^{name}:.*$", f"{name}: {value}", text, count=1, flags=re.MULTILINE | re.IGNORECASE)
    assert n == 1, f"{path} has no {name} field"
    path.write_text(new, encoding="utf-8")


def _field(path: Path, name: str) -> str:
    match = re.search(rf"^{name}:\s*(.*)$", path.read_text(encoding="utf-8"), re.MULTILINE | re.IGNORECASE)
    assert match, f"{path} has no {name} field"
    return match.group(1).strip()


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + text + "\n", encoding="utf-8")


def _assert_same_as_full_build(site: LiveSite, content: Path, reference: Path, step: str) -> None:
    site.finish()
    done = run_pelican(content, reference, "-e", f"PLUGINS={json.dumps(_plugins())}")
    assert done.returncode == 0, done.stdout + done.stderr
    a, b = snapshot(site.output), snapshot(reference)
    assert len(b) > 100
    assert sorted(set(a) ^ set(b)) == [], f"after {step}: files only on one side: {sorted(set(a) ^ set(b))[:10]}"
    differing = [name for name in b if a[name] != b[name]]
    assert differing == [], f"after {step}: these files differ from a clean build: {differing[:10]}"


@pytest.fixture
def live(tmp_path: Path):
    content = copy_content(tmp_path)
    site = LiveSite(ROOT / "pelicanconf.py", content, tmp_path / "output", {"PLUGINS": _plugins()})
    first = site.full_build()
    assert first.kind == "full", first.problems
    yield site, content, tmp_path
    site.close()


def test_edits_in_a_loop_give_the_same_tree_as_a_full_build(live) -> None:
    site, content, tmp = live
    sessions, speakers, cases = content / "sessions", content / "speakers", content / "cases"
    session = sorted(sessions.glob("*.en.md"))[0]
    slug = _field(session, "slug")
    other_ko = sorted(sessions.glob("*.ko.md"))[-1]
    speaker = sorted(speakers.glob("*.en.md"))[0]
    case = sorted(cases.glob("*.ko.md"))[0]

    # 1. Session text: only that session's page and its language's schedule files change.
    _append(session, "A paragraph added while editing.")
    u = site.update([session])
    assert u.kind == "incremental", u
    assert f"en/sessions/{slug}/index.html" in u.written
    assert not any(w.startswith("sessions/") for w in u.written), "a change in English rewrote Korean pages"
    assert len(u.written) < 10, u.written

    # 2. A title that other pages show (timetable, lists, neighbours, people).
    _set_field(other_ko, "title", _field(other_ko, "title") + " (고침)")
    u = site.update([other_ko])
    assert u.kind == "incremental", u
    assert "timetable/index.html" in u.written and "sessions/index.html" in u.written
    # 3. A speaker's name and a case's text.
    _set_field(speaker, "title", _field(speaker, "title") + " Jr.")
    _append(case, "사례에 덧붙인 문단.")
    u = site.update([speaker, case])
    assert u.kind == "incremental", u
    _assert_same_as_full_build(site, content, tmp / "ref-1", "text, title, speaker and case edits")

    # 4. A new session in both languages, then a file renamed, then the new session deleted.
    added = []
    for path in (session, session.with_name(session.name.replace(".en.", ".ko."))):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^(Slug:\s*).*$", r"\1added-while-editing", text, count=1, flags=re.M | re.I)
        text = re.sub(r"^(Order:\s*).*$", r"\g<1>97", text, count=1, flags=re.M | re.I)
        text = re.sub(r"^(Start|End|Cases|Recording):.*\n", "", text, flags=re.M | re.I)
        target = sessions / path.name.replace(slug, "added-while-editing")
        target.write_text(text, encoding="utf-8")
        added.append(target)
    u = site.update(added)
    assert u.kind == "incremental", u
    assert "en/sessions/added-while-editing/index.html" in u.written
    renamed = speaker.with_name("renamed-" + speaker.name)
    speaker.rename(renamed)
    u = site.update([speaker, renamed])
    assert u.kind in ("incremental", "unchanged"), u
    _assert_same_as_full_build(site, content, tmp / "ref-2", "a session added and a file renamed")

    for path in added:
        path.unlink()
    u = site.update(added)
    assert u.kind == "incremental", u
    assert "en/sessions/added-while-editing/index.html" in u.removed
    assert not (site.output / "en/sessions/added-while-editing").exists() or not any(
        (site.output / "en/sessions/added-while-editing").iterdir()
    )

    # 5. A mistake is reported and nothing is written; its correction is.
    before = snapshot(site.output)
    _set_field(session, "day", "2020-9-23")
    u = site.update([session])
    assert u.kind == "failed" and any("day" in p for p in u.problems), u
    assert snapshot(site.output) == before
    _set_field(session, "day", _field(session.with_name(session.name.replace(".en.", ".ko.")), "day"))

    # 6. A news item and a page: Pelican's own pages, a full build.
    news = sorted((content / "news").glob("*.en.md"))[0]
    _append(news, "A line added to the news item.")
    u = site.update([news, session])
    assert u.kind == "full", u
    page = sorted((content / "pages").glob("*.en.md"))[0]
    _append(page, "A sentence added to a page.")
    u = site.update([page])
    assert u.kind == "incremental", u
    # 7. A page's title: the footer of every page of its language links to it. The footer is rendered
    # once and kept for the other pages; each page still counts as reading the pages it lists.
    page_slug = _field(page, "slug")
    for written in (f"en/sessions/{slug}/index.html", "en/speakers/index.html", "en/index.html"):
        assert (("page", page_slug, "en"), "meta") in site.recorder.deps[written], written
    _set_field(page, "title", _field(page, "title") + " (edited)")
    u = site.update([page])
    # The news pages show the footer too, and they are Pelican's own: a full build.
    assert u.kind == "full" and "news" in u.reason, u
    _assert_same_as_full_build(site, content, tmp / "ref-3", "a deletion, a mistake, a news item and pages")


@pytest.mark.parametrize("per_process", [None, 10], ids=["default", "pages written in turns of 10"])
def test_parallel_build_is_byte_identical_to_the_single_process_build(tmp_path: Path, per_process) -> None:
    """`python -m ssc_forum.parallel` (what `invoke build` runs) writes what `pelican` writes, in two processes.

    With FORUM_PAGES_PER_PROCESS at 10, each language site's pages are written by short-lived
    processes in turns (as at scale), the exports by one more.
    """
    import os
    import subprocess
    import sys

    content = copy_content(tmp_path)
    plugins = ["-e", f"PLUGINS={json.dumps(_plugins())}"]
    single = run_pelican(content, tmp_path / "single", *plugins)
    if per_process:  # one -e for all settings: a second -e replaces the first
        plugins.append(f"FORUM_PAGES_PER_PROCESS={per_process}")
    assert single.returncode == 0, single.stdout + single.stderr
    both = subprocess.run(
        [
            sys.executable,
            "-m",
            "ssc_forum.parallel",
            str(content),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-o",
            str(tmp_path / "both"),
            "--fatal",
            "errors",
            "-v",
            *plugins,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "COLUMNS": "400"},
    )
    assert both.returncode == 0, both.stdout[-3000:] + both.stderr[-3000:]
    assert re.search(r"the en site is written by process \d+", both.stdout + both.stderr), "no process was forked"
    turns = re.findall(r"ssc_forum: (\d+) pages written by (\d+) processes in turns", both.stdout + both.stderr)
    if per_process:
        assert len(turns) == 2 and all(int(n) > 20 and int(t) == -(-int(n) // per_process) for n, t in turns), turns
    else:
        assert turns == []  # the real site is smaller than one turn
    a, b = snapshot(tmp_path / "single"), snapshot(tmp_path / "both")
    assert len(a) > 100
    assert sorted(set(a) ^ set(b)) == [], "the two builds wrote different files"
    assert [name for name in a if a[name] != b[name]] == []


def test_a_file_saved_twice_within_a_clock_tick_is_read_again(tmp_path: Path) -> None:
    """The edit loop trusts a file's stat for its bytes only once its time is clearly older than its reading."""
    from ssc_forum.editloop import FileCache

    cache, reads = FileCache(), []

    def read_file(reader: object, file: Path, rel: str) -> str:
        reads.append(file.read_text(encoding="utf-8"))
        return reads[-1]

    reader = object()

    def cached(reader: object, file: Path, rel: str) -> str:  # as the content reader asks it
        return cache.read_file(file, rel, lambda: read_file(reader, file, rel))

    page = tmp_path / "page.md"
    page.write_text("Title: A\n", encoding="utf-8")
    first = os.stat(page)
    assert cached(reader, page, "content/page.md") == "Title: A\n"
    # Saved again with the same size and (as a coarse clock gives it) the same modification time.
    page.write_text("Title: B\n", encoding="utf-8")
    os.utime(page, ns=(first.st_atime_ns, first.st_mtime_ns))
    assert cached(reader, page, "content/page.md") == "Title: B\n"
    # A file last saved long before it was read: its stat stands for its bytes, it is not read again.
    old = first.st_mtime_ns - 3_600_000_000_000
    os.utime(page, ns=(old, old))
    assert cached(reader, page, "content/page.md") == "Title: B\n"  # read: its stat changed
    # Settled: its stat stands for its bytes, and the file is not read again (a same-size change with
    # its old time put back by hand is not seen, as in git).
    page.write_text("Title: C\n", encoding="utf-8")
    os.utime(page, ns=(old, old))
    assert cached(reader, page, "content/page.md") == "Title: B\n"
    assert reads == ["Title: A\n", "Title: B\n"]
