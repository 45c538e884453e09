"""The web archive replayed with pywb, offline, in Chromium: what a reader of the deposited copy sees.

The package `python3 make.py archive` writes is added to a pywb collection (`wb-manager add
--unpack-wacz`, which uses the package's own index) and served by pywb's `wayback` on
127.0.0.1, without any live-web collection or proxy: a request for anything not in the archive
gets pywb's "not in archive" page, never the live site. Pages are opened at their archived
addresses (`/ssc/<timestamp>/https://forum.seoul.go.kr/ssc2020/...`) in non-framed replay.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive_helpers import SITE_URL, Archive, made_archive, workdir

from .browser_support import LANG_PREFIX, LANGS, PAGE_KINDS, OpenPage, Visit

# The package is made once per process (archive_helpers): its tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("archive")

BIN = Path(sys.executable).parent
COLLECTION = "ssc"
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
    for command in (["wb-manager", "init", COLLECTION],
                    ["wb-manager", "add", "--unpack-wacz", COLLECTION, str(archive.path)]):
        done = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=root, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    (root / "config.yaml").write_text(PYWB_CONFIG, encoding="utf-8")
    port = _free_port()
    log = root / "wayback.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(BIN / "wayback"), "--bind", "127.0.0.1", "--port", str(port),
                                    "--directory", str(root)], cwd=root, stdout=sink, stderr=subprocess.STDOUT)
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
    return [u for u in visit.requests
            if urlsplit(u).scheme not in ("data", "blob") and not u.startswith(replay.origin + "/")]


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
def test_search_works_or_reads_as_without_javascript(
    lang: str, replay: Replay, open_page: OpenPage
) -> None:
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
