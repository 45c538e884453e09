"""Fixtures for the browser checks: built sites, local HTTP servers, one Chromium.

The site is built twice per test session, once for the root (`SITEURL = ""`) and once
for the sub-path it is published under (`/ssc2020`): the session's builds `site` and
`subpath_build` (tests/conftest.py), which the other tests read too; the small fixture
forum, which has videos, is built once more when a video test runs. Each build is served over HTTP on
127.0.0.1 the way the production server serves it: the sub-path build answers only
under `/ssc2020/`, so a link that forgets the sub-path fails. One Chromium (Debian's,
driven by Playwright) serves every test; each test opens its own context. Chromium is
started so that no host but 127.0.0.1 resolves: a page that calls out to another
host is caught (the request is recorded) and nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from ssc_deploy.screenshots import CHROMIUM, CHROMIUM_ARGS

from .browser_support import (
    SUBPATH,
    TIMEOUT_MS,
    OpenPage,
    Site,
    Visit,
    VnuJob,
    build_site,
    serve,
    start_vnu,
)


def _served(name: str, output: Path, prefix: str) -> Iterator[Site]:
    server, origin = serve(output, prefix)
    try:
        yield Site(name=name, output=output, origin=origin, prefix=prefix)
    finally:
        server.shutdown()
        server.server_close()


def _site(tmp_path_factory: pytest.TempPathFactory, name: str, prefix: str, **overrides: Any) -> Iterator[Site]:
    output = tmp_path_factory.mktemp(name) / "output"
    build_site(output, prefix, **overrides)
    yield from _served(name, output, prefix)


@pytest.fixture(scope="session")
def root_site(site: Path) -> Iterator[Site]:
    """The site built for and served at the server's root: the session's real build (`site`)."""
    yield from _served("root", site, "")


@pytest.fixture(scope="session")
def subpath_site(request: pytest.FixtureRequest, subpath_build: Path) -> Iterator[Site]:
    """The site as published: built with SITEURL /ssc2020 (`subpath_build`) and served only under /ssc2020/.

    If the Nu Html Checker is wanted in this session it starts on this build as soon as
    the build exists, so that its JVM works on the second core while the browser tests
    run (see `vnu_report`). Under pytest-xdist the second core already runs a worker of
    its own, and a worker cannot know in advance whether it will be sent the check, so
    there the checker starts when the check asks for it.
    """
    in_xdist_worker = "PYTEST_XDIST_WORKER" in os.environ
    wants_vnu = not in_xdist_worker and any(
        "vnu_report" in getattr(item, "fixturenames", ()) for item in request.session.items
    )
    for site in _served("subpath", subpath_build, SUBPATH):
        if wants_vnu:
            _VNU_JOBS[site.output] = start_vnu(site.html_files(), site.output.parent / "vnu.json")
        try:
            yield site
        finally:
            job = _VNU_JOBS.pop(site.output, None)
            if job:
                job.stop()


@pytest.fixture(scope="session")
def video_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A small forum with videos, published under /ssc2020/ after the event.

    The real archive has no video (no addresses were published), so the video facade is
    tried on the test suite's fixture forum (tests/fixture_site.py), in the real theme.
    """
    from fixture_site import write_fixture_site

    content = write_fixture_site(tmp_path_factory.mktemp("video-content"))
    yield from _site(
        tmp_path_factory,
        "video",
        SUBPATH,
        PATH=str(content),
        FORUM={"phase": "after", "home_url": "https://example.org/forum"},
    )


@pytest.fixture(scope="session")
def sites(root_site: Site, subpath_site: Site) -> dict[str, Site]:
    """Both variants by name."""
    return {"root": root_site, "subpath": subpath_site}


# --- the Nu Html Checker -------------------------------------------------------------------

_VNU_JOBS: dict[Path, VnuJob] = {}


@pytest.fixture(scope="session")
def vnu_report(subpath_site: Site) -> tuple[int, str]:
    """Exit code and JSON report of the one vnu run over every page of the published build."""
    job = _VNU_JOBS.get(subpath_site.output)
    if job is None:  # not started with the build (see `subpath_site`): start it now
        job = _VNU_JOBS[subpath_site.output] = start_vnu(
            subpath_site.html_files(), subpath_site.output.parent / "vnu.json"
        )
    return job.result()


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole session."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """`open_page(url, settle=False, **context_options)`: a fresh context and page, loaded.

    With `settle`, it also waits until the network has been idle for half a second, so
    that late requests are seen too. Contexts bypass any Content-Security-Policy only so
    that axe can be injected.
    """
    contexts: list[BrowserContext] = []

    def _open(url: str, settle: bool = False, **options: Any) -> Visit:
        options.setdefault("bypass_csp", True)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page)
        page.on("request", lambda request: visit.requests.append(request.url))
        page.on("response", lambda response: visit.responses.append(response))
        page.on(
            "response",
            lambda r: visit.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("requestfailed", lambda r: visit.failures.append(f"{r.failure} {r.url}"))
        page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
        page.goto(url, wait_until="load")
        if settle:
            page.wait_for_load_state("networkidle")
        return visit

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def shared_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """`shared_page(url, **context_options)`: `url` loaded in a page kept for the module, one per set of options.

    For tests that only look at a loaded page (its layout, its styles, its menu opened and closed): a
    new page costs a renderer process of its own (about a quarter of a second each), loading another
    address into a kept page a fraction of that. Each call loads `url` anew (a new document, as
    `open_page` gives), in a context made with exactly those options (the window's size set back to
    theirs, should a test have changed it); what the context keeps from page to page (the HTTP
    cache; the site stores nothing until a reader switches the time zone, which these tests do not)
    is what a reader going from page to page keeps too.
    """
    pages: dict[str, Page] = {}
    contexts: list[BrowserContext] = []

    def _open(url: str, **options: Any) -> Page:
        key = json.dumps(options, sort_keys=True)
        if key not in pages:
            context = browser.new_context(**{"bypass_csp": True, **options})
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
            pages[key] = context.new_page()
        page = pages[key]
        if "viewport" in options:  # as made, whatever size the last test set
            page.set_viewport_size(options["viewport"])
        page.goto(url, wait_until="load")
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def shared_visit(browser: Browser) -> Iterator[OpenPage]:
    """`shared_visit(url, settle=False, **context_options)`: `open_page`'s visit, in a kept page per set of options.

    As `shared_page`, for tests that look at the page and at what it asked for: each call loads
    `url` anew and records from then on, into a new `Visit`, every request, response, failure and
    console error, as `open_page` does. The kept page's HTTP cache is off (DevTools' Network
    domain), so every page fetches all it needs, as on a first visit. Tests that settle leave no
    request behind for the next one.
    """
    kept: dict[str, tuple[Page, list[Visit]]] = {}
    contexts: list[BrowserContext] = []

    def _open(url: str, settle: bool = False, **options: Any) -> Visit:
        key = json.dumps(options, sort_keys=True)
        if key not in kept:
            context = browser.new_context(**{"bypass_csp": True, **options})
            context.set_default_timeout(TIMEOUT_MS)
            contexts.append(context)
            page = context.new_page()
            devtools = context.new_cdp_session(page)
            devtools.send("Network.enable")
            devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
            visits: list[Visit] = []
            page.on("request", lambda request: visits[-1].requests.append(request.url))
            page.on("response", lambda response: visits[-1].responses.append(response))
            page.on(
                "response",
                lambda r: visits[-1].failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            page.on("requestfailed", lambda r: visits[-1].failures.append(f"{r.failure} {r.url}"))
            page.on("console", lambda m: visits[-1].console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: visits[-1].console_errors.append(str(e)))
            kept[key] = (page, visits)
        page, visits = kept[key]
        visits.append(Visit(page))
        page.goto(url, wait_until="load")
        if settle:
            page.wait_for_load_state("networkidle")
        return visits[-1]

    yield _open
    for context in contexts:
        context.close()
