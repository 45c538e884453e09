"""The web archive replayed with pywb and with ReplayWeb.page, offline, in Chromium: what a reader of
the deposited copy sees.

The package `python3 make.py archive` writes is added to a pywb collection (`wb-manager add
--unpack-wacz`, which uses the package's own index) and served by pywb's `wayback` on
127.0.0.1, without any live-web collection or proxy: a request for anything not in the archive
gets pywb's "not in archive" page, never the live site. Pages are opened at their archived
addresses (`/ssc/<timestamp>/https://forum.seoul.go.kr/ssc2020/...`) in non-framed replay.

ReplayWeb.page (npm `replaywebpage`, the Webrecorder viewer archives embed) is served from
127.0.0.1 as its documentation says: its `ui.js` on a page holding `<replay-web-page>`, its
service worker `sw.js` under `replay/`, and the package beside them; the archived page is replayed
in a frame inside it, where the search page must find what it finds on the live site.
"""

from __future__ import annotations

import functools
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Request

from archive_helpers import SITE_URL, Archive, made_archive, workdir

from .browser_support import LANG_PREFIX, LANGS, PAGE_KINDS, ROOT, OpenPage, Visit
from .search_queries import QUERIES, top_results

# The package is made once per process (archive_helpers): its tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("archive")

BIN = Path(sys.executable).parent
COLLECTION = "ssc"
REPLAY_PATH = re.compile(r"^.*?/https?:/+[^/]+(?=/)")
"""What goes before an archived address's path in a link of a replayed page (kept by either tool)."""
REPLAY_PREFIX = re.compile(rf"^http://127\.0\.0\.1:\d+/{COLLECTION}/\d{{14}}[a-z]{{0,2}}_?/")
START_TIMEOUT = 30.0
REPLAYED_KINDS = ("home", "session", "timetable")
# Non-framed replay: the archived page is the top document, as a reader of a deposit would see it
# with pywb's banner. No `live` collection, no proxy, no recording: nothing is fetched from the web.
PYWB_CONFIG = """\
framed_replay: false
enable_memento: true
"""


@dataclass(frozen=True)
class Replay:
    """The running pywb and how to address an archived page through it."""

    origin: str  # http://127.0.0.1:PORT
    timestamp: str

    def url(self, archived: str) -> str:
        """The replay address of the archived address `archived`."""
        return f"{self.origin}/{COLLECTION}/{self.timestamp}/{archived}"

    def page(self, kind: str, lang: str) -> str:
        """The replay address of one page of the site, by its kind (as in PAGE_KINDS)."""
        return self.url(f"{SITE_URL}{LANG_PREFIX[lang]}{PAGE_KINDS[kind]}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"wayback exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"wayback did not listen on 127.0.0.1:{port} within {START_TIMEOUT} s")


@pytest.fixture(scope="module")
def archive() -> Archive:
    return made_archive()


@pytest.fixture(scope="module")
def replay(archive: Archive) -> Iterator[Replay]:
    """pywb replaying the package on 127.0.0.1, started once for the module and always stopped."""
    root = workdir() / "pywb"
    root.mkdir()
    for command in (
        ["wb-manager", "init", COLLECTION],
        ["wb-manager", "add", "--unpack-wacz", COLLECTION, str(archive.path)],
    ):
        done = subprocess.run(
            [str(BIN / command[0]), *command[1:]], cwd=root, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
    (root / "config.yaml").write_text(PYWB_CONFIG, encoding="utf-8")
    port = _free_port()
    log = root / "wayback.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BIN / "wayback"), "--bind", "127.0.0.1", "--port", str(port), "--directory", str(root)],
            cwd=root,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(port, process, log)
        timestamp = archive.records[0].date.translate(str.maketrans("", "", "-T:Z"))
        yield Replay(f"http://127.0.0.1:{port}", timestamp)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _status(url: str) -> tuple[int, str]:
    """Status and final address of a GET through the replay (redirects followed)."""
    try:
        with urllib.request.urlopen(url, timeout=15) as reply:
            return reply.status, reply.url
    except urllib.error.HTTPError as err:
        return err.code, url


def _stays_in_replay(visit: Visit, replay: Replay) -> list[str]:
    """Every request that did not go to the replay server (there must be none)."""
    return [
        u
        for u in visit.requests
        if urlsplit(u).scheme not in ("data", "blob") and not u.startswith(replay.origin + "/")
    ]


def _original(href: str) -> str:
    """The archived address behind a link: pywb's scripts show it, the attribute holds the replay address."""
    return REPLAY_PREFIX.sub("", href)


def _archived_title(archive: Archive, url: str) -> str:
    return next(p["title"] for p in archive.pages()[1:] if p["url"] == url)


CASES = [(kind, lang) for kind in REPLAYED_KINDS for lang in LANGS]


@pytest.mark.parametrize(("kind", "lang"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_page_replays_with_its_styles_and_links(
    kind: str, lang: str, archive: Archive, replay: Replay, open_page: OpenPage
) -> None:
    archived = f"{SITE_URL}{LANG_PREFIX[lang]}{PAGE_KINDS[kind]}"
    visit = open_page(replay.url(archived), settle=True)
    page = visit.page
    assert page.title() == _archived_title(archive, archived)
    assert page.get_attribute("html", "lang") == lang

    # The style sheets came from the archive, through the replay, and their rules apply.
    sheets = [r for r in visit.responses if r.request.resource_type == "stylesheet"]
    assert sheets and all(r.status == 200 and r.url.startswith(f"{replay.origin}/{COLLECTION}/") for r in sheets)
    assert all(f"/{SITE_URL}/" in r.url for r in sheets), [r.url for r in sheets]
    applied = page.evaluate("""() => {
        const declared = [];
        for (const sheet of document.styleSheets) {
            for (const rule of sheet.cssRules) {
                if (rule.selectorText && rule.selectorText.split(',').map(s => s.trim()).includes('body')
                    && rule.style.fontFamily) declared.push(rule.style.fontFamily);
            }
        }
        return {declared, computed: getComputedStyle(document.body).fontFamily};
    }""")
    assert applied["declared"], "no rule of the archived style sheet sets the body's font"
    assert applied["computed"] == applied["declared"][-1]

    # Every link was rewritten to point into the replay; those inside the site answer there.
    in_replay = page.locator(f"a[href^='{replay.origin}/{COLLECTION}/']")
    assert page.locator("a[href^='http']").count() == in_replay.count(), "a link leads out of the replay"
    hrefs = in_replay.evaluate_all("links => links.map(a => a.href.split('#')[0])")
    inside = sorted({url for url in map(_original, hrefs) if url.startswith(f"{SITE_URL}/")})
    assert len(inside) >= 5, f"only {len(inside)} links inside the site"
    for url in inside[:: max(1, len(inside) // 6)]:
        assert _status(replay.url(url)) == (200, replay.url(url)), url
    with page.expect_navigation() as navigation:
        page.locator(f"main a[href^='{replay.origin}/{COLLECTION}/']").first.click()
    assert navigation.value.status == 200 and page.url.startswith(f"{replay.origin}/{COLLECTION}/")

    assert not _stays_in_replay(visit, replay), _stays_in_replay(visit, replay)
    assert not visit.failures, visit.failures


@pytest.mark.parametrize("lang", LANGS)
def test_time_zone_switch_works_in_the_replay(lang: str, replay: Replay, open_page: OpenPage) -> None:
    visit = open_page(replay.page("timetable", lang), timezone_id="Pacific/Honolulu")
    page = visit.page
    times = page.locator("main time")
    before = times.all_inner_texts()
    button = page.locator("[data-tz-switch] button").first
    assert before and button.is_visible()
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    after = times.all_inner_texts()
    assert after != before and len(after) == len(before), "the times did not change to the reader's zone"
    button.click()
    assert times.all_inner_texts() == before
    assert not _stays_in_replay(visit, replay), _stays_in_replay(visit, replay)


@pytest.mark.parametrize("lang", LANGS)
def test_search_works_or_reads_as_without_javascript(lang: str, replay: Replay, open_page: OpenPage) -> None:
    """pywb 2.10 cannot run module scripts (its rewriting declares `arguments`, which strict code
    refuses: pywb issue #771), so search.js does not start and the page stays as it is without
    JavaScript: the notice and its links to the lists, which must work. Should a pywb run it,
    the search must then find a session."""
    visit = open_page(replay.page("search", lang), settle=True)
    page = visit.page
    notice = page.locator("#search-nojs")
    if notice.is_visible():
        links = notice.locator(f"a[href^='{replay.origin}/{COLLECTION}/']")
        assert links.count() == notice.locator("a").count() >= 3, "a link of the notice leads out of the replay"
        for href in links.evaluate_all("links => links.map(a => a.href)"):
            url = replay.url(_original(href))
            assert _status(url) == (200, url), href
    else:
        page.fill("input[name='q']", "keynote" if lang == "en" else "기조연설")
        page.locator("#search-results li a").first.wait_for()
    assert page.locator("#search-form input[name='q']").is_visible()
    assert not _stays_in_replay(visit, replay), _stays_in_replay(visit, replay)


def test_addresses_answer_as_on_the_server(replay: Replay) -> None:
    """A folder without its slash is redirected, .../index.html is the same page, a missing page is 404."""
    for lang in LANGS:
        base = f"{SITE_URL}{LANG_PREFIX[lang]}"
        assert _status(replay.url(f"{base}/sessions")) == (200, replay.url(f"{base}/sessions/"))
        assert _status(replay.url(f"{base}/sessions/index.html"))[0] == 200
        assert _status(replay.url(f"{base}/not-found"))[0] == 404
        assert _status(replay.url(f"{base}/feeds/news.atom.xml"))[0] == 200
    # Not in the archive: pywb says so itself and does not go to the live site for it; there is
    # no live-web route at all.
    assert _status(replay.url(f"{SITE_URL}/no-such-page/"))[0] == 404
    assert _status(f"{replay.origin}/live/{SITE_URL}/")[0] == 404


# --- ReplayWeb.page ----------------------------------------------------------------------------

RWP = ROOT / "node_modules" / "replaywebpage"
RWP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Replay</title><script src="/ui.js"></script></head>
<body><replay-web-page style="display:block;height:900px" source="/archive.wacz" url="{url}"
 replayBase="/replay/" embed="replayonly"></replay-web-page></body></html>
"""
RWP_TIMEOUT_MS = 120_000  # loading the package into the service worker is slow on a busy machine
RWP_QUERIES = 6
"""Queries of the set replayed in each language (the whole set runs on the live site)."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def replaywebpage(archive: Archive) -> Iterator[str]:
    """ReplayWeb.page and the package served from 127.0.0.1; yields the origin."""
    if not (RWP / "sw.js").is_file():
        pytest.fail(f"{RWP} is missing: run npm ci")
    root = workdir() / "replaywebpage"
    (root / "replay").mkdir(parents=True)
    shutil.copy(RWP / "ui.js", root / "ui.js")
    shutil.copy(RWP / "ui.js", root / "replay" / "ui.js")  # the replay frame loads it from replayBase
    shutil.copy(RWP / "sw.js", root / "replay" / "sw.js")
    shutil.copy(archive.path, root / "archive.wacz")
    for lang in LANGS:
        url = f"{SITE_URL}{LANG_PREFIX[lang]}{PAGE_KINDS['search']}"
        (root / f"search-{lang}.html").write_text(RWP_PAGE.format(url=url), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, name="replaywebpage", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _worker_active(page: Page) -> bool:
    """Whether ReplayWeb.page's service worker (scope `replay/`) is installed and active for this origin."""
    return page.evaluate(
        "navigator.serviceWorker.getRegistration('/replay/')"
        ".then(r => Boolean(r && r.active && r.active.state === 'activated'))"
    )


@pytest.fixture(scope="module")
def replaywebpage_context(browser: Browser, replaywebpage: str) -> Iterator[BrowserContext]:
    """One browser context for both languages, in which ReplayWeb.page's service worker is already active.

    A page's first load installs the worker; on a busy machine the replay frame can miss it (the
    viewer reloads its frame only thrice, 100 ms apart) and then never shows the page until the
    reader reloads. So the worker is installed here first, waiting on the worker itself, and each
    test's page then loads under it, as a returning reader's does. The context holds nothing else
    the tests could lean on: the package is loaded by the tests' own pages, from the archive file.
    """
    context = browser.new_context()
    context.set_default_timeout(RWP_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{replaywebpage}/search-{LANGS[0]}.html", wait_until="load")
    deadline = time.monotonic() + RWP_TIMEOUT_MS / 1000
    while not _worker_active(page):
        assert time.monotonic() < deadline, "ReplayWeb.page's service worker never became active"
        page.wait_for_timeout(50)
    page.close()
    try:
        yield context
    finally:
        context.close()


def _visit(context: BrowserContext, url: str) -> Visit:
    """`url` opened in a new page of `context`, with its requests, failures and console errors recorded."""
    page = context.new_page()
    visit = Visit(page)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("response", lambda r: visit.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: visit.failures.append(f"{r.failure} {r.url}"))
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.goto(url, wait_until="load")
    return visit


def _replayed_frame(page: Page, archived: str) -> Frame:
    """The frame in which ReplayWeb.page shows the archived page (its address ends with it).

    Loaded a second time if it has not appeared after half the time, as a reader would reload
    (with the worker already active, see `replaywebpage_context`, the first load is not missed).
    """
    for attempt in range(2):
        deadline = time.monotonic() + RWP_TIMEOUT_MS / 2 / 1000
        while time.monotonic() < deadline:
            for frame in page.frames:
                if frame.url.endswith("/" + archived):
                    return frame
            page.wait_for_timeout(50)
        if attempt == 0:
            page.reload()
    raise AssertionError(f"ReplayWeb.page did not show {archived}; frames: {[f.url for f in page.frames]}")


@pytest.mark.parametrize("lang", LANGS)
def test_search_works_in_replaywebpage(lang: str, replaywebpage: str, replaywebpage_context: BrowserContext) -> None:
    """Replayed by ReplayWeb.page, the search page loads its index from the archive and lists, for
    queries of the set, the same page among the first five as on the live site."""
    in_context: list[str] = []  # the service worker's requests are the context's, not the page's

    def record(request: Request) -> None:
        in_context.append(request.url)

    replaywebpage_context.on("request", record)
    visit = _visit(replaywebpage_context, f"{replaywebpage}/search-{lang}.html")
    page = visit.page
    archived = f"{SITE_URL}{LANG_PREFIX[lang]}{PAGE_KINDS['search']}"
    try:
        try:
            frame = _replayed_frame(page, archived)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nconsole: {visit.console_errors}\nfailed: {visit.failures}") from None
        frame.wait_for_selector("input[name='q']")
        assert frame.locator("#search-nojs").is_hidden(), "the replayed page reads as without JavaScript"
        prefix = f"{urlsplit(SITE_URL).path}{LANG_PREFIX[lang]}"
        missed = []
        for query, path, _why in QUERIES[lang][:RWP_QUERIES]:
            found = [REPLAY_PATH.sub("", p) for p in top_results(frame, query)]
            if prefix + path not in found:
                missed.append(f"{query!r} -> {path}: got {found}")
        status = frame.locator("[role=status]").inner_text()
        assert not missed, "\n".join(missed) + f"\nstatus: {status}"
    finally:
        page.close()
        replaywebpage_context.remove_listener("request", record)
    requested = [*visit.requests, *in_context]
    assert requested, "no request was seen"
    left = [
        u for u in requested if urlsplit(u).hostname not in ("127.0.0.1", None) and not u.startswith(("data:", "blob:"))
    ]
    assert not left, left
