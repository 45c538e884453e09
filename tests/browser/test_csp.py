"""The Content-Security-Policy in force: the real nginx with the shipped headers, in Chromium.

Every kind of page, in both languages, is used as a reader would (search typed, a video
opened, times switched to another zone) with the policy enforced (contexts here do not
bypass it), and no violation may be reported. A page with an inline script of the kind an
attacker would slip in is served too: the script must not run and a violation must be
reported, so the policy is shown to be in force, not merely written.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from ssc_deploy import nginx

from .browser_support import LANG_PREFIX, LANGS, PAGE_KINDS, SUBPATH, TIMEOUT_MS, Site, facade_pages

pytestmark = pytest.mark.skipif(nginx.nginx_binary() is None, reason="nginx is not installed (Debian package nginx)")

# Recorded in the page before any of its own scripts runs; the listener is the browser's, not the site's.
_LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI}`
    + ` in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""
_PROBE = "csp-probe/index.html"
_PROBE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>probe</title></head>
<body><p id="probe" style="color: rgb(255, 0, 0)">probe</p>
<script>window.__inlineRan = true; document.getElementById("probe").textContent = "ran";</script>
</body></html>
"""


@dataclass
class Served:
    """A copy of a build served by nginx at /ssc2020/ with the shipped configuration."""

    origin: str
    root: Path

    def url(self, path: str, lang: str = "ko") -> str:
        """The address of `path` (as written in PAGE_KINDS) in the `lang` site."""
        return f"{self.origin}{SUBPATH}{LANG_PREFIX[lang]}{path}"


def _serve_with_nginx(site: Site, base: Path) -> Iterator[Served]:
    root = base / "site"
    shutil.copytree(site.output, root)  # a copy: the probe page must not reach the other tests' build
    port = nginx.free_port()
    conf = nginx.prepare(root=root, prefix=base / "nginx", port=port)
    process = subprocess.Popen(
        nginx.command(conf, base / "nginx"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        nginx.wait_for_port("127.0.0.1", port, process)
        yield Served(f"http://127.0.0.1:{port}", root)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def site_nginx(subpath_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real archive, built for /ssc2020/, behind nginx."""
    yield from _serve_with_nginx(subpath_site, tmp_path_factory.mktemp("csp-site"))


@pytest.fixture(scope="module")
def video_nginx(video_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The fixture forum (it has videos) behind nginx."""
    yield from _serve_with_nginx(video_site, tmp_path_factory.mktemp("csp-video"))


@dataclass
class Enforced:
    """A page opened with the policy enforced, and what the browser said about the policy."""

    page: Page
    console: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        """Violations reported to the page, and console lines about a policy."""
        self.page.wait_for_timeout(200)  # violation events are queued as tasks: let them fire
        reported = self.page.evaluate("window.__cspViolations")
        said = [line for line in self.console if "Content Security Policy" in line or "Policy" in line]
        return reported + said


@pytest.fixture
def enforced(browser: Browser) -> Iterator:
    """`enforced(url, **context_options)`: a fresh context that honours the CSP, the page loaded."""
    contexts = []

    def _open(url: str, **options) -> Enforced:
        context = browser.new_context(bypass_csp=False, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(_LISTEN)
        contexts.append(context)
        page = context.new_page()
        visit = Enforced(page)
        page.on(
            "console", lambda m: visit.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda e: visit.console.append(f"pageerror: {e}"))
        response = page.goto(url, wait_until="load")
        assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
        return visit

    yield _open
    for context in contexts:
        context.close()


def _switch_zone(page: Page) -> None:
    """Press the time-zone switch where the page has one, and check that the times changed."""
    switch = page.locator("[data-tz-switch] button")
    if switch.count() == 0:
        return
    status = page.locator("[data-tz-status]").first
    before = status.inner_text()
    switch.first.click()
    assert switch.first.get_attribute("aria-pressed") == "true"
    assert status.inner_text() != before, "the switch did not change the zone the page states"


SEARCH_WORDS = {"ko": "빅데이터", "en": "citizen participation"}
CASES = [(lang, kind) for lang in LANGS for kind in PAGE_KINDS]


@pytest.mark.parametrize(("lang", "kind"), CASES, ids=[f"{lang}-{kind}" for lang, kind in CASES])
def test_no_policy_violation_on_any_page(site_nginx: Served, enforced, lang: str, kind: str) -> None:
    visit = enforced(site_nginx.url(PAGE_KINDS[kind], lang), timezone_id="Europe/Berlin")
    page = visit.page
    if kind == "search":
        page.fill("input[name='q']", SEARCH_WORDS[lang])
        page.locator("#search-results li a").first.wait_for()  # Pagefind ran: its WebAssembly was allowed
    _switch_zone(page)
    assert visit.violations() == []
    assert visit.console == []


def test_no_policy_violation_when_a_video_is_opened(video_nginx: Served, video_site: Site, enforced) -> None:
    pages = facade_pages(video_site)
    assert pages, "the fixture forum has no page with a video"
    for lang, path in [("ko", pages[0]), ("en", next(p for p in pages if "/en/" in p))]:
        visit = enforced(
            video_nginx.origin + path, timezone_id="America/New_York", locale=f"{lang}-KR" if lang == "ko" else "en-GB"
        )
        page = visit.page
        _switch_zone(page)
        page.locator(".video-play").first.click()
        frame = page.locator(".video-facade iframe")
        assert frame.count() == 1
        assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
        assert visit.violations() == [], path
        # The frame's host does not resolve on the test machine: that failure is the only error allowed.
        errors = [line for line in visit.console if line.startswith(("error", "pageerror"))]
        assert [line for line in errors if "youtube-nocookie.com" not in line] == [], path


def test_an_injected_inline_script_is_blocked(site_nginx: Served, enforced) -> None:
    probe = site_nginx.root / _PROBE
    probe.parent.mkdir()
    probe.write_text(_PROBE_PAGE, encoding="utf-8")
    visit = enforced(f"{site_nginx.origin}{SUBPATH}/{_PROBE.removesuffix('index.html')}")
    page = visit.page
    assert page.evaluate("window.__inlineRan") is None, "the inline script ran: the policy is not in force"
    assert page.locator("#probe").inner_text() == "probe"
    assert page.evaluate("getComputedStyle(document.getElementById('probe')).color") != "rgb(255, 0, 0)", (
        "the inline style was applied"
    )
    reported = page.evaluate("window.__cspViolations")
    assert any(v.startswith("script-src-elem blocked inline") for v in reported), reported
    assert any(v.startswith("style-src-attr blocked inline") for v in reported), reported
    assert any("violates the following Content Security Policy directive" in line for line in visit.console)
