"""The live preview (`invoke livereload`): a save changes the served page at once, a mistake is shown, not served.

One preview runs for the module, in its own process, on a copy of the real content, as an editor
starts it; the tests save files in that copy and read what the server answers and what its
event stream says. The browser side (the reload and the problem dialog in Chromium) is
tests/browser/test_livereload.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from preview_helpers import ROOT, PreviewProcess, copy_content, started
from watchfiles import Change

from ssc_deploy.devserver import inject, parse_problem
from ssc_deploy.livepreview import EditFilter, edited_paths, saved_files

SESSION = Path("sessions") / "keynote.ko.md"
SESSION_URL = "/sessions/keynote/"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewProcess]:
    """A preview of a copy of the content, its first build done."""
    work = tmp_path_factory.mktemp("livereload")
    preview, events = started(copy_content(work / "content"), work / "output")
    events.close()
    yield preview
    preview.stop()


def _build_of(body: bytes) -> str:
    script = BeautifulSoup(body, "html.parser").find("script", src="/__preview/live.js")
    assert script is not None, body[-400:]
    return str(script["data-build"])


def test_pages_are_served_with_the_preview_script_and_the_built_files_stay_as_built(live: PreviewProcess) -> None:
    status, headers, body = live.get(SESSION_URL)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "no-store"  # the build's name in the page must never come from a cache
    soup = BeautifulSoup(body, "html.parser")
    script = soup.find("script", src="/__preview/live.js")
    assert script is not None and script["data-events"] == "/__preview/events"
    assert soup.body.find_all("script")[-1] is script  # the last thing in the body, after the page's own
    # Only the answer carries it: no built file does (they are a normal build's bytes).
    built = live.output / "sessions" / "keynote" / "index.html"
    tag = re.search(rb'<script src="/__preview/live\.js"[^>]*></script>', body)
    assert tag is not None and body == inject(built.read_bytes(), tag.group(0))
    assert not [p for p in live.output.rglob("*") if p.is_file() and b"/__preview/live.js" in p.read_bytes()]
    # The editor's page is served as built: a reload would throw away what is being typed in it.
    status, _, editor = live.get("/admin/")
    assert status == 200 and b"/__preview/" not in editor
    assert editor == (live.output / "admin" / "index.html").read_bytes()
    # The 404 page of each language listens too (a renamed page reloads into it, and out of it).
    for missing, lang in (("/no-such-page/", "ko"), ("/en/no-such-page/", "en")):
        status, _, body = live.get(missing)
        assert status == 404 and b'src="/__preview/live.js"' in body
        assert BeautifulSoup(body, "html.parser").html["lang"] == lang
    status, headers, script_body = live.get("/__preview/live.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in script_body
    status, headers, _ = live.get("/__preview/live.css")
    assert status == 200 and headers["content-type"].startswith("text/css")


def test_the_preview_refuses_paths_of_its_own_it_does_not_have(live: PreviewProcess) -> None:
    for path in ("/__preview/", "/__preview/secret.py", "/__preview/../tasks.py", "/__preview/live.js/x"):
        status, _, body = live.get(path)
        assert status == 404, path
        assert b"def " not in body


def test_a_save_changes_the_served_page_and_the_stream_tells_the_page_to_reload(live: PreviewProcess) -> None:
    events = live.events()
    try:
        first = events.next()
        assert events.headers["content-type"].startswith("text/event-stream")
        _, _, before = live.get(SESSION_URL)
        assert _build_of(before) == first["build"]
        start = len(live.lines)
        path = live.content / SESSION
        path.write_text(path.read_text(encoding="utf-8") + "\n저장하자마자 보이는 문단입니다.\n", encoding="utf-8")
        state = events.next(timeout=30)
        assert state["kind"] == "incremental" and state["problems"] == [] and state["ms"] > 0
        assert state["build"] != first["build"]
        # Told after the page was written: what the page fetches on reload is the new page, with the new name.
        status, _, after = live.get(SESSION_URL)
        assert status == 200 and "저장하자마자 보이는 문단입니다.".encode() in after
        assert _build_of(after) == state["build"]
        live.wait_for_line(r"^Incremental build in [\d.]+ s: \d+ file\(s\) written", start)
        # The post-build steps follow once nothing was saved for a moment. A save while they run waits
        # for them, and says so.
        live.wait_for_line(r"^Updating the search index, sitemap and \.gz copies \.\.\.$", start, timeout=60)
        meanwhile = "색인을 만드는 동안 저장한 문단입니다."
        path.write_text(path.read_text(encoding="utf-8") + f"\n{meanwhile}\n", encoding="utf-8")
        live.wait_for_line(r"^Saved while the search index, sitemap and \.gz copies are updated", start)
        later = events.next(timeout=60)
        assert later["kind"] == "incremental", later
        assert meanwhile.encode() in live.get(SESSION_URL)[2]
        done = max(n for n, line in enumerate(live.lines) if line.startswith("Search index, sitemap and .gz"))
        live.wait_for_line(r"^Incremental build in ", done)  # the update came after the steps ended
    finally:
        events.close()


def test_a_saved_mistake_keeps_the_last_good_page_and_its_fix_clears_the_problems(live: PreviewProcess) -> None:
    path = live.content / SESSION
    good = path.read_text(encoding="utf-8")
    events = live.events()
    try:
        served = events.next()
        _, _, before = live.get(SESSION_URL)
        start = len(live.lines)
        path.write_text(re.sub(r"(?m)^Day: .*$", "Day: 2020.09.23", good), encoding="utf-8")
        state = events.next(timeout=30)
        assert state["kind"] == "failed" and state["build"] == served["build"]  # no reload: nothing new to see
        assert len(state["problems"]) == 1
        problem = state["problems"][0]
        assert problem["file"] == "content/sessions/keynote.ko.md"
        day_line = next(n for n, line in enumerate(good.splitlines(), 1) if line.startswith("Day:"))
        assert problem["line"] == day_line
        assert "2020.09.23" in problem["message"]
        status, _, during = live.get(SESSION_URL)
        assert status == 200 and during == before  # the last good page
        # The terminal says it too, one line per problem, naming file and line.
        live.wait_for_line(rf"^content/sessions/keynote\.ko\.md:{problem['line']}: .*2020\.09\.23", start)
        live.wait_for_line(r"^Not rebuilt: 1 problem\(s\)", start)
        # A page opened now hears the problems at once.
        late = live.events()
        assert late.next(timeout=10)["problems"] == state["problems"]
        late.close()
        # Saved back as it was: the problems go, and the page stays (the same build).
        path.write_text(good, encoding="utf-8")
        fixed = events.next(timeout=30)
        assert fixed["problems"] == [] and fixed["build"] == served["build"]
    finally:
        path.write_text(good, encoding="utf-8")
        events.close()


def test_a_first_build_that_fails_with_nothing_to_serve_stops_with_the_problems(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    session = content / SESSION
    session.write_text(
        re.sub(r"(?m)^Day: .*$", "Day: 2020.09.23", session.read_text(encoding="utf-8")), encoding="utf-8"
    )
    preview = PreviewProcess(content, tmp_path / "output")
    try:
        assert preview.process.wait(timeout=120) == 1
    finally:
        preview.stop()
    preview.wait_for_line(r"^content/sessions/keynote\.ko\.md:\d+: .*2020\.09\.23")
    preview.wait_for_line(r"Build failed: nothing to serve\.")
    assert "Traceback" not in preview.printed
    assert not (tmp_path / "output").exists()


def test_a_save_while_the_first_build_runs_is_served_after_it(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    preview = PreviewProcess(content, tmp_path / "output")
    try:
        # Saved once the first build has read the content (it is writing pages into its staging folder).
        deadline = time.monotonic() + 120
        while not any(tmp_path.glob(".build-live-*/**/*.html")):
            assert time.monotonic() < deadline and preview.process.poll() is None, preview.printed
            time.sleep(0.01)
        path = content / SESSION
        path.write_text(path.read_text(encoding="utf-8") + "\n첫 빌드 중에 저장한 문단입니다.\n", encoding="utf-8")
        preview.wait_for_line(r"^Full build in .*\(first build\)")
        preview.wait_for_line(r"^(Incremental|Full) build in .*(record|saved while)")
        status, _, body = preview.get(SESSION_URL)
        assert status == 200 and "첫 빌드 중에 저장한 문단입니다.".encode() in body
    finally:
        preview.stop()


def test_the_plain_preview_server_adds_nothing(tmp_path: Path) -> None:
    """`serve` and the browser checks use the same server without a live channel: pages as built, no /__preview/."""
    import threading
    import urllib.error
    import urllib.request

    from ssc_deploy.devserver import make_server

    (tmp_path / "index.html").write_bytes(b"<!DOCTYPE html><html><body><p>as built</p></body></html>")
    (tmp_path / "404.html").write_bytes(b"<!DOCTYPE html><html><body>not found</body></html>")
    server = make_server(tmp_path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(origin + "/") as answer:
            assert answer.read() == (tmp_path / "index.html").read_bytes()
            assert answer.headers["Cache-Control"] is None
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(origin + "/__preview/live.js")
        assert missing.value.code == 404 and missing.value.read() == (tmp_path / "404.html").read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_problem_lines_are_split_into_file_line_and_message() -> None:
    assert parse_problem("content/sessions/keynote.en.md:5: field 'day': '2020-9-23' is not a date") == {
        "file": "content/sessions/keynote.en.md",
        "line": 5,
        "message": "field 'day': '2020-9-23' is not a date",
    }
    assert parse_problem("content/programme.toml: no [[days]] table") == {
        "file": "content/programme.toml",
        "line": None,
        "message": "no [[days]] table",
    }
    # A message that names no file (a template's error) is all message.
    assert parse_problem("TemplateSyntaxError: unexpected '}'") == {
        "file": None,
        "line": None,
        "message": "TemplateSyntaxError: unexpected '}'",
    }


def test_files_made_and_deleted_within_one_batch_are_no_edit(tmp_path: Path) -> None:
    kept, temporary, renamed = tmp_path / "keynote.ko.md", tmp_path / "4913", tmp_path / "keynote.ko.md.tmp"
    kept.write_text("x", encoding="utf-8")
    changes = {
        (Change.added, str(temporary)),
        (Change.deleted, str(temporary)),  # vim's test file
        (Change.added, str(renamed)),
        (Change.deleted, str(renamed)),  # written, then renamed over
        (Change.added, str(kept)),
        (Change.modified, str(kept)),
    }
    assert edited_paths(changes) == [kept]
    # A file deleted for good is an edit (its pages go).
    gone = tmp_path / "old.ko.md"
    assert edited_paths({(Change.deleted, str(gone))}) == [gone]


def test_saves_are_seen_in_folders_and_in_a_single_file_replaced_by_a_rename(tmp_path: Path) -> None:
    folder, settings = tmp_path / "content", tmp_path / "pelicanconf.py"
    folder.mkdir()
    (folder / "keynote.ko.md").write_text("a", encoding="utf-8")
    settings.write_text("A = 1\n", encoding="utf-8")
    stop, seen = threading.Event(), []

    def follow() -> None:
        seen.extend(path for batch in saved_files([folder, settings], ignore=[], stop=stop) for path in batch)

    def until(done: Callable[[], bool], touch: Callable[[], object] | None = None) -> None:
        """Poll (touching again each time, if asked) until `done`, for at most 10 s."""
        deadline = time.monotonic() + 10
        while not done():
            assert time.monotonic() < deadline, seen
            if touch:
                touch()
            time.sleep(0.02)

    watcher = threading.Thread(target=follow)
    watcher.start()
    try:
        # The watch is set up once a file written in the folder is seen (waited for, not slept on).
        probe = folder / "probe.ko.md"
        until(lambda: probe in seen, lambda: probe.write_text(str(time.monotonic()), encoding="utf-8"))
        for n in range(3):  # saved as many editors do: a new file renamed over the old one
            new = tmp_path / f".pelicanconf.py.{n}"
            new.write_text(f"A = {n}\n", encoding="utf-8")
            os.replace(new, settings)
            until(lambda n=n: seen.count(settings) >= n + 1)  # each save seen before the next one
        (folder / "keynote.ko.md").write_text("b", encoding="utf-8")
        until(lambda: folder / "keynote.ko.md" in seen)
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
    assert not [path for path in seen if path.name.startswith(".pelicanconf")], seen  # the new files are no edit


def test_editors_and_builds_leftovers_are_not_watched(tmp_path: Path) -> None:
    keep = EditFilter()
    for name in ("#keynote.ko.md#", ".keynote.ko.md.swp", "keynote.ko.md~", "messages.mo", "x.pyc"):
        assert not keep(Change.modified, str(tmp_path / name)), name
    for name in ("keynote.ko.md", "programme.toml", "base.html", "site.css", "plugin.py", "photo.jpg"):
        assert keep(Change.modified, str(tmp_path / name)), name


def test_livereload_help_names_its_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "invoke", "--help", "livereload"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "--content" in out and "--output" in out
